"""Tables without ruling lines, rebuilt from word boxes (readers/boxgrid.py)."""

from __future__ import annotations

from pathlib import Path

from cchc_extract import extract
from cchc_extract.readers.boxgrid import Word, find_tables, visual_lines

from .conftest import CORPUS

BORDERLESS = Path(__file__).parent / "data" / "000_hoang_cat_2024h1_borderless.pdf"


def _words(rows: list[tuple[float, list[tuple[float, str]]]]) -> list[Word]:
    """Words at (x, top) in a 10-unit-high font, about 6 units a letter."""
    out = []
    for top, items in rows:
        for x, text in items:
            for k, part in enumerate(text.split()):
                start = x + sum(len(p) * 6 + 3 for p in text.split()[:k])
                out.append(Word(part, start, top, start + len(part) * 6, top + 10))
    return out


def test_rows_columns_wrapped_cells_and_a_spanning_header():
    words = _words(
        [
            (0, [(0, "STT"), (60, "Chỉ tiêu thống kê (Báo"), (260, "Kết quả thống kê"), (420, "Ghi chú")]),
            (14, [(60, "cáo 6 tháng)"), (260, "Đơn vị"), (340, "Số liệu")]),
            (30, [(0, "1"), (60, "Công tác chỉ đạo")]),
            (46, [(0, "1.1"), (60, "Số nhiệm vụ đề ra trong"), (260, "Nhiệm vụ"), (340, "38")]),
            (60, [(60, "kế hoạch")]),
            (76, [(0, "Trong"), (60, "Trả trực tiếp"), (260, "nt"), (340, "11")]),
            (90, [(0, "đó")]),
            (106, [(60, "Trả qua BCCI"), (260, "nt"), (340, "75")]),
            (122, [(0, "1.2"), (60, "Số văn bản"), (260, "Văn bản"), (340, "8")]),
        ]
    )
    tables = find_tables(visual_lines(words))
    assert len(tables) == 1
    assert tables[0].rows == [
        ["STT", "Chỉ tiêu thống kê (Báo cáo 6 tháng)", "Kết quả thống kê", "", "Ghi chú"],
        ["", "", "Đơn vị", "Số liệu", ""],
        ["1", "Công tác chỉ đạo", "", "", ""],
        ["1.1", "Số nhiệm vụ đề ra trong kế hoạch", "Nhiệm vụ", "38", ""],
        ["Trong đó", "Trả trực tiếp", "nt", "11", ""],
        ["", "Trả qua BCCI", "nt", "75", ""],
        ["1.2", "Số văn bản", "Văn bản", "8", ""],
    ]


def test_paragraphs_and_a_two_column_header_are_not_tables():
    words = _words(
        [
            (0, [(0, "ỦY BAN NHÂN DÂN"), (260, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
            (14, [(0, "XÃ HOÀNG CÁT"), (260, "Độc lập - Tự do - Hạnh phúc")]),
            (28, [(0, "Số: 12/BC-UBND"), (260, "Hoàng Cát, ngày 04 tháng 6 năm 2024")]),
            (50, [(0, "UBND xã Hoàng Cát báo cáo tình hình, kết quả thực hiện nhiệm vụ cải cách hành chính")]),
        ]
    )
    assert find_tables(visual_lines(words)) == []


def test_the_seed_printed_with_a_borderless_table_gives_one_table_of_77_rows():
    borderless = extract(BORDERLESS)
    ruled = extract(CORPUS / "000_hoang_cat_2024h1.pdf")
    assert len(borderless.tables) == 1
    assert len(borderless.tables[0].rows) == 77
    assert borderless.tables[0].columns == ruled.tables[0].columns
    fields = ("code", "label", "unit", "value", "parent", "legend", "value_label")
    strip = lambda report: [tuple(getattr(r, f) for f in fields) for r in report.tables[0].rows]  # noqa: E731
    assert strip(borderless) == strip(ruled)
    assert not [w for w in borderless.warnings if w.code == "table.value"]
