"""Damaged files: every library failure a reader can meet is the project's one-line error, or a
warning where the rest of the document is still honestly read (issue 13's fuzzing findings)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from cchc_extract import CchcError, extract, read
from cchc_extract.errors import InputError

from .conftest import CORPUS

PDF = CORPUS / "000_hoang_cat_2024h1.pdf"
DOCX = CORPUS / "000_hoang_cat_2024h1.docx"


def one_line_error(path: Path, password: str | None = None) -> str:
    with pytest.raises(CchcError) as info:
        read(path, password=password)
    line = info.value.line()
    assert str(path) in line and "\n" not in line
    return line


def rewrite_part(source: Path, target: Path, part: str, data: bytes) -> Path:
    """A copy of a DOCX with one part replaced (or added)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, data if item.filename == part else src.read(item.filename))
        if part not in src.namelist():
            dst.writestr(part, data)
    return target


def document_xml(source: Path = DOCX) -> bytes:
    with zipfile.ZipFile(source) as archive:
        return archive.read("word/document.xml")


# --- PDF -----------------------------------------------------------------------


def _cut_after_startxref(tmp_path: Path) -> Path:
    data = PDF.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: data.rindex(b"startxref")] + b"startxref\n0\n%%EOF")
    return path


def test_a_pdf_cut_after_startxref_is_read_whole_tables_too(tmp_path):
    report = extract(_cut_after_startxref(tmp_path))  # PDFium rebuilds the cross-references
    good = extract(PDF)
    assert report.warnings == [] and report.tables == good.tables and report.references == good.references


def test_when_pdfplumber_must_read_a_cut_pdf_its_text_is_kept_and_a_warning_says_its_tables_are_lost(
    tmp_path, monkeypatch
):
    from cchc_extract.readers import pdftables

    monkeypatch.setattr(pdftables, "find_tables", lambda page: None)  # as for a page of curves
    report = extract(_cut_after_startxref(tmp_path))  # pdfminer gives up on the cross-references
    assert report.metadata.date is not None and len(report.references) == len(extract(PDF).references)
    lost = [w for w in report.warnings if w.code == "page.tables_unreadable"]
    assert lost and "PdfminerException" in lost[0].message


def test_a_page_pdfium_cannot_load_is_a_warning_and_the_others_are_read(tmp_path):
    path = tmp_path / "page.pdf"
    path.write_bytes(PDF.read_bytes().replace(b"/Type/Page/", b"/Type/Pages/", 1))
    report = extract(path)
    unreadable = [w for w in report.warnings if w.code == "page.unreadable"]
    assert [w.page for w in unreadable] == [1] and "Failed to load page" in unreadable[0].message
    assert report.references  # pages 2 on are read
    assert report.source.pages == extract(PDF).source.pages


def test_a_pdf_none_of_whose_pages_load_is_an_error(tmp_path):
    path = tmp_path / "none.pdf"
    path.write_bytes(PDF.read_bytes().replace(b"/Type/Page/", b"/Type/Pages/"))
    assert "none of whose" in one_line_error(path)


# --- DOCX ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "footnotes",
    [
        b"<broken",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]><x>&d;&d;</x',
    ],
    ids=["malformed", "entity-bomb-unclosed"],
)
def test_a_damaged_footnotes_part_is_a_warning_and_the_body_is_read(tmp_path, footnotes):
    path = rewrite_part(DOCX, tmp_path / "notes.docx", "word/footnotes.xml", footnotes)
    report = extract(path)
    assert [w.code for w in report.warnings] == ["docx.footnotes"]
    assert "XMLSyntaxError" in report.warnings[0].message
    assert len(report.references) == len(extract(DOCX).references)


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (lambda xml: xml.replace(b"<w:tcPr>", b"<w:tcPr><w:vMerge/>", 1), "no tr above topmost tr"),
        (lambda xml: xml.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="abc"/>', 1), "abc"),
    ],
    ids=["vmerge-on-the-first-row", "gridspan-not-a-number"],
)
def test_a_table_grid_python_docx_cannot_follow_is_read_cell_by_cell(tmp_path, edit, why):
    path = rewrite_part(DOCX, tmp_path / "grid.docx", "word/document.xml", edit(document_xml()))
    report = extract(path)
    grid = [w for w in report.warnings if w.code == "docx.table_grid"]
    assert len(grid) == 1 and why in grid[0].message
    good = extract(DOCX)
    assert len(report.tables) == len(good.tables) and report.metadata == good.metadata


def test_malformed_run_markup_costs_only_the_style_hints(tmp_path):
    xml = document_xml().replace(b"<w:b/>", b'<w:b w:val="maybe"/>', 1)
    path = rewrite_part(DOCX, tmp_path / "numbering.docx", "word/document.xml", xml)
    report = extract(path)
    assert "docx.paragraph_markup" in [w.code for w in report.warnings]
    assert len(report.references) == len(extract(DOCX).references)


