"""Figures: forms that are figures, lookalikes that are not, and the report's arithmetic."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_extract import extract, patternbook

from .conftest import SEED, extracted


def figures_of(tmp_path: Path, body: str):
    path = tmp_path / "r.txt"
    path.write_text(f"BÁO CÁO\nKết quả\n\nI. KẾT QUẢ\n{body}\n", encoding="utf-8")
    return extract(path).figures


CASES = {
    "Tổng số hồ sơ đã tiếp nhận: 313 hồ sơ.": [("313 hồ sơ", 313, "hồ sơ", None, None)],
    "Tổng số TTHC là 201 thủ tục ở 40 lĩnh vực.": [
        ("201 thủ tục", 201, "thủ tục", None, None),
        ("40 lĩnh vực", 40, "lĩnh vực", None, None),
    ],
    "+ Số hồ sơ đã giải quyết trả trước hạn 310 hồ sơ = 99 %": [("310 hồ sơ = 99 %", 310, "hồ sơ", 99, None)],
    "Trình độ chuyên môn: Đại học: 7 người = 87 %;": [("7 người = 87 %", 7, "người", 87, None)],
    "đã hoàn thành 25/38 nhiệm vụ mà kế hoạch đã đề ra": [("25/38 nhiệm vụ", 25, "nhiệm vụ", None, 38)],
    "ban hành 01 văn bản": [("01 văn bản", 1, "văn bản", None, None)],
    "giải quyết 19.630 hồ sơ (đạt 96,55%).": [("19.630 hồ sơ (đạt 96,55%)", 19630, "hồ sơ", 96.55, None)],
    "tiếp nhận 2.255 hồ sơ trực tuyến, đạt 61%.": [
        ("2.255 hồ sơ trực tuyến, đạt 61%", 2255, "hồ sơ trực tuyến", 61, None)
    ],
    "tỷ lệ tăng 12,5%": [("12,5%", 12.5, "%", None, None)],
    "đưa 100% thủ tục hành chính lên Cổng": [("100%", 100, "%", None, None)],
    "Tổng số TTHC: 1.177 thủ tục": [("1.177 thủ tục", 1177, "thủ tục", None, None)],
}


@pytest.mark.parametrize(("body", "expected"), CASES.items(), ids=[k[:30] for k in CASES])
def test_figure_forms(tmp_path, body, expected):
    got = [(f.text, f.value, f.unit, f.share_percent, f.of_total) for f in figures_of(tmp_path, body)]
    assert got == expected


@pytest.mark.parametrize(
    "body",
    [
        "Báo cáo 6 tháng đầu năm 2024 và phương hướng 6 tháng cuối năm",
        "Quý I năm 2025, sau 10 ngày làm việc",
        "theo tiêu chuẩn TCVN ISO 9001:2015",
        "Quyết định số 01/QĐ-UBND ngày 02/01/2024 và Nghị định số 61/2018/NĐ-CP",
        "giai đoạn 2021 - 2025, tính đến ngày 01/6/2024",
        "dịch vụ công trực tuyến mức độ 3 và mức độ 4",
        "Điều 4 của Quyết định; Phụ lục 01b",
        "hoàn thành Kế hoạch thời gian năm học 2024-2025 đúng quy định",
        "Riêng đối với lớp 1 tựu trường ngày 19/8/2024",
    ],
)
def test_lookalikes_are_not_figures(tmp_path, body):
    assert figures_of(tmp_path, body) == []


def test_labels_say_what_is_counted():
    labels = {f.text: f.label for f in extracted(SEED).figures}
    assert labels["302 hồ sơ"] == "Số hồ sơ tiếp nhận trực tuyến"
    assert labels["7 người = 87 %"] == "Đại học"
    assert labels["01 người = 13 %"] == "Thạc sỹ"


def test_parts_and_share_bases_follow_the_report_structure():
    figures = extracted(SEED).figures
    by_text = {}
    for f in figures:
        by_text.setdefault(f.text, []).append(f)
    received, resolved = by_text["313 hồ sơ"]
    assert [f.text for f in figures if f.part_of == received.span] == ["302 hồ sơ", "11 hồ sơ"]
    assert [f.text for f in figures if f.part_of == resolved.span] == ["310 hồ sơ = 99 %", "3 hồ sơ = 1 %"]
    cadres = next(f for f in figures if f.text == "10 người" and f.part_of)
    assert [f.text for f in figures if f.share_base == cadres.span] == ["10 người = 100%", "9 người = 90 %"]


def test_inline_parts_stop_at_the_clause_and_skip_parentheses(tmp_path):
    figures = figures_of(
        tmp_path,
        "Tổng số cán bộ là 19 người, trong đó cán bộ 10 người, công chức 9 người; trình độ đại học 17 người.\n"
        "Ước thực hiện 11.580 tỷ đồng, tăng so cùng kỳ (10.482 tỷ đồng); trong đó thu nội địa 11.080 tỷ đồng.",
    )
    total = figures[0]
    assert [f.value for f in figures if f.part_of == total.span] == [10, 9]
    estimate, comparison, domestic = figures[4:7]
    assert comparison.value == 10482 and comparison.part_of is None  # in parentheses: a comparison
    assert not any(f.part_of == comparison.span for f in figures)
    assert domestic.part_of == estimate.span


def test_every_unit_example_gives_its_family(tmp_path):
    for entry in patternbook.units().entries:
        for example in entry.examples:
            got = figures_of(tmp_path, f"- {example}.")
            assert got and got[0].unit_family == entry.family, (entry.family, example, got)


# Units as written in real published documents (../shared/real-dev): measures glued or
# spaced, ranges, rates, scales, and the counted noun phrase up to where the sentence goes on.
REAL = {
    "gồm 32 gói đi-ốt phát quang, 32 thấu kính bằng nhựa; 01 điện trở (Resistor) gắn trên mạch": [
        (32, "gói đi-ốt phát quang"),
        (32, "thấu kính"),
        (1, "điện trở"),
    ],
    "nguồn DC60V hoặc thấp hơn; trọng lượng 52gam; kích thước 1190.5mm x 18.7mm x 1.6mm; 32Ea": [
        (60, "V"),
        (52, "gam"),
        (1190.5, "mm"),
        (18.7, "mm"),
        (1.6, "mm"),
        (32, "Ea"),
    ],
    "hoạt động: -20°C đến +50°C; dòng điện: 150-200 mA; điện áp: 92.8 - 105.6 V; khoảng 200m-500m": [
        (-20, "°C"),
        (50, "°C"),
        (150, "mA"),
        (200, "mA"),
        (92.8, "V"),
        (105.6, "V"),
        (200, "m"),
        (500, "m"),
    ],
    "đối với 40 xã, phường trên địa bàn; hơn 200.000 nhà bị ngập, gần 20.000 hộ phải sơ tán": [
        (40, "xã, phường"),
        (200000, "nhà"),
        (20000, "hộ"),
    ],
    "trên 3,5 triệu con gia súc; ước trên 4.500 tỷ đồng (chưa kể); báo cáo 02 lần/ngày (trước 9h00)": [
        (3.5, "triệu con"),
        (4500, "tỷ đồng"),
        (2, "lần/ngày"),
    ],
    "bình quân 1.446.000 đồng/ha/năm; tối thiểu 02 GB/hộp thư điện tử; gửi quá 250 thư/10 phút": [
        (1446000, "đồng/ha/năm"),
        (2, "GB"),
        (250, "thư"),
    ],
    "có 45 đơn vị hành chính cấp xã, gồm 42 xã và 03 phường; tối thiểu 09 (chín) ký tự trở lên": [
        (45, "đơn vị hành chính cấp xã"),
        (42, "xã"),
        (3, "phường"),
        (9, "ký tự"),
    ],
    "tỷ suất sinh đạt 2,1 con/phụ nữ; dưới 109 bé trai/100 bé gái sinh ra sống; 4 loại bệnh tật bẩm sinh phổ biến": [
        (2.1, "con/phụ nữ"),
        (109, "bé trai/100 bé gái"),
        (4, "loại bệnh tật bẩm sinh"),
    ],
    "Trình độ: Trung cấp: 9 người = 90 %; 07 chỉ tiêu": [(9, "người"), (7, "chỉ tiêu")],
    "phê duyệt quy hoạch 03 loại rừng giai đoạn 2008 - 2020": [(3, "loại rừng")],
}


@pytest.mark.parametrize(("body", "expected"), REAL.items(), ids=[k[:30] for k in REAL])
def test_units_as_written(tmp_path, body, expected):
    assert [(f.value, f.unit) for f in figures_of(tmp_path, body)] == expected


@pytest.mark.parametrize(
    "body",
    [
        "Căn cứ Điều 34 Luật Doanh nghiệp và khoản 2 Điều 15 Luật Thuế",  # a name after the number
        "trẻ em dưới 15 tuổi; trong 3 giai đoạn; gồm 9 tiểu mục",  # an age, a period, parts of a text
        "theo tỷ lệ 1:2.000 và 1/500; phục vụ 24/7; thuộc nhóm 85.41",  # a scale, a time, an HS code
        "Tuổi thọ: >30.000 giờ; Chỉ số hoàn màu: Ra=80.",
    ],
)
def test_numbers_that_count_nothing(tmp_path, body):
    assert figures_of(tmp_path, body) == []


def test_a_family_joins_units_written_differently(tmp_path):
    got = figures_of(tmp_path, "tiếp nhận 313 hồ sơ, trong đó: 302 hồ sơ trực tuyến, 11 hồ sơ trực tiếp.")
    assert [(f.unit, f.unit_family) for f in got] == [
        ("hồ sơ", "hồ sơ"),
        ("hồ sơ trực tuyến", "hồ sơ"),
        ("hồ sơ trực tiếp", "hồ sơ"),
    ]
    assert [f.part_of for f in got[1:]] == [got[0].span, got[0].span]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Quyết định có hiệu lực khi quá 1/2 thành viên và 2/3 số đại biểu tán thành; 25/38 nhiệm vụ",
            [(25, "nhiệm vụ")],
        ),
        (
            "Hiện có 90 hội (bao gồm 16 Hội do Đảng giao nhiệm vụ); ban hành 02 Quyết định, 06 văn bản",
            [(90, "hội"), (16, "Hội"), (2, "Quyết định"), (6, "văn bản")],
        ),
        ("theo quy định tại các Điều 28, 30 và 32 Nghị định 58/2024/NĐ-CP; mục 6 b ghi chú", []),
        (
            "Quốc hội đã thông qua việc sắp xếp đơn vị hành chính cấp tỉnh, theo đó, sẽ có 23\ntỉnh, thành phố",
            [(23, "tỉnh, thành phố")],
        ),
    ],
)
def test_counts_fractions_capitals_and_wraps(tmp_path, body, expected):
    assert [(f.value, f.unit) for f in figures_of(tmp_path, body)] == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the next number after a fraction, in its sentence, is the percentage it makes: its share
        (
            "Đến nay, toàn tỉnh có 629/731 trường công lập đạt chuẩn quốc gia, đạt tỷ lệ 86,1%, vượt kế hoạch.",
            [("629/731 trường công lập", 629, 731, 86.1)],
        ),
        (
            "Kết quả, đến nay có 165/165 kiến nghị đã được các cơ quan liên quan trả lời đảm bảo kịp thời (đạt 100%).",
            [("165/165 kiến nghị", 165, 165, 100)],
        ),
        # another number between: the percentage is that one's
        (
            "Có 165/165 kiến nghị và 20 hồ sơ đã được trả lời (đạt 100%).",
            [("165/165 kiến nghị", 165, 165, None), ("20 hồ sơ đã được trả lời (đạt 100%)", 20, None, 100)],
        ),
        # a percentage that is not the fraction's stands alone
        (
            "Có 12/40 xã hoàn thành trong năm, nâng tổng số trên địa bàn lên đạt 75%.",
            [("12/40 xã hoàn thành", 12, 40, None), ("75%", 75, None, None)],
        ),
        # a percentage rounded otherwise is another one ("đạt 98% kế hoạch" for 97/100)
        (
            "Đã giải quyết 97/100 hồ sơ của công dân và doanh nghiệp trên địa bàn huyện, đạt 98% kế hoạch năm.",
            [("97/100 hồ sơ", 97, 100, None), ("98%", 98, None, None)],
        ),
        # the next sentence is not this one
        (
            "Có 30/30 xã đã hoàn thành. Tỷ lệ hồ sơ đúng hạn đạt 100%.",
            [("30/30 xã", 30, 30, None), ("100%", 100, None, None)],
        ),
    ],
)
def test_a_percentage_restating_a_fraction_is_its_share(tmp_path, body, expected):
    got = [(f.text, f.value, f.of_total, f.share_percent) for f in figures_of(tmp_path, body)]
    assert got == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # "chương" and "kỳ" alone are parts of a text and periods; "chương trình" and "kỳ đối
        # thoại" are what is counted
        (
            "phát sóng 22 Chương trình “Đối thoại về cải cách hành chính”; gồm 05 chương; tổ chức 02 kỳ đối thoại, "
            "tọa đàm; trong 2 kỳ báo cáo",
            [(22, "Chương trình"), (2, "kỳ đối thoại")],
        ),
        # "thí điểm" and "định kỳ" end in a word before which a number counts nothing ("điểm 5",
        # "kỳ 2"), but are none of them
        (
            "Tỉnh đã triển khai thí điểm 05 mô hình, sáng kiến cải cách hành chính; tại điểm 5 khoản 2; "
            "họp định kỳ 02 lần/năm; kỳ 2 năm 2025",
            [(5, "mô hình"), (2, "lần/năm")],
        ),
    ],
)
def test_compound_words_that_begin_or_end_with_a_word_that_counts_nothing(tmp_path, body, expected):
    assert [(f.value, f.unit) for f in figures_of(tmp_path, body)] == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # "mỗi tháng 02" counts two a month; "tháng 02 năm 2026" is a month
        (
            "Định kỳ phát sóng mỗi tháng 02 chuyên mục vào thời gian từ 20 giờ 15 phút; hằng quý có ít nhất "
            "01 tin, bài về CCHC; hỗ trợ thêm hằng tháng 150.000 đồng; trong tháng 02 năm 2026",
            [(2, "chuyên mục"), (1, "tin, bài"), (150000, "đồng")],
        ),
        # "nhóm 2" is a label; "nhóm 15 tỉnh, thành phố" a group of fifteen
        (
            "nằm trong nhóm 15 tỉnh, thành phố dẫn đầu cả nước; nhóm 03 cơ quan dẫn đầu; thuộc nhóm 2; nhóm 85.41",
            [(15, "tỉnh, thành phố"), (3, "cơ quan")],
        ),
    ],
)
def test_counts_per_period_and_counts_of_a_group(tmp_path, body, expected):
    assert [(f.value, f.unit) for f in figures_of(tmp_path, body)] == expected


def test_a_footnote_number_at_the_start_of_a_line_counts_nothing(tmp_path):
    body = (
        "Sở đã ban hành 3 Kế hoạch kiểm tra.\n"
        "3 Kế hoạch Kiểm tra công tác cải cách hành chính là một nội dung thực hiện.\n"  # a PDF's footnote
        "11 Tỉnh đã thành lập 124 trung tâm.\n"
        "03 Kế hoạch đã được ban hành.\n"  # a count keeps its leading zero
        "31 TTHC chưa đáp ứng các tiêu chí; các cơ quan đã ban hành\n"  # and an abbreviation starts no sentence
        "15 Kế hoạch triển khai."  # a line wrapped by hand goes on with a count
    )
    got = [(f.value, f.unit) for f in figures_of(tmp_path, body)]
    assert got == [
        (3, "Kế hoạch kiểm tra"),
        (124, "trung tâm"),
        (3, "Kế hoạch"),
        (31, "TTHC"),
        (15, "Kế hoạch triển khai"),
    ]
