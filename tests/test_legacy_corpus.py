"""The corpus in archive-era encodings gives the records of its Unicode original; Unicode stays Unicode."""

from __future__ import annotations

import shutil
import sys

import pytest

from cchc_extract import extract, legacy

from .conftest import CORPUS, ROOT, corpus_documents, extracted
from .test_formats import comparable

LEGACY = CORPUS / "legacy"
FORMS = {  # rendering -> the encoding it must be read in
    "tcvn3.docx": "tcvn3",
    "vni.docx": "vni",
    "mixed.docx": "tcvn3",
    "cp1258": "cp1258",
    "tcvn3": "tcvn3",
}


def _renderings():
    for source in corpus_documents():
        for form, encoding in FORMS.items():
            name = f"{source.stem}.{form}" if form.endswith(".docx") else f"{source.stem}.{form}{source.suffix}"
            yield source, LEGACY / name, encoding


RENDERINGS = list(_renderings())


@pytest.mark.parametrize(("source", "rendering", "encoding"), RENDERINGS, ids=[r.name for _, r, _ in RENDERINGS])
def test_each_legacy_rendering_gives_the_records_of_the_unicode_original(source, rendering, encoding):
    report = extracted(rendering)
    assert report.source.encoding == encoding  # auto picked it (text) or the fonts said it (DOCX)
    expected, got = comparable(source), comparable(rendering)
    for part in ("references", "sections", "figures", "rows", "metadata", "checks"):
        assert got[part] == expected[part], part
    guessed = [w for w in report.warnings if w.code == "encoding.guessed"]
    assert len(guessed) == (0 if rendering.suffix == ".docx" else 1)


def test_the_legacy_renderings_hold_legacy_bytes():
    """Without conversion they would read as mojibake: the test above is not comparing Unicode with Unicode."""
    import docx

    seed = "000_hoang_cat_2024h1"
    text = "\n".join(p.text for p in docx.Document(str(LEGACY / f"{seed}.tcvn3.docx")).paragraphs)
    assert "B¸O C¸O" in text  # the title typed in .VnTimeH, whose font draws "¸" as "Á"
    assert "Uû ban" not in text and "c¶i c¸ch hµnh chÝnh" in text
    vni = "\n".join(p.text for p in docx.Document(str(LEGACY / f"{seed}.vni.docx")).paragraphs)
    assert "caûi caùch haønh chính" in vni
    raw = (LEGACY / f"{seed}.tcvn3.txt").read_bytes()
    assert "cải cách".encode() not in raw and "c¶i c¸ch".encode("latin-1") in raw
    assert b"\xad" in raw  # TCVN3's "ư"


def test_a_mixed_document_converts_the_body_and_not_the_unicode_header():
    import docx

    path = LEGACY / "001_thach_lam_district_2024.mixed.docx"
    header = docx.Document(str(path)).tables[0]
    assert header.cell(0, 1).paragraphs[0].runs[0].font.name == "Times New Roman"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).text  # typed in Unicode
    text = extracted(path).text or ""
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text  # left as it was
    assert "hµnh" not in text and "hành chính" in text  # the TCVN3 body, converted


def test_build_script_reproduces_the_committed_renderings(tmp_path):
    import docx

    sys.path.insert(0, str(ROOT / "corpus"))
    import legacy as legacy_script  # corpus/legacy.py

    legacy_script.build(tmp_path, pdf=False)
    for _, committed, _ in RENDERINGS:
        fresh = tmp_path / committed.name
        if committed.suffix == ".docx":
            assert [p.text for p in docx.Document(str(fresh)).paragraphs] == [
                p.text for p in docx.Document(str(committed)).paragraphs
            ], committed.name
        else:
            assert fresh.read_bytes() == committed.read_bytes(), committed.name


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_an_old_doc_in_tcvn3_fonts_gives_the_records_of_the_unicode_doc(tmp_path):
    """LibreOffice keeps the font names when it converts a .doc, so the same rule applies.

    Compared with the Unicode DOCX sent through .doc the same way: LibreOffice's round trip
    of the seed's appendix loses rows whatever the encoding.
    """
    stem = "000_hoang_cat_2024h1"
    docs = []
    sys.path.insert(0, str(ROOT / "corpus"))
    from build import convert  # corpus/build.py

    for source in (CORPUS / f"{stem}.docx", LEGACY / f"{stem}.tcvn3.docx"):
        docs.append(convert(source, tmp_path, "doc"))
    unicode_doc, tcvn3_doc = docs
    report = extract(tcvn3_doc)
    assert report.source.format == "doc" and report.source.encoding == "tcvn3"
    expected, got = comparable(unicode_doc), comparable(tcvn3_doc)
    for part in ("references", "sections", "figures", "rows", "metadata"):
        assert got[part] == expected[part], part
    assert len(got["references"]) == 34


def _docx(path, runs, normal_font=None):
    """A DOCX of one paragraph per list of (text, font) runs."""
    import docx

    document = docx.Document()
    if normal_font:
        document.styles["Normal"].font.name = normal_font
    for paragraph_runs in runs:
        paragraph = document.add_paragraph()
        for text, font in paragraph_runs:
            run = paragraph.add_run(text)
            if font:
                run.font.name = font
    document.save(str(path))
    return path


LATIN1_VIETNAMESE = (
    "BÁO CÁO\nÔng Müller (Đức) và bà Ségolène thăm xã; phí © 2024 là 5 € ± 1 %; đồng chí Hà Thị Ánh, "
    "Hồ Văn Ân; « café » và ñandú; ½ số hồ sơ; Tổng số: 12 hồ sơ, đạt 100%."
)


