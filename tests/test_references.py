"""Reference grammar, table-driven over the forms of domain.md."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc_extract import find_references

# text -> [(key, doc_type, date, issuer)] in reading order
CASES = {
    "Quyết định số 01/QĐ-UBND ngày 02/01/2024 của UBND xã về ban hành Kế hoạch": [
        ("01/QĐ-UBND/2024", "Quyết định", "2024-01-02", "UBND xã")
    ],
    "Nghị định 107/2021/NĐ-CP ngày 06/12/2021 của Chính phủ sửa đổi": [
        ("107/2021/NĐ-CP", "Nghị định", "2021-12-06", "Chính phủ")
    ],
    "Kế hoạch số: 20/KH-UBND ngày 08/01/2024 tự kiểm tra": [("20/KH-UBND/2024", "Kế hoạch", "2024-01-08", None)],
    "Công văn số 14 / UBND-VP ngày 04/01/2024 Về việc": [("14/UBND-VP/2024", "Công văn", "2024-01-04", None)],
    "theo Nghị định số 61/2018/NĐ- CP": [("61/2018/NĐ-CP", "Nghị định", None, None)],
    "công văn số 1361/UBND-VP ngày 02/5/2024 của UBND huyện Hoàng Hóa về việc": [
        ("1361/UBND-VP/2024", "Công văn", "2024-05-02", "UBND huyện Hoàng Hóa")
    ],
    "Kế hoạch hành động số 22-KH/TU ngày 24/12/2021 của Ban Chấp hành Đảng bộ tỉnh thực hiện": [
        ("22-KH/TU", "Kế hoạch hành động", "2021-12-24", "Ban Chấp hành Đảng bộ tỉnh")
    ],
    "Thông tư liên tịch số 19/2012/TTLT-BTC-BKH&ĐT-BTTTT": [
        ("19/2012/TTLT-BTC-BKH&ĐT-BTTTT", "Thông tư liên tịch", None, None)
    ],
    "Nghị quyết số 30c/NQ-CP ngày 08/11/2011": [("30c/NQ-CP/2011", "Nghị quyết", "2011-11-08", None)],
    "Quyết định số 23/2023/QĐ-TTg ngày 07/9/2023 của Thủ tướng Chính phủ": [
        ("23/2023/QĐ-TTg", "Quyết định", "2023-09-07", "Thủ tướng Chính phủ")
    ],
    "THỰC HIỆN CHỈ THỊ SỐ 27/CT-TTG NGÀY 15 THÁNG 8 NĂM 2024 CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ VIỆC": [
        ("27/CT-TTg/2024", "Chỉ thị", "2024-08-15", "THỦ TƯỚNG CHÍNH PHỦ")
    ],
    "Thực hiện 263/KH-UBNDngày 12/3/2024 của UBND huyện": [
        ("263/KH-UBND/2024", "Kế hoạch", "2024-03-12", "UBND huyện")
    ],
    "Tờ trình số 4249/TTr-SKHCN ngày 07 tháng 11\nnăm 2025.": [("4249/TTr-SKHCN/2025", "Tờ trình", "2025-11-07", None)],
    "ngày 15 tháng 9 tháng 2022 là lỗi gõ: Quyết định số 1085/QĐ-TTg ngày 15 tháng 9 tháng 2022 của Thủ tướng": [
        ("1085/QĐ-TTg/2022", "Quyết định", "2022-09-15", "Thủ tướng")
    ],
    "Quy định số 03/QyĐ-UBND; Chương trình số 15/CTr-UBND": [
        ("03/QyĐ-UBND", "Quy định", None, None),
        ("15/CTr-UBND", "Chương trình", None, None),
    ],
    "Luật số 80/2015/QH13 ngày 22/6/2015": [("80/2015/QH13", "Luật", "2015-06-22", None)],
    "Pháp lệnh số 02/2011/UBTVQH13": [("02/2011/UBTVQH13", "Pháp lệnh", None, None)],
    "Thông tư số 01/2011/TT-BNV ngày 19/01/2011 của Bộ Nội vụ hướng dẫn": [
        ("01/2011/TT-BNV", "Thông tư", "2011-01-19", "Bộ Nội vụ")
    ],
    "văn bản số 6225/BVHTTDL-VP ngày 18/11/2025 của Bộ Văn hóa, Thể thao và Du lịch về": [
        ("6225/BVHTTDL-VP/2025", "Công văn", "2025-11-18", "Bộ Văn hóa, Thể thao và Du lịch")
    ],
    "Thông báo số 07-TB/CQTTBCĐ ngày 15/10/2025": [("07-TB/CQTTBCĐ", "Thông báo", "2025-10-15", None)],
}


def test_a_party_document_for_internal_circulation_keeps_its_nb():
    refs, _ = find_references(
        "thay thế Công văn số 2587-CV/VPTW/nb, ngày 25/5/2010 của Văn phòng Trung ương Đảng hướng dẫn thêm"
    )
    assert [(r.text, r.symbol, r.date) for r in refs] == [
        (
            "Công văn số 2587-CV/VPTW/nb, ngày 25/5/2010 của Văn phòng Trung ương Đảng",
            "CV/VPTW/nb",
            dt.date(2010, 5, 25),
        )
    ]


@pytest.mark.parametrize(("text", "expected"), CASES.items(), ids=[t[:40] for t in CASES])
def test_reference_forms(text, expected):
    refs, _ = find_references(text)
    got = [(r.key, r.doc_type, r.date.isoformat() if r.date else None, r.issuer) for r in refs]
    assert got == expected
    for ref in refs:
        assert text[ref.span[0] : ref.span[1]] == ref.text


def test_coordinated_symbols_share_the_date_after_the_last():
    text = "UBND xã đã ban hành quyết định số 129/QĐ-UBND và số 130/QĐ-UBND ngày 28/12/2023 về xây dựng"
    refs, _ = find_references(text)
    assert [(r.text, r.key, r.doc_type, str(r.date)) for r in refs] == [
        ("quyết định số 129/QĐ-UBND", "129/QĐ-UBND/2023", "Quyết định", "2023-12-28"),
        ("số 130/QĐ-UBND ngày 28/12/2023", "130/QĐ-UBND/2023", "Quyết định", "2023-12-28"),
    ]


def test_comma_lists_share_the_date_too():
    refs, _ = find_references("các Quyết định số 45/QĐ-UBND, 46/QĐ-UBND và 47/QĐ-UBND ngày 10-01-2024 về")
    assert [(r.number, str(r.date)) for r in refs] == [("45", "2024-01-10"), ("46", "2024-01-10"), ("47", "2024-01-10")]


def test_a_mention_with_its_own_date_does_not_take_the_next_one():
    refs, _ = find_references("Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 và Nghị định 107/2021/NĐ-CP ngày 06/12/2021")
    assert [str(r.date) for r in refs] == ["2018-04-23", "2021-12-06"]


def test_reference_and_date_broken_over_a_page_break():
    refs, _ = find_references("theo công văn số 66/UBND-VP ngày\n\n27/02/2024 về V/v tiếp tục")
    assert refs[0].key == "66/UBND-VP/2024" and str(refs[0].date) == "2024-02-27"
    refs, _ = find_references("Kế hoạch số\n58/KH-UBND ngày 20/02/2024")
    assert refs[0].text.startswith("Kế hoạch số\n58") and refs[0].doc_type == "Kế hoạch"


def test_impossible_date_is_kept_as_text_with_a_warning():
    refs, warnings = find_references("Quyết định số 88/QĐ-UBND ngày 31/02/2024 của UBND huyện")
    assert refs[0].date is None and refs[0].date_text == "31/02/2024"
    assert refs[0].key == "88/QĐ-UBND/2024"
    assert [w.code for w in warnings] == ["date.impossible"]


def test_date_written_before_ban_hanh_gives_the_key_its_year_not_the_mention_a_date():
    refs, _ = find_references("Ngày 19/01/2024 UBND xã ban hành kế hoạch số 38/KH-UBND về triển khai")
    assert refs[0].key == "38/KH-UBND/2024" and refs[0].date is None and refs[0].text == "kế hoạch số 38/KH-UBND"


def test_two_documents_of_one_body_dated_once_share_the_date():
    text = "Xét Tờ trình số 347/TTr-CP và Đề án số 348/ĐA-CP ngày 09 tháng 5 năm 2025, Báo cáo thẩm tra số 419/BC-UBPL"
    refs, _ = find_references(text)
    assert [(r.number, str(r.date)) for r in refs] == [("347", "2025-05-09"), ("348", "2025-05-09"), ("419", "None")]
    # a law and a decree named together keep their own dates
    refs, _ = find_references("Luật Đất đai số 31/2024/QH15 và Nghị định số 102/2024/NĐ-CP ngày 30/7/2024")
    assert [str(r.date) for r in refs] == ["None", "2024-07-30"]


def test_a_shared_issuer_must_fit_the_symbols_body():
    text = (
        "Nghị định 61/2018/NĐ-CP ngày 23/4/2018 và Thông tư số 01/2023/TT-VPCP ngày 05/4/2023 của Văn phòng "
        "Chính phủ; Thông tư số 69/2017/TT-BTC ngày 07/7/2017 và Quyết định số 12/QĐ-BTC ngày 02/01/2024 của Bộ "
        "trưởng Bộ Tài chính."
    )
    refs, _ = find_references(text)
    assert [(r.number, r.issuer) for r in refs] == [
        ("61", None),  # NĐ-CP: the Chính phủ, not its Văn phòng
        ("01", "Văn phòng Chính phủ"),
        ("69", "Bộ trưởng Bộ Tài chính"),
        ("12", "Bộ trưởng Bộ Tài chính"),
    ]


def test_short_forms_resolve_to_one_earlier_reference_and_never_invent():
    text = "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018. Theo Nghị định số 61, bộ phận một cửa; Thông tư số 15 mới."
    refs, _ = find_references(text)
    assert [(r.text, r.resolved_key) for r in refs] == [
        ("Nghị định số 61/2018/NĐ-CP ngày 23/4/2018", None),
        ("Nghị định số 61", "61/2018/NĐ-CP"),
    ]
    refs, _ = find_references("Số liệu về biên chế cán bộ (theo ND 34) và (theo ND34)")
    assert [(r.text, r.doc_type, r.number, r.key) for r in refs] == [
        ("ND 34", "Nghị định", "34", None),
        ("ND34", "Nghị định", "34", None),
    ]


def test_undated_mention_takes_the_year_of_the_same_document_cited_with_a_date():
    text = "Kế hoạch số 05/KH-UBND ngày 08/01/2025 về CCHC. Tiếp tục thực hiện Kế hoạch số 05/KH-UBND nêu trên."
    refs, _ = find_references(text)
    assert [r.key for r in refs] == ["05/KH-UBND/2025", "05/KH-UBND/2025"]
    assert refs[1].date is None and refs[1].resolved_key == "05/KH-UBND/2025"


def test_keys_are_stable_across_spelling_variants():
    variants = [
        "Nghị định 61/2018/NĐ-CP",
        "Nghị định 61/2018/N\u00d0-CP",
        "nghị định số 61 / 2018 / NĐ- CP",
        "NGHỊ ĐỊNH SỐ 61/2018/NĐ-cp",
    ]
    from cchc_extract.normalize import clean_text

    keys = {find_references(clean_text(v))[0][0].key for v in variants}
    assert keys == {"61/2018/NĐ-CP"}


def test_excluded_spans_and_urls_are_not_references():
    text = "Số: 12/BC-UBND\nxem https://x.gov.vn/van-ban/12/QD-UBND và email vp@ubnd.gov.vn"
    refs, _ = find_references(text, exclude={(0, 14)})
    assert refs == []


def test_references_know_their_section_and_page():
    refs, _ = find_references("a\nQuyết định số 01/QĐ-UBND", section_of=lambda o: f"S{o}", page_of=lambda o: 3)
    assert (refs[0].section, refs[0].page) == ("S2", 3)


def test_named_laws_take_their_name():
    refs, _ = find_references("Căn cứ Luật Tín ngưỡng, tôn giáo số 02/2016/QH14 ngày 18/11/2016;")
    assert [(r.text, r.doc_type, r.key) for r in refs] == [
        ("Luật Tín ngưỡng, tôn giáo số 02/2016/QH14 ngày 18/11/2016", "Luật", "02/2016/QH14")
    ]


def test_a_list_item_after_a_symbol_is_not_part_of_it():
    refs, _ = find_references("theo Thông tư 03/2025/TT-VPCP\n- Hồ sơ gồm")
    assert [r.symbol for r in refs] == ["TT-VPCP"]


def test_issuer_stops_at_amounts_and_keeps_capitalised_names():
    refs, _ = find_references(
        "Kế hoạch số 02-KH/BCĐTW ngày 19/6/2025 của Ban Chỉ đạo Trung ương về; "
        "Nghị định số 87/2025/NĐ-CP ngày 11/4/2025 của Chính phủ khoảng 21 tỷ đồng"
    )
    assert [r.issuer for r in refs] == ["Ban Chỉ đạo Trung ương", "Chính phủ"]


# Forms met in real published documents (../shared/real-dev), each a rule of the domain.
REAL_FORMS = {
    # a decimal number before the slash
    "Nghị quyết số 66.7/2025/NQ-CP ngày 15 tháng 11 năm 2025 của Chính phủ": [
        ("66.7/2025/NQ-CP", "Nghị quyết", "2025-11-15", "Chính phủ")
    ],
    # the slash after the year forgotten
    "Thông tư số 49/2025TT-BCT ngày 09/9/2025 của Bộ trưởng Bộ Công Thương": [
        ("49/2025/TT-BCT", "Thông tư", "2025-09-09", "Bộ trưởng Bộ Công Thương")
    ],
    # the number glued to "số" where bold markup split them
    "Xét đề nghị của Chính phủ tại Tờ trình số347/TTr-CP": [("347/TTr-CP", "Tờ trình", None, None)],
    # a named kind of a type, written in full, is the type
    "Báo cáo thẩm tra số 419/BC-UBPLTP15 ngày 03 tháng 6 năm 2025 của Ủy ban Pháp luật và Tư pháp, Báo cáo": [
        ("419/BC-UBPLTP15/2025", "Báo cáo thẩm tra", "2025-06-03", "Ủy ban Pháp luật và Tư pháp")
    ],
    "theo Quy chế phối hợp 49/QCPH-UBND-UBMT-HCTĐ và quy định hiện hành": [
        ("49/QCPH-UBND-UBMT-HCTĐ", "Quy chế phối hợp", None, None)
    ],
    "Đơn đề nghị xác định mã số số 01/CV ngày 30/10/2025 của Công ty TNHH Mẫu": [
        ("01/CV/2025", "Đơn đề nghị", "2025-10-30", "Công ty TNHH Mẫu")
    ],
    "theo QĐ số 2490/QĐ- BNN ngày 01/7/2025": [("2490/QĐ-BNN/2025", "Quyết định", "2025-07-01", None)],
    # a form numbered like a document is not one
    "kê khai theo mẫu số 03/TNDN ban hành kèm theo Thông tư số 80/2021/TT-BTC": [
        ("80/2021/TT-BTC", "Thông tư", None, None)
    ],
    # the issuer phrase ends before a word that goes on with the sentence
    "Quyết định số 206/QĐ-LĐTBXH ngày 11/3/2022 của Bộ trưởng Bộ Lao động - Thương binh và Xã hội chưa thay đổi": [
        ("206/QĐ-LĐTBXH/2022", "Quyết định", "2022-03-11", "Bộ trưởng Bộ Lao động - Thương binh và Xã hội")
    ],
}


@pytest.mark.parametrize(("text", "expected"), REAL_FORMS.items(), ids=[t[:40] for t in REAL_FORMS])
def test_reference_forms_of_real_documents(text, expected):
    test_reference_forms(text, expected)


def test_the_text_runs_to_the_end_of_the_issuer_phrase():
    text = "Căn cứ Nghị định số 181/2025/NĐ-CP ngày 01/7/2025 của Chính phủ quy định về hoàn thuế;"
    assert [r.text for r in find_references(text)[0]] == ["Nghị định số 181/2025/NĐ-CP ngày 01/7/2025 của Chính phủ"]
    text = "tại Báo cáo thẩm tra số 419/BC-UBPLTP15 ngày 03/6/2025 của Ủy ban Pháp luật và Tư pháp, Báo cáo"
    assert find_references(text)[0][0].text.endswith("của Ủy ban Pháp luật và Tư pháp")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15;",
            ["Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15"],
        ),
        (
            "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Phòng, chống thiên tai và Luật Đê điều số 60/2020/QH14;",
            ["Luật sửa đổi, bổ sung một số điều của Luật Phòng, chống thiên tai và Luật Đê điều số 60/2020/QH14"],
        ),
        ("Căn cứ Luật số 56/2024/QH15 và Luật số 90/2025/QH15;", ["Luật số 56/2024/QH15", "Luật số 90/2025/QH15"]),
        ("Căn cứ Luật Đất đai, Luật Nhà ở số 27/2023/QH15;", ["Luật Nhà ở số 27/2023/QH15"]),
        ("Luật Đất đai và Nghị định số 102/2024/NĐ-CP", ["Nghị định số 102/2024/NĐ-CP"]),
    ],
)
def test_a_law_named_before_its_number(text, names):
    assert [r.text for r in find_references(text)[0]] == names


@pytest.mark.parametrize(
    ("text", "issuers", "first"),
    [
        (
            "Căn cứ Nghị định số 48/2013/NĐ-CP ngày 14/5/2013 và Nghị định số 92/2017/NĐ-CP ngày 07/8/2017 "
            "của Chính phủ sửa đổi; Nghị định số 178/2024/NĐ-CP, Nghị định số 67/2025/NĐ-CP của Chính phủ; "
            "Luật số 80/2015/QH13 ngày 22/6/2015 và Nghị định số 34/2016/NĐ-CP ngày 14/5/2016 của Chính phủ.",
            [
                ("48", "Chính phủ"),
                ("92", "Chính phủ"),
                ("178", "Chính phủ"),
                ("67", "Chính phủ"),
                ("80", None),  # QH13: a law of the Quốc hội, not of the Chính phủ
                ("34", "Chính phủ"),
            ],
            # the shared issuer is the item's, but its text ends at its own date
            "Nghị định số 48/2013/NĐ-CP ngày 14/5/2013",
        ),
        # past the parts cited before an item ("và khoản 1 Điều 3 Quyết định ...")
        (
            "theo quy định tại khoản 1 Điều 3 Quyết định số 820/QĐ-UBND ngày 27/8/2025 và khoản 1 Điều 3 Quyết "
            "định số 1234/QĐ-UBND ngày 08/9/2025 của Chủ tịch UBND tỉnh; tại Mục II Tờ trình số 207/TTr-NHNN "
            "ngày 21/11/2025, Mục II Tờ trình số 212/TTr-NHNN ngày 27/11/2025 của Ngân hàng Nhà nước Việt Nam.",
            [
                ("820", "Chủ tịch UBND tỉnh"),
                ("1234", "Chủ tịch UBND tỉnh"),
                ("207", "Ngân hàng Nhà nước Việt Nam"),
                ("212", "Ngân hàng Nhà nước Việt Nam"),
            ],
            "Quyết định số 820/QĐ-UBND ngày 27/8/2025",
        ),
    ],
)
def test_one_issuer_closing_a_list_of_typed_mentions_is_every_items(text, issuers, first):
    refs, _ = find_references(text)
    assert [(r.number, r.issuer) for r in refs] == issuers
    assert refs[0].text == first


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        # a wrapped line of a text taken from a PDF
        (
            "Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, Kế hoạch số 02-KH/TU của Ban Thường\n"
            "vụ Tỉnh ủy về đột phá",
            "Ban Thường vụ Tỉnh ủy",
        ),
        # a comma going on with a person's title or another body ends it
        (
            "theo Nghị quyết số 12/NQ-HĐND ngày 10/7/2025 của HĐND tỉnh Lâm Đồng, Giám đốc Sở Tài chính",
            "HĐND tỉnh Lâm Đồng",
        ),
        (
            "Thông báo số 4387/TB-VPQH ngày 14/11/2025 của Văn phòng Quốc hội, Bộ Xây dựng làm việc",
            "Văn phòng Quốc hội",
        ),
        # ... but not a name with a comma, titles held together, or a joint document's bodies
        (
            "văn bản số 6225/BVHTTDL-VP ngày 18/11/2025 của Bộ Văn hóa, Thể thao và Du lịch về",
            "Bộ Văn hóa, Thể thao và Du lịch",
        ),
        (
            "Thông tư số 02/2017/TT-VPCP ngày 31/10/2017 của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ",
            "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ",
        ),
        (
            "Thông tư liên tịch số 19/2012/TTLT-BTC-BKH&ĐT-BTTTT ngày 15/02/2012 của Bộ Tài chính, "
            "Bộ Kế hoạch và Đầu tư, Bộ Thông tin và Truyền thông",
            "Bộ Tài chính, Bộ Kế hoạch và Đầu tư, Bộ Thông tin và Truyền thông",
        ),
        # a place name holding a stop word, and a type word going on with the sentence
        ("theo Nghị quyết số 12/NQ-HĐND ngày 10/7/2025 của HĐND tỉnh Cao Bằng về", "HĐND tỉnh Cao Bằng"),
        (
            "theo Quyết định số 5/QĐ-UBND ngày 10/7/2025 của Ủy ban nhân dân tỉnh kế hoạch hành động",
            "Ủy ban nhân dân tỉnh",
        ),
        ("theo Báo cáo số 5/BC-UBPL ngày 10/7/2025 của Ủy ban Pháp luật và Tư pháp.", "Ủy ban Pháp luật và Tư pháp"),
        # after a place's level a capitalised type word begins the document's summary, not a name
        (
            "Thông báo số 566/TB-UBND ngày 02/12/2025 của UBND tỉnh Kết luận của đồng chí Nguyễn Ngọc Phúc, "
            "Tỉnh ủy viên, Phó Chủ tịch",
            "UBND tỉnh",
        ),
        ("Thông báo số 56/TB-UBND ngày 02/12/2025 của UBND tỉnh Kon Tum về", "UBND tỉnh Kon Tum"),
        # a table's cell ends it: a tab (DOCX, PDF) or "|" (Markdown)
        (
            "Theo Quyết định số 1441/QĐ-UBND ngày 25/9/2025 của Chủ tịch UBND tỉnh\t\tVăn phòng UBND tỉnh",
            "Chủ tịch UBND tỉnh",
        ),
        ("| Quyết định số 5/QĐ-UBND ngày 01/02/2025 của UBND tỉnh | Sở Nội vụ |", "UBND tỉnh"),
        # a body whose name is whole ends before a word in lower case, but keeps an elected body's term
        (
            "Theo Điều 17 Nghị định số 52/2015/NĐ-CP ngày 28/5/2015 của Chính phủ cơ sở dữ liệu quốc gia",
            "Chính phủ",
        ),
        ("theo Quyết định số 92/2005/QĐ-TTg của Thủ tướng Chính phủ thì không hưởng", "Thủ tướng Chính phủ"),
        ("Nghị quyết số 27/2022/QH15 ngày 02/12/2022 của Quốc hội khóa XV về", "Quốc hội khóa XV"),
        # ... only where that body is the whole issuer
        (
            "Kế hoạch số 05/KH-ĐĐBQH ngày 10/01/2025 của Đoàn đại biểu Quốc hội tỉnh Lâm Đồng về giám sát",
            "Đoàn đại biểu Quốc hội tỉnh Lâm Đồng",
        ),
    ],
)
def test_where_an_issuer_ends(text, issuer):
    refs, _ = find_references(text)
    assert refs[-1].issuer == issuer
    assert text[refs[-1].span[0] : refs[-1].span[1]] == refs[-1].text


def test_a_list_closed_by_one_issuer_shares_it_only_among_alike_mentions():
    text = (
        "Tờ trình số 1494/TTr-SNV ngày 28/6/2018, Công văn số 2231/SNV-CCHC ngày 28/9/2018 và Báo cáo thẩm định "
        "số 18/BCTĐ-STP ngày 25/5/2018 của Sở Tư pháp."
    )
    assert [r.issuer for r in find_references(text)[0]] == [None, None, "Sở Tư pháp"]


def test_a_normative_symbol_with_a_slash_between_type_and_body_as_written_before_2004():
    text = "Căn cứ Quyết định số 1803/1998/QĐ/BTC ngày 11/12/1998 của Bộ trưởng Bộ Tài chính về việc ban hành"
    refs, _ = find_references(text)
    assert [(r.symbol, r.key, r.issuer, r.date) for r in refs] == [
        ("QĐ/BTC", "1803/1998/QĐ-BTC", "Bộ trưởng Bộ Tài chính", dt.date(1998, 12, 11))
    ]  # one key with "Quyết định số 1803/1998/QĐ-BTC"
    assert find_references("Quyết định số 1803/1998/QĐ-BTC")[0][0].key == refs[0].key
    # the slash stands after the type only: what follows a symbol is not read into it
    assert [r.key for r in find_references("Nghị định 61/2018/NĐ-CP/ND 107/2021/NĐ-CP")[0]] == [
        "61/2018/NĐ-CP",
        "107/2021/NĐ-CP",
    ]
