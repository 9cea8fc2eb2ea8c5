"""PDF tables read from PDFium's objects agree with pdfplumber reading the page itself.

``readers/pdftables.py`` hands pdfplumber's table finder the ruling lines and characters PDFium
has already parsed, instead of letting pdfminer parse the page again. Both must give the same
tables, the same cells, the same text, on every page of every corpus PDF that draws a table.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from .conftest import CORPUS

PDFS = sorted(CORPUS.glob("*.pdf")) + sorted((CORPUS / "legacy").glob("*.pdf"))


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_tables_from_pdfium_objects_are_pdfplumbers(path: Path):
    import pdfplumber
    import pypdfium2 as pdfium

    from cchc_extract.readers.pdf import _draws_table
    from cchc_extract.readers.pdftables import find_tables

    data = path.read_bytes()
    pdf = pdfium.PdfDocument(data)
    try:
        pages = [i for i in range(len(pdf)) if _draws_table(pdf[i])]
        with pdfplumber.open(io.BytesIO(data), pages=[i + 1 for i in pages]) as plumber:
            for index, page in zip(pages, plumber.pages, strict=True):
                expected = [(table.bbox, table.extract()) for table in page.find_tables()]
                found = find_tables(pdf[index])
                assert found is not None, f"page {index + 1} left to pdfplumber"
                assert [rows for _, rows in found] == [rows for _, rows in expected], f"page {index + 1}"
                for (box, _), (want, _) in zip(found, expected, strict=True):
                    assert box == pytest.approx(want, abs=1e-3)
    finally:
        pdf.close()


def _page_with(draw):
    """A new one-page PDF whose page has a ruled 2 x 2 grid drawn by ``draw(page)``."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(200, 200)
    for x0, y0, x1, y1 in [(10, 10, 190, 10), (10, 100, 190, 100), (10, 190, 190, 190), (10, 10, 10, 190)]:
        line = pdfium_c.FPDFPageObj_CreateNewPath(x0, y0)
        pdfium_c.FPDFPath_LineTo(line, x1, y1)
        pdfium_c.FPDFPath_SetDrawMode(line, 0, True)
        pdfium_c.FPDFPage_InsertObject(page.raw, line)
    for x in (100, 190):
        line = pdfium_c.FPDFPageObj_CreateNewPath(x, 10)
        pdfium_c.FPDFPath_LineTo(line, x, 190)
        pdfium_c.FPDFPath_SetDrawMode(line, 0, True)
        pdfium_c.FPDFPage_InsertObject(page.raw, line)
    draw(page)
    assert pdfium_c.FPDFPage_GenerateContent(page.raw)
    return pdf, page


def test_a_plain_ruled_grid_is_read_from_pdfium():
    pdf, page = _page_with(lambda page: None)
    from cchc_extract.readers.pdftables import find_tables

    found = find_tables(page)
    assert found is not None and len(found) == 1 and len(found[0][1]) == 2  # two rows, no text
    pdf.close()


def _curve(page):
    import pypdfium2.raw as pdfium_c

    path = pdfium_c.FPDFPageObj_CreateNewPath(10, 10)
    pdfium_c.FPDFPath_BezierTo(path, 50, 80, 120, 80, 180, 10)
    pdfium_c.FPDFPath_SetDrawMode(path, 0, True)
    pdfium_c.FPDFPage_InsertObject(page.raw, path)


def _three_sides(page):
    import pypdfium2.raw as pdfium_c

    path = pdfium_c.FPDFPageObj_CreateNewPath(20, 20)
    for x, y in [(180, 20), (180, 180), (20, 180)]:
        pdfium_c.FPDFPath_LineTo(path, x, y)
    pdfium_c.FPDFPath_SetDrawMode(path, 0, True)
    pdfium_c.FPDFPage_InsertObject(page.raw, path)


@pytest.mark.parametrize(
    "draw",
    [
        _curve,  # a curve is no ruling line pdftables knows how pdfminer would read
        lambda page: page.set_rotation(90),  # pdfplumber turns what it reads
        lambda page: page.set_mediabox(20, 20, 220, 220),  # and moves it to the box's origin
        lambda page: page.set_cropbox(0, 0, 150, 150),
        _three_sides,  # pdfminer draws its three sides, not the rectangle around them
    ],
    ids=["curve", "rotated", "media box away from the origin", "cropped", "open three-sided path"],
)
def test_pages_pdfplumber_must_read_itself(draw):
    from cchc_extract.readers.pdftables import find_tables

    pdf, page = _page_with(draw)
    assert find_tables(page) is None
    pdf.close()


def test_a_grid_of_filled_rectangles_reads_as_pdfplumber_reads_it():
    """Word draws cell borders as thin filled rectangles (``re f``), in other fonts than the corpus's."""
    import ctypes
    import io

    import pdfplumber
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    from cchc_extract.readers.pdftables import find_tables

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(300, 300)
    borders = [(50, y, 200, 0.6) for y in (50, 100, 150, 200)] + [(x, 50, 0.6, 150.6) for x in (50, 130, 250)]
    for x, y, w, h in borders:
        rect = pdfium_c.FPDFPageObj_CreateNewRect(x, y, w, h)
        pdfium_c.FPDFPageObj_SetFillColor(rect, 0, 0, 0, 255)
        pdfium_c.FPDFPath_SetDrawMode(rect, pdfium_c.FPDF_FILLMODE_ALTERNATE, False)
        pdfium_c.FPDFPage_InsertObject(page.raw, rect)
    cells = [("STT", 60, 180), ("Chỉ tiêu", 140, 180), ("1", 60, 130), ("Hồ sơ tiếp nhận", 140, 130)]
    for text, x, y in [*cells, ("1.1", 60, 80), ("Trực tuyến 12", 140, 80)]:
        obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(10))
        wide = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    assert pdfium_c.FPDFPage_GenerateContent(page.raw)
    saved = io.BytesIO()
    pdf.save(saved)
    pdf.close()
    data = saved.getvalue()

    reopened = pdfium.PdfDocument(data)
    try:
        found = find_tables(reopened[0])
    finally:
        reopened.close()
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        expected = [table.extract() for table in plumber.pages[0].find_tables()]
    assert found is not None and [rows for _, rows in found] == expected
    assert expected and len(expected[0]) == 3
