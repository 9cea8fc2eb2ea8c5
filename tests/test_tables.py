"""Tables: each rule on a small real grid, and the seed's appendix row by row."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_extract import extract
from cchc_extract.extract.tables import merge_header, merge_spanned_header, parse_legend
from cchc_extract.numbers import parse_number

from .conftest import SEED, extracted

HEADER = "STT\tChỉ tiêu thống kê\tKết quả thống kê\t\tGhi chú\n\t\tĐơn vị tính\tSố liệu\t\n"


def table_from(tmp_path: Path, grid: str, suffix: str = ".txt"):
    text = "BÁO CÁO\nKết quả\n\nI. KẾT QUẢ\nNội dung.\n\nNơi nhận:\n- Lưu: VT.\n\nCHỦ TỊCH\n\nNguyễn Văn An\n\n"
    text += "Phụ lục 01\nTHỐNG KÊ SỐ LIỆU\n\n" + grid
    path = tmp_path / f"r{suffix}"
    path.write_text(text, encoding="utf-8")
    report = extract(path)
    assert len(report.tables) == 1, report.tables
    return report.tables[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("01", 1),
        ("1.177", 1177),
        ("96,55", 96.55),
        ("5.817,196", 5817.196),
        ("12.5", 12.5),
        ("100%", 100),
        ("", None),
        ("nt", None),
        ("1/2 ngày", None),
        ("10.367.700", 10367700),
    ],
)
def test_vietnamese_numbers(text, value):
    assert parse_number(text) == value


def test_a_run_of_digits_too_long_for_a_float_is_no_number_and_no_figure(tmp_path):
    assert parse_number("9" * 400) is None and parse_number("1" + ".999" * 120) is None
    path = tmp_path / "r.txt"
    path.write_text("BÁO CÁO\nKết quả\n\nI. KẾT QUẢ\nĐã giải quyết " + "9" * 400 + " hồ sơ, gồm 3 hồ sơ và 2 hồ sơ.\n")
    report = extract(path)  # the sum check used to fail on the infinite "figure" it summed
    assert all(f.value is not None and f.value < 1e300 for f in report.figures)


def test_multi_line_header_merges_into_column_names():
    assert merge_header(
        [("STT", "Chỉ tiêu", "Kết quả thống kê", "", "Ghi chú"), ("", "", "Đơn vị tính", "Số liệu", "")], 5
    ) == ["STT", "Chỉ tiêu", "Kết quả thống kê / Đơn vị tính", "Kết quả thống kê / Số liệu", "Ghi chú"]


def test_header_that_lost_its_merged_cells_is_spread_over_the_sub_header():
    names = merge_spanned_header(
        [("STT", "Nội dung", "Đơn vị tính", "Năm hiện hành 2025", "Năm 2026"), ("Kế hoạch", "Ước thực hiện")], 6
    )
    assert names == [
        "STT",
        "Nội dung",
        "Đơn vị tính",
        "Năm hiện hành 2025 / Kế hoạch",
        "Năm hiện hành 2025 / Ước thực hiện",
        "Năm 2026",
    ]


@pytest.mark.parametrize(
    ("unit", "legend"),
    [
        ("Có = 1 Không = 0", {"1": "Có", "0": "Không"}),
        ("Trực tuyến = 0 Phát phiếu = 1 Kết hợp = 2", {"0": "Trực tuyến", "1": "Phát phiếu", "2": "Kết hợp"}),
        (
            "Có ban hành hoặc triển khai KH = 1 Không ban hành; triển khai KH = 0",
            {"1": "Có ban hành hoặc triển khai KH", "0": "Không ban hành; triển khai KH"},
        ),
        ("Số lượng hồ sơ", None),
        ("%", None),
    ],
)
def test_coded_answers(unit, legend):
    assert parse_legend(unit) == legend


def test_repeated_header_dropped_and_split_row_joined(tmp_path):
    grid = (
        HEADER
        + "1\tVăn bản điện tử\t\t\t\n1.1\tTỷ lệ văn bản được gửi hoàn toàn dưới\t%\t100\t\n\n"
        + HEADER
        + "\tdạng điện tử và song song với văn bản giấy\t\t\t\n1.2\tSố văn bản đến\tVăn bản\t1.177\t\n"
    )
    table = table_from(tmp_path, grid)
    assert table.columns[2:4] == ["Kết quả thống kê / Đơn vị tính", "Kết quả thống kê / Số liệu"]
    assert [(r.code, r.label) for r in table.rows] == [
        ("1", "Văn bản điện tử"),
        ("1.1", "Tỷ lệ văn bản được gửi hoàn toàn dưới dạng điện tử và song song với văn bản giấy"),
        ("1.2", "Số văn bản đến"),
    ]
    assert table.rows[2].number == 1177 and table.rows[2].value == "1.177"


def test_codes_parents_subrows_and_same_as_above(tmp_path):
    grid = HEADER + (
        "3\tCải cách TTHC\t\t\t\n3.3.\tKết quả giải quyết\t\t\t\n3.3.1\tSố hồ sơ đã tiếp nhận\tSố lượng hồ sơ\t313\t\n"
        "Trong đó\t<i>Tiếp nhận trực tiếp</i>\tnt\t11\t\n\t<i>Tiếp nhận trực tuyến</i>\tnhư trên\t302\tghi chú\n"
        "II\tNhóm khác\t\t\t\n"
    )
    rows = table_from(tmp_path, grid).rows
    assert [(r.code, r.parent) for r in rows] == [
        ("3", None),
        ("3.3", "3"),
        ("3.3.1", "3.3"),
        (None, "3.3.1"),
        (None, "3.3.1"),
        ("II", None),
    ]
    assert rows[3].label == "Tiếp nhận trực tiếp" and rows[3].unit == "nt"
    assert rows[3].unit_resolved == rows[4].unit_resolved == "Số lượng hồ sơ"
    assert rows[4].note == "ghi chú"


def test_value_label_from_the_legend(tmp_path):
    rows = table_from(
        tmp_path,
        HEADER + "1.5\tTổ chức đối thoại\tKhông = 0 Có = 1\t0\t\n1.6\tHọp trực tuyến\tCó = 1 Chưa có = 0\t1\t\n",
    ).rows
    assert [(r.legend, r.value_label, r.number) for r in rows] == [
        ({"0": "Không", "1": "Có"}, "Không", 0),
        ({"1": "Có", "0": "Chưa có"}, "Có", 1),
    ]


def test_extra_columns_are_kept_by_name(tmp_path):
    grid = (
        "STT\tNội dung\tĐơn vị tính\tKế hoạch\tThực hiện\n"
        "1\tHồ sơ tiếp nhận\tHồ sơ\t300\t313\n2\tHồ sơ trực tuyến\tHồ sơ\t200\t302\n"
    )
    table = table_from(tmp_path, grid)
    assert table.columns == ["STT", "Nội dung", "Đơn vị tính", "Kế hoạch", "Thực hiện"]
    assert table.rows[0].value == "313" and table.rows[0].extra == {"Kế hoạch": "300"}


def test_markdown_one_cell_per_line_grid(tmp_path):
    cells = [
        ["STT", "Nội dung", "Đơn vị tính", "Số liệu"],
        ["1", "Hồ sơ tiếp nhận", "Hồ sơ", "313"],
        ["", "- trực tuyến", "Hồ sơ", "302"],
        ["2", "Hồ sơ giải quyết", "", ""],
        ["3", "Tỷ lệ đúng hạn", "%", "99,04"],
    ]
    grid = "".join("|\n" + "".join(f"{c}\n|\n" for c in row) for row in cells)
    table = table_from(tmp_path, grid, ".md")
    assert table.columns == ["STT", "Nội dung", "Đơn vị tính", "Số liệu"]
    assert [(r.code, r.label, r.value) for r in table.rows] == [
        ("1", "Hồ sơ tiếp nhận", "313"),
        (None, "- trực tuyến", "302"),
        ("2", "Hồ sơ giải quyết", None),
        ("3", "Tỷ lệ đúng hạn", "99,04"),
    ]
    assert table.rows[3].number == 99.04


def test_seed_appendix_is_exactly_its_rows():
    (table,) = extracted(SEED).tables
    assert table.id == "phu-luc-01b" and table.title.startswith("Phụ lục 01b THỐNG KÊ SỐ LIỆU")
    assert len(table.rows) == 77
    codes = [r.code for r in table.rows]
    assert codes.count(None) == 10 and "2.3" in codes and "2.3." not in codes
    joined = [r for r in table.rows if r.label and r.label.endswith("song song với văn bản giấy")]
    assert len(joined) == 1 and joined[0].label.startswith("Tỷ lệ văn bản được gửi hoàn toàn dưới dạng")
    assert all("<i>" not in (r.label or "") for r in table.rows)


def test_github_style_markdown_tables(tmp_path):
    grid = (
        "| STT | Chỉ tiêu | Đơn vị tính | Số liệu |\n|---|:---|---|---:|\n"
        "| 1 | Số hồ sơ tiếp nhận | Hồ sơ | 313 |\n| 1.1 | Trực tuyến | Hồ sơ | 302 |\n"
    )
    table = table_from(tmp_path, grid, ".md")
    assert table.columns == ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"]
    assert [(r.code, r.label, r.number, r.parent) for r in table.rows] == [
        ("1", "Số hồ sơ tiếp nhận", 313, None),
        ("1.1", "Trực tuyến", 302, "1"),
    ]


def test_markdown_group_rows_with_empty_cells_stay_rows(tmp_path):
    """A website writes a group's row as one filled cell and empty ones ("| I. Lĩnh vực: ... |  |
    |"): each stays a row of its own, and the Roman one heads a section."""
    text = (
        "QUYẾT ĐỊNH\nVề việc công bố danh mục thủ tục hành chính\n\nPHỤ LỤC\nDANH MỤC THỦ TỤC HÀNH CHÍNH\n\n"
        "| STT | Mã TTHC | Tên thủ tục hành chính | Căn cứ |\n|---|---|---|---|\n"
        "| A. Danh mục thủ tục hành chính cấp tỉnh |  |  |  |\n"
        "| I. Lĩnh vực: Lưu thông hàng hóa trong nước |  |  |  |\n"
        "| 1 | 2.000674 | Cấp Giấy xác nhận đủ điều kiện | Nghị định số 95/2021/NĐ-CP |\n"
    )
    path = tmp_path / "qd.md"
    path.write_text(text, encoding="utf-8")
    report = extract(path)
    assert [(s.number, s.title) for s in report.sections if s.form == "roman"] == [
        ("I", "Lĩnh vực: Lưu thông hàng hóa trong nước")
    ]
    labels = [r.label or r.code for r in report.tables[0].rows]
    assert not any("Lĩnh vực" in label and "Danh mục" in label for label in labels if label)


def test_html_tables_left_in_markdown(tmp_path):
    grid = (
        '<table><tr><th>STT</th><th>Chỉ tiêu</th><th colspan="2">Kết quả</th></tr>\n'
        "<tr><td></td><td></td><td>Đơn vị tính</td><td>Số liệu</td></tr>\n"
        "<tr><td>1</td><td>Số hồ sơ<br>tiếp nhận</td><td>Hồ sơ</td><td>1.177</td></tr>\n"
        "<tr><td>2</td><td>Tỷ lệ đúng hạn</td><td>%</td><td>98,5</td></tr></table>\n"
    )
    table = table_from(tmp_path, grid, ".md")
    assert table.columns == ["STT", "Chỉ tiêu", "Kết quả / Đơn vị tính", "Kết quả / Số liệu"]
    assert [(r.code, r.label, r.unit, r.number) for r in table.rows] == [
        ("1", "Số hồ sơ tiếp nhận", "Hồ sơ", 1177),
        ("2", "Tỷ lệ đúng hạn", "%", 98.5),
    ]
