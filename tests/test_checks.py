"""Consistency rules: each catches its planted error and stays silent on consistent reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_extract import extract

from .conftest import CORPUS, extracted


def report_from(tmp_path: Path, text: str):
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    return extract(path)


def test_date_order_flags_a_citation_dated_after_the_report(tmp_path):
    text = (
        "Số: 05/BC-UBND\nAn Bình, ngày 10 tháng 3 năm 2024\n\nBÁO CÁO\nKết quả\n\nI. KẾT QUẢ\n"
        "Thực hiện Kế hoạch số 11/KH-UBND ngày 04/01/2024 và Quyết định số 20/QĐ-UBND ngày 15/4/2024.\n"
    )
    checks = [c for c in report_from(tmp_path, text).checks if c.rule == "date.order"]
    assert len(checks) == 1 and checks[0].severity == "warning"
    assert checks[0].where[0] == "20/QĐ-UBND/2024" and "15/04/2024" in checks[0].message


def test_date_order_flags_an_impossible_date_as_an_error():
    checks = [c for c in extracted(CORPUS / "001_thach_lam_district_2024.txt").checks if c.rule == "date.order"]
    assert [(c.severity, c.where[0]) for c in checks] == [("error", "88/QĐ-UBND/2024")]


@pytest.mark.parametrize("name", ["002_lam_son_province_2025.txt", "003_dinh_hung_plan_2025.md"])
def test_consistent_reports_raise_no_alarm(name):
    assert extracted(CORPUS / name).checks == []
