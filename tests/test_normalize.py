"""Normalization: look-alikes, invisible characters, markup; spans stay honest."""

from __future__ import annotations

import pytest

from cchc_extract.normalize import clean_text

from .conftest import corpus_documents, extracted


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Nghị định 61/2018/N\u00d0-CP", "Nghị định 61/2018/NĐ-CP"),
        ("313\u00a0hồ sơ", "313 hồ sơ"),
        ("cải\u200bcách", "cảicách"),
        ("hành\u00adchính", "hànhchính"),
        ("\t<i>Tiếp nhận trực tiếp</i>\tSố lượng hồ sơ\t11", "\tTiếp nhận trực tiếp\tSố lượng hồ sơ\t11"),
        ("**I. TÌNH HÌNH**", "I. TÌNH HÌNH"),
        ("*Hà Nội, ngày 16 tháng 11 năm 2025*", "Hà Nội, ngày 16 tháng 11 năm 2025"),
        ("* *Cán bộ: 10 người*", "* Cán bộ: 10 người"),
        ("trên   địa  bàn  ", "trên địa bàn"),
        ("tại <http://hoangcat.gov.vn/web>", "tại <http://hoangcat.gov.vn/web>"),
        ("\ufeffSố: /BC-UBND", "Số: /BC-UBND"),
        ("** **", ""),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("path", corpus_documents(), ids=lambda p: p.name)
def test_every_record_text_is_the_text_at_its_span(path):
    report = extracted(path)
    text = report.text
    assert text is not None
    records = [*report.sections, *report.references, *report.figures, *report.appendices]
    assert records
    for record in records:
        start, end = record.span
        assert text[start:end] == record.text, record


@pytest.mark.parametrize(
    ("capitals", "written"),
    [
        ("UBND XÃ HOÀNG CÁT", "UBND xã Hoàng Cát"),
        ("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", "Ủy ban nhân dân tỉnh Đắk Lắk"),
        ("VĂN PHÒNG CHÍNH PHỦ", "Văn phòng Chính phủ"),
        ("BỘ XÂY DỰNG", "Bộ Xây dựng"),  # an agency's own name starts with a capital
        ("CỤC THUẾ", "Cục Thuế"),
        ("SỞ NỘI VỤ TỈNH NGHỆ AN", "Sở Nội vụ tỉnh Nghệ An"),
        ("ỦY BAN THƯỜNG VỤ QUỐC HỘI", "Ủy ban Thường vụ Quốc hội"),
        ("TỈNH ỦY BẮC NINH", "Tỉnh ủy Bắc Ninh"),
        ("Bộ Tài chính", "Bộ Tài chính"),  # mixed case is kept as written
    ],
)
def test_a_body_in_capitals_is_recased_as_running_text_writes_it(capitals, written):
    from cchc_extract.vietnamese import recase_body

    assert recase_body(capitals) == written