def test_a_unicode_docx_with_latin1_letters_is_never_converted(tmp_path):
    path = _docx(tmp_path / "u.docx", [[(line, "Times New Roman")] for line in LATIN1_VIETNAMESE.split("\n")])
    report = extract(path, with_text=True)
    assert report.source.encoding is None
    assert LATIN1_VIETNAMESE.split("\n")[1] in (report.text or "")


def test_unicode_typed_in_a_legacy_font_is_left_as_it_is(tmp_path):
    # an old template's .VnTime stayed on while the clerk typed Unicode
    lines = [*LATIN1_VIETNAMESE.split("\n"), "Hòa Bình, Thái Bình, Ninh Bình là các tỉnh, thành phố của Việt Nam"]
    path = _docx(tmp_path / "v.docx", [[(line, None)] for line in lines], normal_font=".VnTime")
    report = extract(path, with_text=True)
    assert report.source.encoding is None
    assert all(line in (report.text or "") for line in lines)
    assert [w.code for w in report.warnings] == ["encoding.unicode_in_legacy_font"]


def test_runs_in_one_paragraph_each_follow_their_font(tmp_path):
    tcvn3 = legacy.encode("Kết quả thực hiện công tác ", "tcvn3")
    path = _docx(
        tmp_path / "m.docx",
        [
            [(tcvn3, ".VnTime"), ("cải cách hành chính", "Times New Roman"), (legacy.encode(" ở xã", "tcvn3"), None)],
            [(legacy.encode("tổng kết", "tcvn3"), ".VnTimeH"), (legacy.encode("Ủy", "vni"), "VNI-Times")],
            [("Hà Nội", "VNI-Times")],
        ],
        normal_font=".VnArial",
    )
    report = extract(path, with_text=True)
    text = report.text or ""
    assert "Kết quả thực hiện công tác cải cách hành chính ở xã" in text
    assert "TỔNG KẾTỦy" in text
    assert "Hà Nội" in text  # Unicode in a VNI font run: left
    assert report.source.encoding == "tcvn3+vni"


def test_a_vni_mark_split_from_its_vowel_by_a_formatting_change_is_rejoined(tmp_path):
    path = _docx(tmp_path / "s.docx", [[("Ha", "VNI-Times"), ("ønh chính", "VNI-Times")]])
    assert "Hành chính" in (extract(path, with_text=True).text or "")


SEED_PDF = CORPUS / "000_hoang_cat_2024h1.pdf"


@pytest.mark.parametrize("encoding", ["vni", "tcvn3"])
def test_a_pdf_whose_text_layer_is_legacy_bytes_is_converted(encoding):
    """The text layer of a PDF printed from a TCVN3 or VNI document.

    Its lines wrap elsewhere than the Unicode PDF's (the legacy bytes are drawn with other
    widths), so a heading or a reference broken across lines may differ; what does not
    depend on wrapping must be the same.
    """
    from cchc_extract.syllables import syllable_share

    path = LEGACY / f"000_hoang_cat_2024h1.{encoding}.pdf"
    report, unicode = extracted(path), extracted(SEED_PDF)
    assert report.source.encoding == encoding and unicode.source.encoding is None
    assert syllable_share(report.text or "").value >= syllable_share(unicode.text or "").value - 0.01
    expected, got = comparable(SEED_PDF), comparable(path)
    assert got["metadata"] == expected["metadata"]
    assert got["figures"] == expected["figures"]
    assert [s[0] for s in got["sections"]] == [s[0] for s in expected["sections"]]
    keys = [r[0] for r in got["references"]]
    assert len(keys) == 34 and sum(k == e for k, (e, *_) in zip(keys, expected["references"], strict=True)) >= 33
    assert [r[1] for r in got["rows"] if r[1]] == [r[1] for r in expected["rows"] if r[1]]  # every row code


def test_a_pdf_whose_text_layer_is_in_no_encoding_has_no_usable_pages():
    path = LEGACY / "000_hoang_cat_2024h1.garbled.pdf"
    report = extract(path, ocr="never")  # without OCR its pages are skipped
    garbled = [w.page for w in report.warnings if w.code == "page.garbled"]
    assert len(garbled) >= (report.source.pages or 0) - 1  # a page of one word cannot tell
    assert not report.references and not report.sections
    assert report.source.encoding is None
    read_by_ocr = extracted(path)  # --ocr auto reads them by OCR instead, as they are drawn
    assert read_by_ocr.source.ocr and [w.page for w in read_by_ocr.warnings if w.code == "page.garbled"] == garbled


def test_the_page_text_flag_for_ocr():
    import pypdfium2 as pdfium

    from cchc_extract.legacy import assess, page_text_usable

    def pages(path):
        pdf = pdfium.PdfDocument(str(path))
        try:
            return [pdf[i].get_textpage().get_text_range().splitlines() for i in range(len(pdf))]
        finally:
            pdf.close()

    assert all(page_text_usable(p) for p in pages(SEED_PDF))
    assert all(page_text_usable(p) for p in pages(LEGACY / "000_hoang_cat_2024h1.tcvn3.pdf"))
    garbled = pages(LEGACY / "000_hoang_cat_2024h1.garbled.pdf")
    assert not page_text_usable(garbled[0])
    layer = assess(garbled[0])
    assert (layer.encoding, layer.usable) == (None, False) and layer.words > 100
    assert assess(pages(LEGACY / "000_hoang_cat_2024h1.vni.pdf")[0]).encoding == "vni"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.pdf")) + sorted(CORPUS.glob("*.docx")), ids=lambda p: p.name)
def test_unicode_corpus_renderings_are_never_converted(path):
    report = extracted(path)
    assert report.source.encoding is None
    assert not any(w.code.startswith(("encoding.", "page.garbled")) for w in report.warnings)
