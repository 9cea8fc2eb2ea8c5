"""The document itself: its own number (read with the reference grammar), its mentions of
itself, and its extent inside the text a website put around it. Small snippets shaped like
the real documents of ../shared/real-dev, written here."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc_extract import extract
from cchc_extract.pipeline import extract_raw
from cchc_extract.readers import Block, RawDocument


def run(text: str, fmt: str = "txt"):
    raw = RawDocument(path=f"doc.{fmt}", format=fmt, sha256="0" * 64, blocks=[Block(text)])
    return extract_raw(raw, with_text=True)


def header(number_line: str, type_line: str = "QUYẾT ĐỊNH", body: str = "") -> str:
    return (
        "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "TỈNH NINH BÌNH\tĐộc lập - Tự do - Hạnh phúc\n"
        f"{number_line}\tNinh Bình, ngày 27 tháng 11 năm 2025\n"
        f"{type_line}\n"
        "Ban hành Quy chế quản lý chứng thư chữ ký số\n"
        f"Căn cứ Luật Giao dịch điện tử số 20/2023/QH15;\n{body}"
    )


@pytest.mark.parametrize(
    ("line", "identity"),
    [
        ("Số: 105/2025/QĐ-UBND", ("105", 2025, "QĐ-UBND")),  # a normative number carries its year
        ("Số: 0204/KH-UBND", ("0204", None, "KH-UBND")),
        ("Số 22-KH/TU", ("22", None, "KH/TU")),  # the Party form
        ("Số: /BC-UBND", (None, None, "BC-UBND")),  # left blank in a draft
        ("Số: 57/VBHN-BCT", ("57", None, "VBHN-BCT")),
        ("Số: 49/2025/NĐ- CP", ("49", 2025, "NĐ-CP")),
    ],
)
def test_the_own_number_is_read_with_the_reference_grammar(line, identity):
    report = run(header(line))
    m = report.metadata
    assert (m.number, m.year, m.symbol) == identity
    assert [r.key for r in report.references] == ["20/2023/QH15"], "the header line is not a reference"


def test_a_rule_drawn_into_the_number_line_and_a_number_on_the_next_line():
    text = (
        "------------------ Số: 1661/NQ-UBTVQH15 | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nNGHỊ QUYẾT\n"
        "Về việc sắp xếp các đơn vị hành chính cấp xã\n"
    )
    assert (run(text).metadata.number, run(text).metadata.symbol) == ("1661", "NQ-UBTVQH15")
    split = header("Số:\n162/2025/QĐ-UBND").replace("\tNinh Bình", "\nNinh Bình")
    assert (run(split).metadata.number, run(split).metadata.year) == ("162", 2025)


def test_mentions_of_the_own_number_are_marked_self_not_dropped():
    text = header(
        "Số: 2666/QĐ-UBND",
        body="Điều 1. Quyết định số 2666/QĐ-UBND ngày 27/11/2025 có hiệu lực từ ngày ký.\n"
        "Điều 2. Bãi bỏ Quyết định số 2666/QĐ-UBND ngày 03/02/2020 của UBND tỉnh.\n",
    )
    refs = run(text).references
    assert [(r.key, r.self) for r in refs] == [
        ("20/2023/QH15", False),
        ("2666/QĐ-UBND/2025", True),
        ("2666/QĐ-UBND/2020", False),  # the same number of another year is another document
    ]


def test_an_appendix_caption_names_the_document_it_is_attached_to():
    text = header(
        "Số: 103/2025/QĐ-UBND",
        body="Điều 1. Ban hành kèm theo Quyết định này Quy định.\n"
        "Nơi nhận:\n- Như Điều 3;\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn An\n"
        "PHỤ LỤC\n(Ban hành kèm theo Quyết định số 10325/QĐ-UBND)\n"
        "Danh mục theo Quyết định số 12/QĐ-UBND ngày 02/01/2024 của UBND tỉnh.\n",
    )
    refs = run(text).references
    # mistyped own number in the caption: the same type and symbol, attached to: itself
    assert [(r.number, r.self) for r in refs] == [("20", False), ("10325", True), ("12", False)]


SITE_BEFORE = """|
Bản dịch này thuộc quyền sở hữu của THƯ VIỆN PHÁP LUẬT. Mọi hành vi sao chép là vi phạm pháp luật.
Đang tải văn bản...
Thông tư 36/2025/TT-BXD quản lý giá dịch vụ kiểm định
Số hiệu:
|
36/2025/TT-BXD
|
Ngày ban hành:
|
21/11/2025
|
Ngày 21/11/2025, Bộ trưởng Bộ Xây dựng ban hành Thông tư 36/2025/TT-BXD quy định cơ chế giá.
Xem chi tiết tại Thông tư 36/2025/TT-BXD có hiệu lực từ ngày 08/01/2026.
|
"""
DOCUMENT = """BỘ XÂY DỰNG
-------
|
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
|
Số: 36/2025/TT-BXD
|
Hà Nội, ngày 21 tháng 11 năm 2025
|
THÔNG TƯ
QUY ĐỊNH CƠ CHẾ QUẢN LÝ GIÁ DỊCH VỤ KIỂM ĐỊNH
Căn cứ Nghị định số 85/2024/NĐ-CP ngày 10 tháng 7 năm 2024 của Chính phủ;
Điều 1. Thông tư này có hiệu lực từ ngày 08 tháng 01 năm 2026.
Nơi nhận:
- Như Điều 1;
- Lưu: VT.
KT. BỘ TRƯỞNG
THỨ TRƯỞNG
Nguyễn Xuân Sang
|
"""
SITE_AFTER = """Thông tư 36/2025/TT-BXD quy định cơ chế quản lý giá dịch vụ do Bộ Xây dựng ban hành
Văn bản này chưa cập nhật nội dung Tiếng Anh
THÔNG BÁO
về Lưu trữ, Sử dụng Thông tin Khách hàng
Nghị định 13/2023/NĐ-CP về Bảo vệ dữ liệu cá nhân yêu cầu xác nhận sự đồng ý của thành viên.
"""


def test_text_a_website_puts_around_the_document_gives_no_records():
    report = run(SITE_BEFORE + DOCUMENT + SITE_AFTER, "md")
    assert [r.key for r in report.references] == ["85/2024/NĐ-CP"]
    m = report.metadata
    assert (m.doc_type, m.number, m.year, m.symbol) == ("Thông tư", "36", 2025, "TT-BXD")
    assert (m.issuer, m.date, m.signer) == ("Bộ Xây dựng", dt.date(2025, 11, 21), "Nguyễn Xuân Sang")
    warning = [w for w in report.warnings if w.code == "document.extent"]
    assert len(warning) == 1 and "before its header" in warning[0].message and "after its end" in warning[0].message
    # the document alone: nothing set aside, the same records
    alone = run(DOCUMENT, "md")
    assert [r.key for r in alone.references] == ["85/2024/NĐ-CP"]
    assert not [w for w in alone.warnings if w.code == "document.extent"]


def test_the_site_title_joined_to_the_last_sentence_still_ends_the_document():
    closing = DOCUMENT.replace(
        "Nguyễn Xuân Sang\n|\n", "Nguyễn Xuân Sang\n|\nGhi chú: Kết quả chỉ có giá trị với tổ chức đã đề nghị. "
    )
    report = run(closing + SITE_AFTER.replace("\nVăn bản này chưa cập nhật nội dung Tiếng Anh", ""), "md")
    assert [r.key for r in report.references] == ["85/2024/NĐ-CP"]
    assert "Ghi chú" in report.text


def test_an_excerpt_without_a_header_starts_after_the_site_index():
    text = "Đang tải văn bản...\nSố hiệu:\n|\n6225/BVHTTDL-VP\n|\nTình trạng:\n|\nĐã biết\n|\n"
    text += "Kính gửi: Các cơ quan thuộc Bộ\n"
    text += "Thủ tướng Chính phủ đã ban hành Chỉ thị số 33/CT-TTg ngày 06/11/2025.\n"
    report = run(text, "md")
    assert [r.key for r in report.references] == ["33/CT-TTg/2025"]
    assert report.metadata.number is None and report.metadata.date is None  # the site's cells are not the header


def test_an_addressed_document_whose_symbol_names_its_type_and_its_body_keeps_that_type():
    # a PDF's text layer put "TỜ TRÌNH" at the end of the place and date line: no type line
    text = (
        "UBND TỈNH LÂM ĐỒNG\nSỞ NỘI VỤ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc\n\n"
        "Số:\t/TTr-SNV\tLâm Đồng, ngày tháng 01 năm 2026 TỜ TRÌNH\n\n"
        "Về việc ban hành Kế hoạch kiểm tra công tác cải cách hành chính năm 2026\n\n"
        "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh\n\nThực hiện Kế hoạch số 9669/KH-UBND ngày 24/12/2025.\n"
    )
    m = run(text).metadata
    assert (m.doc_type, m.symbol) == ("Tờ trình", "TTr-SNV")  # TTr is a type, SNV the Sở Nội vụ


def test_a_letter_without_a_type_line_is_a_cong_van_whatever_its_symbol_spells():
    text = (
        "BỘ TÀI CHÍNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nCỤC THUẾ\tĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 5615/CT-CS\tHà Nội, ngày 28 tháng 11 năm 2025\nV/v hướng dẫn chính sách thuế\n"
        "Kính gửi: Thuế tỉnh Quảng Trị.\nCục Thuế nhận được công văn số 324/QTR-KTr2 ngày 22/7/2025.\n"
    )
    m = run(text).metadata
    assert (m.doc_type, m.number, m.symbol) == ("Công văn", "5615", "CT-CS")  # CT here is the Cục Thuế
    assert m.subject == "hướng dẫn chính sách thuế"
    # no "V/v", no "Kính gửi", no type line: the symbol's type code names the type
    report = run(text.replace("V/v hướng dẫn chính sách thuế\nKính gửi: Thuế tỉnh Quảng Trị.\n", ""))
    assert report.metadata.doc_type == "Chỉ thị"


DECISION = header(
    "Số: 2853/QĐ-UBND",
    body="QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch triển khai.\n"
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
    "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\n|\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nBùi Minh Thạnh\n|\n\n"
    "KẾ HOẠCH\nTRIỂN KHAI THỰC HIỆN ĐỀ ÁN NÂNG CAO NHẬN THỨC CỘNG ĐỒNG\n"
    "(Ban hành kèm theo Quyết định số 2853/QĐ-UBND ngày 27 tháng 11 năm 2025 của Ủy ban nhân dân tỉnh)\n"
    "I. MỤC TIÊU\n1. Mục tiêu chung\nNâng cao nhận thức theo Quyết định số 553/QĐ-TTg ngày 06/4/2021.\n"
    "II. TỔ CHỨC THỰC HIỆN\n",
)


def test_a_document_attached_after_the_signature_keeps_its_outline():
    report = run(DECISION, "md")
    assert [(s.id, s.form) for s in report.sections] == [
        ("1", "article"),
        ("2", "article"),
        ("I", "roman"),
        ("I.1", "arabic"),
        ("II", "roman"),
    ]
    assert report.metadata.signer == "Bùi Minh Thạnh"
    assert [a.id for a in report.appendices] == ["ke-hoach"]
    by_number = {r.number: r for r in report.references}
    assert by_number["2853"].self and by_number["553"].section == "I.1"


ANNEX = header(
    "Số: 220/CĐ-TTg",
    type_line="CÔNG ĐIỆN",
    body="I. VỀ HOÀN THIỆN THỂ CHẾ\nCác Bộ hoàn thành.\n"
    "Nơi nhận:\n- Như trên;\nTHỦ TƯỚNG\nPhạm Minh Chính\n"
    "PHỤ LỤC II\n|\nSTT\n|\nTên cơ quan\n|\nSố TTHC\n|\n|\n"
    "I. Bộ, ngành\n|\n|\n|\n|\n1\n|\nBộ Tài chính\n|\n12\n|\n|\n"
    "II.\n|\nĐịa phương\n|\n|\n|\n2\n|\nTỉnh Mẫu\n|\n7\n|\n|\n"
    "III\n|\nTHU NỘI ĐỊA\n|\n10.052.700\n|\n",
)


def test_roman_group_rows_of_an_annex_table_are_sections_but_not_row_numbers():
    report = run(ANNEX, "md")
    roman = [(s.number, s.title) for s in report.sections if s.form == "roman"]
    # "III" without its dot, in a numbered column, is a row's number
    assert roman == [("I", "VỀ HOÀN THIỆN THỂ CHẾ"), ("I", "Bộ, ngành"), ("II", "Địa phương")]
    for section in report.sections:
        assert section.text == report.text[section.span[0] : section.span[1]]


def test_a_subject_written_v_v_in_capitals_is_not_heading_five():
    text = header("Số: 0129/KH-UBND", type_line="KẾ HOẠCH").replace(
        "Ban hành Quy chế quản lý chứng thư chữ ký số", "\nV/V HỖ TRỢ NHU YẾU PHẨM KHẨN CẤP CHO NHÂN DÂN"
    )
    report = run(text + "I. ĐÁNH GIÁ TÌNH HÌNH\n")
    assert [s.id for s in report.sections] == ["I"]
    assert report.metadata.subject == "V/V HỖ TRỢ NHU YẾU PHẨM KHẨN CẤP CHO NHÂN DÂN"


def test_a_header_without_a_date_line_takes_no_date_from_the_body(tmp_path):
    text = (
        "|\nĐộc lập - Tự do - Hạnh phúc |\n| Số: 05/2025/TT-BGDĐT |\n|\n\n"
        "**THÔNG TƯ****Quy định chế độ làm việc đối với giáo viên phổ thông**\n\n"
        "*Căn cứ **Luật Giáo dục** ngày 14 tháng 6 năm 2019;*\n"
        "*Căn cứ Nghị định số 37/2025/NĐ-CP ngày 26 tháng 02 năm 2025 của Chính phủ;*\n"
    )
    path = tmp_path / "doc.md"  # through the Markdown reader, which splits the glued bold blocks
    path.write_text(text, encoding="utf-8")
    report = extract(path)
    m = report.metadata
    assert (m.doc_type, m.number, m.year, m.symbol) == ("Thông tư", "05", 2025, "TT-BGDĐT")
    assert (m.place, m.date) == (None, None)  # not "Căn cứ Luật Giáo dục", 14/6/2019
    assert m.subject == "Quy định chế độ làm việc đối với giáo viên phổ thông"
    assert report.checks == []


def test_a_one_line_header_is_cut_at_the_number_and_after_the_motto():
    text = (
        "UBND TỈNH LÂM ĐỒNG BAN CHỈ ĐẠO ĐỀ ÁN 06  Số:           /BC-BCĐ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
        "Độc lập - Tự do - Hạnh phúc   Lâm Đồng, ngày         tháng 11 năm 2025\n\nBÁO CÁO\nKết quả tháng 11/2025\n"
        "Thực hiện Quyết định số 06/QĐ-TTg, ngày 06/01/2022 của Thủ tướng Chính phủ.\n"
    )
    m = run(text).metadata
    assert (m.doc_type, m.number, m.symbol, m.place, m.date) == ("Báo cáo", None, "BC-BCĐ", "Lâm Đồng", None)


def test_a_plan_attached_under_its_caption_after_a_flattened_closing():
    text = header(
        "Số: 254/QĐ-UBND",
        body="Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.\nĐiều 2. Hiệu lực.\n"
        "Nơi nhận: - Bộ Công an; - Lưu: VT. TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Nguyễn Văn A\n\n"
        "KẾ HOẠCH\n\nTHỰC HIỆN CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC (Kèm theo Quyết định số 254/QĐ-UBND ngày 27/11/2025)\n\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n1. Nâng cao nhận thức\nII. NỘI DUNG CÔNG TÁC\n\n"
        "Phần I.\nDANH MỤC THỦ TỤC HÀNH CHÍNH\n(Kèm theo Quyết định số 254/QĐ-UBND)\n"
        "STT\tMã\tTên thủ tục\nI.\tLĩnh vực: Lưu thông hàng hóa trong nước\n1\t1.010696\tCấp giấy\n",
    )
    report = run(text, "md")
    assert [(s.number, s.title) for s in report.sections if s.form == "roman"] == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"),
        ("II", "NỘI DUNG CÔNG TÁC"),
        ("I", "Lĩnh vực: Lưu thông hàng hóa trong nước"),
    ]


def test_a_quoted_phrase_at_a_line_start_is_no_quoted_passage():
    text = header(
        "Số: 12/BC-UBND",
        type_line="BÁO CÁO",
        body="I. KẾT QUẢ\n“Ngày không hẹn” trong giải quyết TTHC và mô hình “Hỗ trợ tổ chức, cá nhân\n"
        "đã triển khai.\nII. TỒN TẠI\n",
    )
    assert [s.id for s in run(text).sections] == ["I", "II"]