# --- .doc ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 80, "damaged OLE file"),
        (b"not OLE at all", "no OLE signature"),
    ],
    ids=["ole-signature-then-junk", "no-signature"],
)
def test_an_ole_file_that_is_not_a_word_document_is_refused_before_libreoffice(tmp_path, monkeypatch, data, message):
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/" + name)  # as if LibreOffice were there
    monkeypatch.setattr(subprocess, "run", _never)
    path = tmp_path / "junk.doc"
    path.write_bytes(data)
    assert message in one_line_error(path)


def _never(*args, **kwargs):
    raise AssertionError("LibreOffice must not be run on this file")


# --- special files ---------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_a_report_is_refused_at_once(tmp_path):
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    assert "is a FIFO" in one_line_error(fifo)
    proc = subprocess.run([sys.executable, "-m", "cchc_extract", str(fifo)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "is a FIFO" in proc.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_link_to_a_device_is_refused(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    assert "character device" in one_line_error(link)


# --- every exception type a reader's libraries raise ----------------------------------


def _pdfminer_errors() -> list[type[BaseException]]:
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSEOF, PSSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    return [PdfminerException, PDFSyntaxError, PSEOF, PSSyntaxError]


def _lxml_errors() -> list[type[BaseException]]:
    from lxml import etree

    return [etree.XMLSyntaxError, etree.LxmlError]


PYTHON_ERRORS: list[type[BaseException]] = [
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    NotImplementedError,
    RecursionError,
    OverflowError,
    ZeroDivisionError,
    UnicodeDecodeError,
    zlib.error,
    zipfile.BadZipFile,
    EOFError,
    OSError,
    MemoryError,
]


def _instance(kind: type[BaseException]) -> BaseException:
    if kind is UnicodeDecodeError:
        return UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    try:
        return kind("broken structure\nsecond line")
    except TypeError:  # an exception class that wants other arguments
        return kind.__new__(kind)


def _raiser(kind: type[BaseException]):
    def boom(*args, **kwargs):
        raise _instance(kind)

    return boom


@pytest.mark.parametrize("kind", [*PYTHON_ERRORS, *_pdfminer_errors()], ids=lambda k: k.__name__)
def test_pdfplumber_failing_with_any_type_costs_only_the_tables(monkeypatch, kind):
    import pdfplumber

    from cchc_extract.readers import pdftables

    monkeypatch.setattr(pdftables, "find_tables", lambda page: None)  # pdfplumber reads the table pages
    monkeypatch.setattr(pdfplumber, "open", _raiser(kind))
    report = extract(PDF)
    lost = [w for w in report.warnings if w.code == "page.tables_unreadable"]
    assert len(lost) == 1 and kind.__name__ in lost[0].message and "\n" not in lost[0].message


@pytest.mark.parametrize("kind", PYTHON_ERRORS, ids=lambda k: k.__name__)
def test_the_table_finder_on_pdfiums_objects_failing_with_any_type_leaves_the_page_to_pdfplumber(monkeypatch, kind):
    from cchc_extract.readers import pdftables

    good = extract(PDF)
    monkeypatch.setattr(pdftables, "find_tables", _raiser(kind))
    report = extract(PDF)
    assert report.warnings == [] and report.tables == good.tables and report.tables


@pytest.mark.parametrize("where", ["_page_lines", "_draws_table"])
def test_pdfium_failing_on_a_page_is_a_warning(monkeypatch, where):
    import pypdfium2 as pdfium

    from cchc_extract.readers import pdf

    original = getattr(pdf, where)
    calls = {"n": 0}

    def second_call_fails(page, *args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise pdfium.PdfiumError("Failed to load page.")
        return original(page, *args)

    monkeypatch.setattr(pdf, where, second_call_fails)
    report = extract(PDF)
    assert [(w.code, w.page) for w in report.warnings if w.code == "page.unreadable"] == [("page.unreadable", 2)]


@pytest.mark.parametrize("kind", [*PYTHON_ERRORS, *_lxml_errors()], ids=lambda k: k.__name__)
def test_python_docx_failing_with_any_type_is_one_line(monkeypatch, kind):
    import docx

    monkeypatch.setattr(docx, "Document", _raiser(kind))
    line = one_line_error(DOCX)
    assert "Word document" in line or "damaged part" in line


@pytest.mark.parametrize("kind", [*PYTHON_ERRORS, *_lxml_errors()], ids=lambda k: k.__name__)
def test_any_failure_under_a_reader_is_an_input_error_naming_the_file(monkeypatch, kind, tmp_path):
    """The last net: whatever a format's library raises reaches the user as one line naming the file."""
    from cchc_extract import readers

    for suffix in sorted(readers.READERS):
        path = tmp_path / f"report{suffix}"
        path.write_bytes(b"some bytes")
        monkeypatch.setitem(readers.READERS, suffix, _raiser(kind))
        if suffix == ".pdf":
            monkeypatch.setattr(readers, "_pdf", _raiser(kind))
        with pytest.raises(InputError) as info:
            read(path)
        assert str(path) in info.value.line() and kind.__name__ in info.value.line()
        assert "\n" not in info.value.line()


# --- scans and images: OCR's paths obey the same rule -----------------------------------


def _png(tmp_path: Path, name: str = "page.png") -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 300), 255)
    ImageDraw.Draw(image).text((20, 20), "BAO CAO so 12/BC-UBND", fill=0)
    path = tmp_path / name
    image.save(path, dpi=(200, 200))
    return path


def _tiff(tmp_path: Path, name: str = "pages.tif") -> Path:
    from PIL import Image

    image = Image.new("L", (600, 300), 255)
    path = tmp_path / name
    image.save(path, save_all=True, append_images=[image, image], dpi=(200, 200), compression="tiff_lzw")
    return path


@pytest.mark.parametrize(
    ("make", "damage"),
    [
        (_png, lambda data: data[: len(data) // 2]),
        (_png, lambda data: data[:60]),
        (_png, lambda data: data[:40] + b"\xff" * 20 + data[60:]),
        (_tiff, lambda data: data[: len(data) // 2]),
        (_tiff, lambda data: data[: len(data) * 2 // 3]),
    ],
    ids=["png-cut-in-half", "png-header-only", "png-header-overwritten", "tiff-cut-in-half", "tiff-cut-at-two-thirds"],
)
def test_a_damaged_image_is_one_line_and_status_2(tmp_path, make, damage):
    path = make(tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_extract", str(path), "--json"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and str(path) in proc.stderr and "readable image" in proc.stderr
    assert "Traceback" not in proc.stderr and "BytesIO" not in proc.stderr


@pytest.mark.parametrize("kind", PYTHON_ERRORS, ids=lambda k: k.__name__)
@pytest.mark.parametrize("where", ["open", "convert"])
def test_pillow_failing_with_any_type_is_one_line(monkeypatch, tmp_path, kind, where):
    from PIL import Image

    from cchc_extract.readers import image

    path = _png(tmp_path)
    monkeypatch.setattr(image, "tesseract_problem", lambda: None)  # the decoding comes first
    if where == "open":
        monkeypatch.setattr(Image, "open", _raiser(kind))
    else:
        monkeypatch.setattr(Image.Image, "convert", _raiser(kind))
    line = one_line_error(path)
    assert "readable image" in line and kind.__name__ in line


def test_a_scanned_page_pdfium_cannot_render_is_a_warning_and_the_others_are_read(monkeypatch, tmp_path):
    import pypdfium2 as pdfium

    from cchc_extract.readers import ocr

    if ocr.tesseract_problem() is not None:
        pytest.skip("Tesseract with its Vietnamese model is not installed (.ci/run does)")
    two = pdfium.PdfDocument.new()
    two.import_pages(pdfium.PdfDocument(str(PDF)), [0, 1])
    path = tmp_path / "two.pdf"
    two.save(str(path))
    original = ocr._page_image

    def second_fails(page, number, dpi):
        if number == 2:
            raise pdfium.PdfiumError("Failed to render page.")
        return original(page, number, dpi)

    monkeypatch.setattr(ocr, "_page_image", second_fails)
    report = extract(path, ocr="always")
    unreadable = [w for w in report.warnings if w.code == "page.unreadable"]
    assert [w.page for w in unreadable] == [2] and "Failed to render page" in unreadable[0].message
    assert report.source.ocr and report.metadata.date is not None  # page 1, read by OCR


def test_pdfminer_warnings_stay_off_stderr(tmp_path):
    data = PDF.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: data.rindex(b"startxref")] + b"startxref\n0\n%%EOF")
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_extract", str(path), "--json"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0 and proc.stderr == ""


def test_an_html_colspan_in_the_millions_is_bounded(tmp_path):
    path = tmp_path / "wide.md"
    path.write_text('BÁO CÁO\n<table><tr><td colspan="99999999">x</td><td>y</td></tr></table>\n', encoding="utf-8")
    blocks = read(path).blocks
    assert max(len(b.text) for b in blocks) < 1000


def test_a_bug_after_reading_is_an_internal_error_naming_the_file(monkeypatch):
    from cchc_extract import pipeline
    from cchc_extract.errors import InternalError

    def broken(doc):
        raise IndexError("list index out of range")

    monkeypatch.setattr(pipeline, "segment", broken)
    path = CORPUS / "002_lam_son_province_2025.txt"
    with pytest.raises(InternalError) as info:
        extract(path)
    assert info.value.line() == (
        f"{path}: cchc-extract failed on this file: IndexError: list index out of range"
        " (a bug: please report it with the file)"
    )
    assert isinstance(info.value.__cause__, IndexError)
