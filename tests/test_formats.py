"""DOCX and PDF: the same records as the text, page provenance, and bad files refused cleanly."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cchc_extract import CchcError, extract, read

from .conftest import CORPUS, ROOT, extracted

DATA = Path(__file__).parent / "data"
STEMS = sorted({p.stem for p in CORPUS.glob("*.docx")})


def comparable(path: Path) -> dict:
    """What must not depend on the format: everything but spans, pages and paths."""
    report = extracted(path)
    meta = report.metadata.model_dump()
    return {
        "metadata": meta,
        "sections": [(s.id, s.title, s.level, s.parent) for s in report.sections],
        "references": [(r.key, r.doc_type, r.date, r.issuer, r.section) for r in report.references],
        "figures": [(f.value, f.unit, f.share_percent, f.of_total, f.section) for f in report.figures],
        "rows": [
            (t.id, r.code, r.label, r.unit, r.unit_resolved, r.value, r.parent, r.value_label)
            for t in report.tables
            for r in t.rows
        ],
        "checks": sorted((c.rule, c.severity) for c in report.checks),
    }


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_renderings_agree_with_the_source(stem, suffix):
    source = next(p for p in CORPUS.glob(f"{stem}.*") if p.suffix in (".txt", ".md"))
    expected, got = comparable(source), comparable(CORPUS / f"{stem}{suffix}")
    for part in expected:
        assert got[part] == expected[part], part


def test_pdf_records_carry_pages():
    report = extracted(CORPUS / "000_hoang_cat_2024h1.pdf")
    assert report.source.format == "pdf" and report.source.pages and report.source.pages > 5
    assert report.sections[0].page == 1 and report.sections[-1].page > 1
    assert all(r.page for r in report.references)
    rows = report.tables[0].rows
    assert rows[0].page < rows[-1].page  # the appendix runs over several pages
    assert {r.page for r in report.references if r.section == "IV.4"} != {1}


def test_docx_merged_cells_numbering_and_header_text(tmp_path):
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "TÀI LIỆU MẬT - TRANG ĐẦU"
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph("Kết quả cải cách hành chính")
    for title in ("Cải cách thể chế", "Cải cách thủ tục hành chính"):
        document.add_paragraph(title, style="List Number")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 2).merge(table.cell(0, 3))
    table.cell(0, 0).merge(table.cell(1, 0))
    for (r, c), text in {
        (0, 0): "STT",
        (0, 1): "Chỉ tiêu",
        (0, 2): "Kết quả thống kê",
        (1, 2): "Đơn vị tính",
        (1, 3): "Số liệu",
        (2, 0): "1",
        (2, 1): "Số hồ sơ",
        (2, 2): "Hồ sơ",
        (2, 3): "313",
    }.items():
        table.cell(r, c).text = text
    path = tmp_path / "r.docx"
    document.save(str(path))
    report = extract(path, with_text=True)
    assert [s.title for s in report.sections] == ["Cải cách thể chế", "Cải cách thủ tục hành chính"]
    assert "MẬT" not in (report.text or "")
    (table,) = report.tables
    assert table.columns == ["STT", "Chỉ tiêu", "Kết quả thống kê / Đơn vị tính", "Kết quả thống kê / Số liệu"]
    assert [(r.code, r.unit, r.number) for r in table.rows] == [("1", "Hồ sơ", 313)]


def test_docx_footnotes_follow_the_body(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph("Kết quả")
    buffer = io.BytesIO()
    document.save(buffer)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    notes = (
        f'<?xml version="1.0"?><w:footnotes xmlns:w="{w}"><w:footnote w:type="separator" w:id="-1"><w:p/>'
        f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>Kế hoạch số 53/KH-UBND ngày 21/3/2018.</w:t>'
        "</w:r></w:p></w:footnote></w:footnotes>"
    )
    path = tmp_path / "notes.docx"
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/footnotes.xml", notes)
    report = extract(path)
    assert [r.key for r in report.references] == ["53/KH-UBND/2018"]


def _zip_bomb(path: Path, size: int) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/fill.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("empty.docx", lambda p: p.write_bytes(b""), "is empty"),
        ("text.docx", lambda p: p.write_text("Báo cáo", encoding="utf-8"), "not a ZIP container"),
        (
            "truncated.docx",
            lambda p: p.write_bytes((CORPUS / "002_lam_son_province_2025.docx").read_bytes()[:3000]),
            "damaged or truncated",
        ),
        ("plain.docx", lambda p: zipfile.ZipFile(p, "w").writestr("a.txt", "x"), "not a Word document"),
        ("bomb.docx", lambda p: _zip_bomb(p, 4 << 20), "refused as a zip bomb"),
        ("empty.pdf", lambda p: p.write_bytes(b"   "), "is empty"),
        ("text.pdf", lambda p: p.write_text("Báo cáo", encoding="utf-8"), "not a PDF file"),
        (
            "truncated.pdf",
            lambda p: p.write_bytes((CORPUS / "002_lam_son_province_2025.pdf").read_bytes()[:2000]),
            "not a readable PDF",
        ),
        ("report.doc", lambda p: p.write_text("not OLE", encoding="utf-8"), ".doc"),
    ],
)
def test_bad_files_are_one_clear_error(tmp_path, name, make, message):
    path = tmp_path / name
    make(path)
    with pytest.raises(CchcError) as info:
        extract(path)
    assert message in info.value.line() and str(path) in info.value.line()


def test_a_large_zip_bomb_is_refused_without_unpacking(tmp_path):
    path = tmp_path / "big.docx"
    _zip_bomb(path, 210 << 20)
    assert path.stat().st_size < 2 << 20
    with pytest.raises(CchcError, match="would unpack to"):
        read(path)


def test_encrypted_pdf_needs_its_password():
    path = DATA / "encrypted.pdf"
    with pytest.raises(CchcError) as info:
        read(path)
    assert "encrypted" in info.value.line() and "--password" in info.value.line()
    with pytest.raises(CchcError, match="wrong password"):
        read(path, password="nope")
    report = extract(path, password="cchc")
    assert report.metadata.symbol == "BC-UBND" and report.metadata.number == "47"


def test_a_page_without_text_is_a_warning_naming_it(tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(CORPUS / "002_lam_son_province_2025.pdf"))
    pdf.new_page(595, 842)  # a blank page, as a scanned page looks to a text reader
    path = tmp_path / "with_scan.pdf"
    pdf.save(str(path))
    pdf.close()
    report = extract(path)
    pages = report.source.pages
    assert [(w.code, w.page) for w in report.warnings] == [("page.no_text", pages)]
    assert report.metadata.number == "47"


def test_cli_password_option():
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_extract", str(DATA / "encrypted.pdf"), "--json", "--password", "cchc"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def _docx_text(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    out = [p.text for p in document.paragraphs]
    out += ["\t".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
    return out


def test_build_script_reproduces_the_committed_docx(tmp_path):
    sys.path.insert(0, str(ROOT / "corpus"))
    import build

    for source in build.sources():
        target = tmp_path / f"{source.stem}.docx"
        build.build_docx(source, target)
        assert _docx_text(target) == _docx_text(CORPUS / target.name), source.name


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_build_script_reproduces_the_committed_pdf(tmp_path):
    import pypdfium2 as pdfium

    sys.path.insert(0, str(ROOT / "corpus"))
    import build

    source = CORPUS / "004_an_phu_planted_errors_2025.docx"
    rebuilt = build.build_pdf(source, tmp_path)

    def pages(path: Path) -> list[str]:
        pdf = pdfium.PdfDocument(str(path))
        try:
            return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
        finally:
            pdf.close()

    assert pages(rebuilt) == pages(CORPUS / "004_an_phu_planted_errors_2025.pdf")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_pdf_running_headers_footers_and_page_numbers_are_dropped(tmp_path):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sys.path.insert(0, str(ROOT / "corpus"))
    import build

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "UBND XÃ AN PHÚ - BÁO CÁO CẢI CÁCH HÀNH CHÍNH"
    footer = section.footer.paragraphs[0]
    footer.add_run("Trang ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph("Kết quả cải cách hành chính")
    for k in range(1, 61):
        document.add_paragraph(f"{k}. Nội dung công việc thứ {k} theo Kế hoạch số {k}/KH-UBND ngày 02/01/2024.")
    source = tmp_path / "paged.docx"
    document.save(str(source))
    report = extract(build.build_pdf(source, tmp_path), with_text=True)
    assert report.source.pages and report.source.pages >= 3
    text = report.text or ""
    assert "UBND XÃ AN PHÚ - BÁO CÁO" not in text and "Trang" not in text
    assert [s.id for s in report.sections] == [str(k) for k in range(1, 61)]
    assert len(report.references) == 60


def test_pdf_paragraphs_are_joined_at_the_bodys_spacing_not_the_footnotes():
    """A body set at 1.5 lines (22 pt) with footnotes set close (11 pt) below it, as a scan or
    a text layer gives them: the body's wrapped lines are joined, its paragraphs kept apart."""
    from cchc_extract.readers.pdf import _blocks, _Line

    lines, bottom = [], 100.0
    for paragraph in range(3):
        for k in range(4):
            full = k < 3  # a paragraph's last line stops short of the margin
            lines.append(_Line(f"đoạn {paragraph} dòng {k} của Thủ tướng", 72, 535 if full else 300, bottom, 1))
            bottom += 22
        bottom += 13  # the gap between paragraphs
    for k in range(6):
        lines.append(_Line(f"{k + 1} Chú thích {k} về văn bản", 72, 535, bottom, 1))
        bottom += 11
    blocks = [b.text for b in _blocks([lines]) if b.text]
    assert blocks[:3] == [" ".join(f"đoạn {p} dòng {k} của Thủ tướng" for k in range(4)) for p in range(3)]
