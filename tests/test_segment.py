"""Segmentation: header forms, sections, closing, appendices, metadata."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import regex

from cchc_extract import extract, patternbook


def report_from(tmp_path: Path, text: str, name: str = "r.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(path, with_text=True)


def test_seed_sections_keep_the_missing_section_iii(seed):
    ids = [s.id for s in seed.sections]
    assert ids == [
        "I",
        "I.1",
        "I.2",
        "I.3",
        "I.4",
        "II",
        "II.1",
        "II.2",
        "II.3",
        "II.4",
        "II.5",
        "II.6",
        "IV",
        "IV.1",
        "IV.2",
        "IV.3",
        "IV.4",
        "IV.5",
        "IV.6",
        "IV.7",
        "IV.8",
    ]
    by_id = {s.id: s for s in seed.sections}
    assert by_id["I"].title == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"
    assert by_id["I.4"].title == "Về công tác thông tin tuyên truyền CCHC"  # trailing ":" dropped
    assert by_id["II.6"].title == "Xây dựng và phát triển chính quyền điện tử"
    assert by_id["IV.3"].title.endswith("đảm bảo tính hợp hiến, hợp pháp")  # joined over the page break
    assert by_id["IV.8"].parent == "IV" and by_id["IV.8"].level == 2
    gap = [c for c in seed.checks if c.rule == "numbering.gap"]
    assert len(gap) == 1 and gap[0].where[:2] == ["II", "IV"]


def test_seed_metadata(seed):
    m = seed.metadata
    assert (m.doc_type, m.number, m.symbol) == ("Báo cáo", None, "BC-UBND")
    assert (m.issuer, m.place, m.date) == ("UBND xã Hoàng Cát", "Hoàng Cát", dt.date(2024, 6, 4))
    assert m.subject.startswith("Tình hình thực hiện công tác cải cách hành chính 6 tháng đầu năm")
    assert (m.signer, m.signer_title) == ("Nguyễn Văn An", "CHỦ TỊCH")
    assert m.recipients == [
        "UBND huyện (b/c)",
        "Phòng Nội vụ (b/c)",
        "TTr ĐU-HĐND-UBND xã (b/c)",
        "Cán bộ, công chức xã",
        "Lưu: VT",
    ]


def test_seed_appendix_and_section_of_offsets(seed):
    assert [a.id for a in seed.appendices] == ["phu-luc-01b"]
    assert seed.appendices[0].title.startswith("Phụ lục 01b THỐNG KÊ SỐ LIỆU")
    sections = {r.text: r.section for r in seed.references}
    assert sections["ND 34"] == "appendix:phu-luc-01b"
    assert sections["Kế hoạch hành động số 22-KH/TU ngày 24/12/2021 của Ban Chấp hành Đảng bộ tỉnh"] == "IV.1"


HEADERS = {
    "pipes": (
        "UBND HUYỆN HOẰNG HÓA | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "UBND XÃ HOÀNG CÁT | Độc lập - Tự do - Hạnh phúc\n"
        "Số: 12/BC-UBND | Hoàng Cát, ngày 04 tháng 6 năm 2024\n"
    ),
    "one cell per line": (
        "UBND HUYỆN HOẰNG HÓA\nUBND XÃ HOÀNG CÁT\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n---------------\nSố: 12/BC-UBND\nHoàng Cát, ngày 04 tháng 6 năm 2024\n"
    ),
    "interleaved columns": (
        "UBND HUYỆN HOẰNG HÓA\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nUBND XÃ HOÀNG CÁT\n"
        "Độc lập - Tự do - Hạnh phúc\nSố: 12 /BC-UBND Hoàng Cát, ngày 04 tháng 6 năm 2024\n"
    ),
}


@pytest.mark.parametrize(
    ("line", "own"),
    [
        ("Số:        /2025/QĐ-UBND Hà Nội, ngày        tháng      năm 2025", (None, 2025, "QĐ-UBND")),
        ("Số: /2025/QĐ-UBND\tHà Nội, ngày tháng năm 2025", (None, 2025, "QĐ-UBND")),
        ("Số: /QĐ-UBND Hà Nội, ngày tháng năm 2025", (None, None, "QĐ-UBND")),
        ("Số: 12/2025/QĐ-UBND Hà Nội, ngày 02 tháng 3 năm 2025", ("12", 2025, "QĐ-UBND")),
        # a PDF's text layer: a tab for the blank, the symbol and the place in cells of their own
        ("Số:\t/2025/QĐ-UBND\tHà Nội, ngày tháng năm 2025", (None, 2025, "QĐ-UBND")),
        ("Số:\t12/QĐ-UBND\tHà Nội, ngày 02 tháng 3 năm 2025", ("12", None, "QĐ-UBND")),
    ],
)
def test_a_number_left_blank_keeps_the_year_and_symbol_and_the_place_after_them(tmp_path, line, own):
    header = "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    m = report_from(tmp_path, header + line + "\n\nQUYẾT ĐỊNH\nVề việc bãi bỏ\n\nĐiều 1. Nội dung.\n").metadata
    assert (m.number, m.year, m.symbol, m.place) == (*own, "Hà Nội")


@pytest.mark.parametrize(
    ("line", "own"),
    [
        # a number or a day written by hand on a scan, as OCR reads it
        ("Số: 4#/QĐ-TTg\tHà Nội, ngày 15 tháng 5 năm 2025", (None, "QĐ-TTg", "2025-05-15")),
        ("Số: M09 /BCA-C04\tHà Nội, ngày ÁÉ tháng 12 năm 2025", (None, "BCA-C04", None)),
        ("số:56Ÿ /BCA-C04\tHà Nội, ngày 16 tháng Ÿ năm 2025", (None, "BCA-C04", None)),
    ],
)
def test_a_number_or_date_written_by_hand_keeps_the_symbol_and_place_and_warns(tmp_path, line, own):
    header = "BỘ CÔNG AN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    report = report_from(tmp_path, header + line + "\nV/v triển khai\n\nKính gửi: UBND tỉnh.\n\nNội dung.\n")
    m = report.metadata
    assert (m.number, m.symbol, m.date and m.date.isoformat(), m.place) == (*own, "Hà Nội")
    codes = [w.code for w in report.warnings]
    assert "number.illegible" in codes
    assert ("date.illegible" in codes) == (own[2] is None)


def test_a_blank_dotted_or_placeholder_day_is_no_illegible_one(tmp_path):
    header = "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    for line in (
        "Số: /QĐ-UBND\tLâm Đồng, ngày      tháng    năm 2025",
        "Số: /QĐ-UBND\tLâm Đồng, ngày … tháng … năm 2025",
        "Số: /QĐ-UBND\tLâm Đồng, ngày __ tháng __ năm 2025",
        "Số: /QĐ-UBND\tLâm Đồng, ngày -- tháng -- năm 2025",
    ):
        report = report_from(tmp_path, header + line + "\n\nQUYẾT ĐỊNH\nVề việc\n\nĐiều 1. Nội dung.\n")
        assert report.metadata.place == "Lâm Đồng" and report.warnings == [], line


@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_header_forms(tmp_path, header):
    body = "\nBÁO CÁO\nKết quả cải cách hành chính năm 2024\n\nI. KẾT QUẢ\n1. Cải cách thể chế\n"
    report = report_from(tmp_path, header + body)
    m = report.metadata
    assert (m.number, m.symbol, m.doc_type) == ("12", "BC-UBND", "Báo cáo")
    assert (m.issuer, m.parent_body) == ("UBND xã Hoàng Cát", "UBND huyện Hoằng Hóa")
    assert (m.place, m.date) == ("Hoàng Cát", dt.date(2024, 6, 4))
    assert m.subject == "Kết quả cải cách hành chính năm 2024"
    assert [s.id for s in report.sections] == ["I", "I.1"]


def test_body_name_split_over_two_lines_is_one_issuer(tmp_path):
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK\n--------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 012/CT-UBND\n"
        "Đắk Lắk, ngày 26 tháng 11 năm 2025\n\nCHỈ THỊ\nVỀ VIỆC TĂNG CƯỜNG CẢI CÁCH THỦ TỤC HÀNH CHÍNH\n"
    )
    m = report_from(tmp_path, text).metadata
    assert m.issuer == "Ủy ban nhân dân tỉnh Đắk Lắk" and m.parent_body is None
    assert m.issuer_normalized == "Ủy ban nhân dân tỉnh Đắk Lắk"
    assert (m.doc_type, m.number, m.symbol) == ("Chỉ thị", "012", "CT-UBND")
    assert m.subject == "VỀ VIỆC TĂNG CƯỜNG CẢI CÁCH THỦ TỤC HÀNH CHÍNH"


def test_part_and_letter_headings_nest_in_order_of_use(tmp_path):
    text = (
        "BÁO CÁO\nKết quả\n\nPHẦN I. KẾT QUẢ\nA. Ưu điểm\n1. Thể chế\na) Rà soát văn bản\nb) Ban hành\n"
        "2. Thủ tục\nB. Hạn chế\nPHẦN II. NHIỆM VỤ\nA. Mục tiêu\n"
    )
    sections = report_from(tmp_path, text).sections
    assert [(s.id, s.level, s.parent) for s in sections] == [
        ("I", 1, None),
        ("I.A", 2, "I"),
        ("I.A.1", 3, "I.A"),
        ("I.A.1.a", 4, "I.A.1"),
        ("I.A.1.b", 4, "I.A.1"),
        ("I.A.2", 3, "I.A"),
        ("I.B", 2, "I"),
        ("II", 1, None),
        ("II.A", 2, "II"),
    ]
    assert sections[0].form == "part"


def test_roman_with_hyphen_and_decimal_subheadings(tmp_path):
    text = "BÁO CÁO\nKết quả\n\nI- CHỈ ĐẠO\n1. Kế hoạch\n1.1. Ban hành\n1.2. Kiểm tra\n2. Tuyên truyền\nII- KẾT QUẢ\n"
    sections = report_from(tmp_path, text).sections
    assert [s.id for s in sections] == ["I", "I.1", "I.1.1", "I.1.2", "I.2", "II"]
    assert sections[2].number == "1.1" and sections[2].level == 3


def test_a_footnote_number_glued_to_a_title_in_capitals_is_not_part_of_it(tmp_path):
    text = (
        "BÁO CÁO\nKết quả\n\nI. KẾT QUẢ XẾP LOẠI CỦA CẤP CÓ THẨM QUYỀN CÔNG CHỨC1\nNội dung.\n"
        "II. ĐỀ XUẤT PHƯƠNG ÁN XỬ LÝ2\nNội dung.\nIII. PHÒNG, CHỐNG COVID-19\nNội dung.\n"
        "IV. Kết quả năm 2025\nNội dung.\nV. CHUYỂN ĐỔI SANG IPV6\nNội dung.\nVI. nhiệm vụ trọng tâm\nNội dung.\n"
    )
    sections = report_from(tmp_path, text).sections
    assert [s.title for s in sections] == [
        "KẾT QUẢ XẾP LOẠI CỦA CẤP CÓ THẨM QUYỀN CÔNG CHỨC",
        "ĐỀ XUẤT PHƯƠNG ÁN XỬ LÝ",
        "PHÒNG, CHỐNG COVID-19",
        "Kết quả năm 2025",
        "CHUYỂN ĐỔI SANG IPV6",  # a name's digits stay: no Vietnamese word before them
        "nhiệm vụ trọng tâm",
    ]
    assert sections[0].text.endswith("CÔNG CHỨC1")  # the text stays as written


def test_blank_number_and_signature_with_authority_prefix(tmp_path):
    text = (
        "Số: /BC-UBND\nAn Bình, ngày 05 tháng 01 năm 2025\n\nBÁO CÁO\nKết quả năm 2024\n\nI. KẾT QUẢ\n"
        "Nội dung.\n\nNơi nhận:\n- UBND huyện (b/c);\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\n"
        "PHÓ CHỦ TỊCH\n(Đã ký)\n\nLê Thị Mai\n"
    )
    m = report_from(tmp_path, text).metadata
    assert m.number is None and m.symbol == "BC-UBND"
    assert m.signing_authority == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
    assert (m.signer_title, m.signer) == ("PHÓ CHỦ TỊCH", "Lê Thị Mai")
    assert m.recipients == ["UBND huyện (b/c)", "Lưu: VT"]
    assert m.issuer == "Ủy ban nhân dân"  # only the signature names the body


def test_a_sentence_that_begins_with_noi_nhan_is_no_closing(tmp_path):
    """A guide to drafting documents describes the recipients block in its body; the closing is
    the block itself, after the last section."""
    text = (
        "HƯỚNG DẪN\nvề thể thức văn bản\n\nI- HƯỚNG DẪN CHUNG\n1. Nơi nhận văn bản\n"
        "Nơi nhận văn bản xác định những cơ quan, tổ chức, cá nhân nhận văn bản.\n"
        "II- TỔ CHỨC THỰC HIỆN\n1. Hướng dẫn này có hiệu lực từ ngày ký.\n\n"
        "Nơi nhận:\n- Các tỉnh uỷ;\n- Lưu Văn phòng.\n\nK/T CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG\n\nBùi Văn Thạch\n"
    )
    report = report_from(tmp_path, text)
    assert [s.id for s in report.sections] == ["I", "I.1", "II", "II.1"]
    assert report.appendices == []
    m = report.metadata
    assert (m.signer_title, m.signer, m.recipients) == (
        "PHÓ CHÁNH VĂN PHÒNG",
        "Bùi Văn Thạch",
        ["Các tỉnh uỷ", "Lưu Văn phòng"],
    )


def test_numbering_gap_reports_repeats_and_accepts_d_then_e(tmp_path):
    text = "BÁO CÁO\nX\n\nI. A\n1. B\n1. C\n2. D\na) e\nb) f\nc) g\nd) h\ne) i\nII. E\n"
    checks = report_from(tmp_path, text).checks
    assert [(c.rule, c.where[:2]) for c in checks] == [("numbering.gap", ["I.1", "I.1~2"])]
    assert "repeated" in checks[0].message


# --- place_date in linear time: the same match as the pattern --------------------------

_PLACE_DATE_PIECES = [
    "Hà Nội",
    "x",
    " ",
    "  ",
    "\t",
    ",",
    "|",
    "ngày",
    "Ngày",
    "NGÀY",
    " 04",
    "4",
    "2024",
    " tháng ",
    "tháng",
    " 6 ",
    "năm",
    " năm 2025",
    "…",
    ".",
    "\u00a0",
    "\u2028",
]


def _same_as_the_pattern(text: str) -> None:
    from cchc_extract.segment import find_place_date

    found, expected = find_place_date(text), patternbook.layout("place_date").search(text)
    # possessive quantifiers (*+) only spare backtracking: the pattern without them finds the same
    plain = regex.compile(patternbook.layout("place_date").pattern.replace("*+", "*")).search(text)
    assert (plain and plain.groupdict(), plain and plain[0]) == (
        expected and expected.groupdict(),
        expected and expected[0],
    )
    if expected is None:
        assert found is None, text
        return
    assert found is not None, text
    got = (found.place, found.day, found.month, found.year, found.text)
    assert got == (expected["place"], expected["day"], expected["month"], expected["year"], expected[0]), text


def _random_line(rng) -> str:  # type: ignore[no-untyped-def]
    """Pieces at random, or most often a place and a date built of them with noise between."""

    def noise(most: int) -> str:
        return "".join(rng.choice(_PLACE_DATE_PIECES) for _ in range(rng.randrange(0, most)))

    def gap() -> str:  # what may stand between the parts of a date, and now and then what may not
        if rng.random() < 0.1:
            return rng.choice(("\t", ",", "x", "123"))
        return rng.choice(("", " ", "  ")) + rng.choice(("", "04", "4", " .", "…", "\u00a0")) + rng.choice(("", " "))

    if rng.random() < 0.3:
        return noise(14)
    year = rng.choice((" 2024", "2025", " 20", "", "\u00a02025"))
    return noise(5) + rng.choice(("ngày", "Ngày", "NGÀY")) + gap() + "tháng" + gap() + "năm" + year + noise(4)


def test_place_date_is_found_as_the_pattern_finds_it_on_random_lines():
    import random

    rng = random.Random(13)
    found = 0
    for _ in range(20_000):
        line = _random_line(rng)
        _same_as_the_pattern(line)
        found += patternbook.layout("place_date").search(line) is not None
    assert found > 2000  # the lines test matches, not only their absence


def test_place_date_is_found_as_the_pattern_finds_it_on_every_line_of_the_corpus():
    from .conftest import CORPUS, REAL_DEV

    files = sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.md"))
    if REAL_DEV.is_dir():
        files += sorted(REAL_DEV.glob("*.md")) + sorted((REAL_DEV / "tvpl").glob("*.md"))
    lines = 0
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            _same_as_the_pattern(line)
            lines += 1
    assert lines > (20_000 if REAL_DEV.is_dir() else 500)  # the corpus (600 lines), and real-dev beside it


def test_a_number_with_a_letter_is_legible(tmp_path):
    header = "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    for line in (
        "Số: 123A/KH-UBND\tLâm Đồng, ngày 02 tháng 3 năm 2025",
        "Số: 12b1/KH-UBND\tLâm Đồng, ngày 02 tháng 3 năm 2025",
    ):
        report = report_from(tmp_path, header + line + "\n\nKẾ HOẠCH\nThực hiện\n\nI. MỤC ĐÍCH\nNội dung.\n")
        assert "number.illegible" not in [w.code for w in report.warnings], line
