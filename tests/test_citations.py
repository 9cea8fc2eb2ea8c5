"""One report, one identity: renderings grouped under a report_key; citations count reports."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from cchc_extract.export import to_json
from cchc_extract.export.database import document_rows, open_store
from cchc_extract.identity import canonical_key, report_identity, text_fingerprint

from .conftest import CORPUS, extracted

SEED, DISTRICT = "000_hoang_cat_2024h1", "001_thach_lam_district_2024"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cchc_extract", *args], capture_output=True, text=True, timeout=300)


def three_formats(stem: str) -> list[str]:
    return [str(CORPUS / f"{stem}.{suffix}") for suffix in ("txt", "docx", "pdf")]


def test_the_same_report_in_three_formats_is_cited_once(tmp_path):
    db = tmp_path / "r.sqlite"
    assert run("batch", *three_formats(SEED), *three_formats(DISTRICT), "--db", str(db), "--quiet").returncode == 0
    with sqlite3.connect(db) as connection:
        keys = dict(connection.execute("SELECT path, report_key FROM documents").fetchall())
        rows = connection.execute(
            "SELECT path, mentions, renderings FROM citations WHERE cited_key = '61/2018/NĐ-CP' ORDER BY path"
        ).fetchall()
    seed_keys = {keys[p] for p in three_formats(SEED)}
    district_keys = {keys[p] for p in three_formats(DISTRICT)}
    # the seed's header has no number ("Số: /BC-UBND"): its renderings are one report by their words
    assert len(seed_keys) == 1 and next(iter(seed_keys)).startswith("text:")
    assert district_keys == {"Báo cáo 215/BC-UBND 2024-12-15 ủy ban nhân dân huyện thạch lâm"}
    # one row per report, shown by its first file, with the mentions of one rendering
    assert rows == [(str(CORPUS / f"{SEED}.docx"), 3, 3), (str(CORPUS / f"{DISTRICT}.docx"), 2, 3)]

    cites = run("cites", "61/2018/nđ-cp", "--db", str(db))
    assert cites.returncode == 0, cites.stderr
    lines = cites.stdout.splitlines()
    assert lines[0] == "61/2018/NĐ-CP: cited by 2 report(s)"
    assert lines[1] == "  04/06/2024  UBND xã Hoàng Cát  Báo cáo —/BC-UBND: 3 mention(s), 3 file(s)"
    assert [line.strip() for line in lines[2:5]] == sorted(three_formats(SEED))
    assert lines[5] == "  15/12/2024  UBND huyện Thạch Lâm  Báo cáo 215/BC-UBND: 2 mention(s), 3 file(s)"
    as_json = run("cites", "61/2018/NĐ-CP", "--db", str(db), "--json").stdout.splitlines()
    found = [(r["date"], r["number"], len(r["paths"])) for r in map(json.loads, as_json)]
    assert found == [("2024-06-04", None, 3), ("2024-12-15", "215", 3)]

    cited = run("cited", "--db", str(db), "--json", "--limit", "3")
    ranked = [json.loads(line) for line in cited.stdout.splitlines()]
    assert ranked[0] == {
        "key": "61/2018/NĐ-CP",
        "doc_type": "Nghị định",
        "reports": 2,
        "mentions": 5,
        "date": "2018-04-23",
        "issuer": "Chính phủ",
    }
    assert all(entry["reports"] <= 2 for entry in ranked)  # never a count of files
    with sqlite3.connect(db) as connection:
        by_files = connection.execute(
            "SELECT COUNT(DISTINCT document) FROM doc_references WHERE key = '61/2018/NĐ-CP'"
        ).fetchone()[0]
    assert by_files == 6


def test_a_rendering_without_its_header_joins_its_report_by_its_words(tmp_path):
    """The OCR of a scan misses the number: its words still say which report it is."""
    report = extracted(CORPUS / f"{DISTRICT}.txt")
    fingerprint = text_fingerprint(report.text or "")
    blind = report.model_copy(
        update={
            "metadata": report.metadata.model_copy(update={"number": None}),
            "source": report.source.model_copy(update={"sha256": "b" * 64, "path": "scan.pdf"}),
        }
    )
    other = extracted(CORPUS / "002_lam_son_province_2025.txt")
    store = open_store(str(tmp_path / "r.sqlite"))
    try:
        # the rendering without a number first: the report's key is its words', and stays
        store.write([document_rows(blind, to_json(blind), fingerprint=fingerprint)])
        store.write(
            [
                document_rows(report, to_json(report), fingerprint=fingerprint),
                document_rows(other, to_json(other), fingerprint=text_fingerprint(other.text or "")),
            ]
        )
        rows = store.connection.execute("SELECT path, identity, report_key FROM documents ORDER BY path").fetchall()
    finally:
        store.close()
    keys = {Path(path).name: key for path, _, key in rows}
    assert keys["scan.pdf"] == keys[f"{DISTRICT}.txt"] == fingerprint
    assert keys["002_lam_son_province_2025.txt"] == "Báo cáo 47/BC-UBND 2025-07-10 ủy ban nhân dân tỉnh lam sơn"
    assert [identity is None for path, identity, _ in rows if Path(path).name == "scan.pdf"] == [True]


def test_identity_and_fingerprint_ignore_what_renderings_change():
    metadata = extracted(CORPUS / f"{DISTRICT}.txt").metadata
    padded = metadata.model_copy(update={"number": "0215", "issuer_normalized": "ỦY BAN NHÂN DÂN  huyện Thạch Lâm"})
    assert report_identity(padded) == report_identity(metadata)
    assert report_identity(metadata.model_copy(update={"date": None})) is None
    a = "BÁO CÁO\nSố: 12/BC-UBND\nĐơn vị\t139\tthủ tục"
    assert text_fingerprint(a) == text_fingerprint("báo cáo số 12 bc ubnd\nthủ tục 139 đơn vị")
    assert text_fingerprint(a) != text_fingerprint(a.replace("139", "138"))


def test_keys_are_looked_up_as_the_extractor_spells_them():
    assert canonical_key("61/2018/nđ-cp") == "61/2018/NĐ-CP"
    assert canonical_key(" 61/2018/NÐ- CP") == "61/2018/NĐ-CP"  # U+00D0, a look-alike of Đ
    assert canonical_key("22-kh/tu") == "22-KH/TU"
    assert canonical_key("01/qđ-ubnd/2024") == "01/QĐ-UBND/2024"
    assert canonical_key("26/ct-ttg/2016") == "26/CT-TTg/2016"


def test_a_query_of_a_database_that_is_not_there_is_one_line(tmp_path):
    proc = run("cites", "61/2018/NĐ-CP", "--db", str(tmp_path / "none.sqlite"))
    assert proc.returncode == 2 and proc.stderr.strip().endswith("none.sqlite: no such file")
    assert not (tmp_path / "none.sqlite").exists()
    empty = tmp_path / "empty.sqlite"
    open_store(str(empty)).close()
    assert run("cited", "--db", str(empty)).stdout.strip() == "no stored report cites anything"
    assert run("cites", "1/2000/NĐ-CP", "--db", str(empty)).stdout.strip() == "1/2000/NĐ-CP: no stored report cites it"
