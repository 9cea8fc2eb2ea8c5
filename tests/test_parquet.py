"""batch --parquet DIR: one dataset per record kind, the database's rows and types, appended on
rerun without duplicates, readable by pyarrow and DuckDB."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cchc_extract.export.parquet import DATASETS, ParquetSink, column_types

from .conftest import CORPUS

# columns whose value is the time of the run, which a rerun from the database keeps
_VOLATILE = {"extracted_at", "seconds", "failed_at"}


def batch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cchc_extract", "batch", *args], capture_output=True, text=True, timeout=600
    )


def _plain(value: object) -> object:
    """A Parquet value as SQLite holds it: dates and times as ISO text, booleans as 0/1."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def assert_parquet_matches_sqlite(folder: Path, db: Path, *, volatile: bool = False) -> None:
    """Every dataset read back with pyarrow holds the rows of its SQLite table, no more, once
    each, with the stable column types (``volatile``: leave out the times of the run, for a
    database written by another run)."""
    schemas = column_types()
    with sqlite3.connect(db) as connection:
        for name, table in DATASETS.items():
            read = pq.read_table(folder / name)
            assert read.schema.equals(schemas[name]), name
            columns = [c for c in read.column_names if not (volatile and c in _VOLATILE)]
            cursor = connection.execute(f"SELECT {', '.join(columns)} FROM {table}")
            stored = sorted(cursor.fetchall(), key=repr)
            exported = sorted(
                (tuple(_plain(row[c]) for c in columns) for row in read.select(columns).to_pylist()), key=repr
            )
            assert exported == stored, name


def test_parquet_holds_the_database_rows_and_a_rerun_adds_nothing(tmp_path):
    db, folder = tmp_path / "r.sqlite", tmp_path / "lake"
    (tmp_path / "empty.pdf").write_bytes(b"")
    proc = batch(str(CORPUS), str(tmp_path / "empty.pdf"), "--db", str(db), "--parquet", str(folder), "--quiet")
    assert proc.returncode == 1, proc.stderr  # the empty file failed, and is in failures
    assert_parquet_matches_sqlite(folder, db)
    assert pq.read_table(folder / "failures").num_rows == 1
    parts = sorted(p.name for p in (folder / "documents").iterdir())
    rerun = batch(str(CORPUS), str(tmp_path / "empty.pdf"), "--db", str(db), "--parquet", str(folder), "--quiet")
    assert rerun.returncode == 1
    assert sorted(p.name for p in (folder / "documents").iterdir()) == parts  # nothing written twice
    assert_parquet_matches_sqlite(folder, db)


def test_documents_stored_without_parquet_are_written_from_the_database(tmp_path):
    db, folder = tmp_path / "r.sqlite", tmp_path / "lake"
    files = [str(CORPUS / "000_hoang_cat_2024h1.txt"), str(CORPUS / "003_dinh_hung_plan_2025.md")]
    assert batch(files[0], "--db", str(db), "--quiet").returncode == 0
    proc = batch(*files, "--db", str(db), "--parquet", str(folder))
    assert "done 1, skipped 1" in proc.stderr  # the stored one is not extracted again
    assert_parquet_matches_sqlite(folder, db)  # its rows come from its stored report, times included


def test_a_publication_cut_short_is_removed_and_its_documents_written_again(tmp_path):
    db, folder = tmp_path / "r.sqlite", tmp_path / "lake"
    files = [str(CORPUS / "001_thach_lam_district_2024.txt"), str(CORPUS / "004_an_phu_planted_errors_2025.txt")]
    assert batch(*files, "--db", str(db), "--parquet", str(folder), "--quiet").returncode == 0
    # as a kill between the renames leaves it: the sections part renamed, the documents part not
    (part,) = (folder / "documents").glob("part-*.parquet")
    part.rename(part.with_name(f".{part.name}.tmp"))
    (folder / "figures" / ".part-x-00009.parquet.tmp").write_bytes(b"half a file")
    assert batch(*files, "--db", str(db), "--parquet", str(folder), "--quiet").returncode == 0
    assert not list(folder.glob("*/.*.tmp"))
    assert_parquet_matches_sqlite(folder, db)


def test_every_dataset_reads_in_duckdb_even_an_empty_one(tmp_path):
    duckdb = pytest.importorskip("duckdb").connect()
    db, folder = tmp_path / "r.sqlite", tmp_path / "lake"
    # no file fails: failures is a file of no rows
    assert batch(str(CORPUS / "003_dinh_hung_plan_2025.md"), "--db", str(db), "--parquet", str(folder)).returncode == 0
    for name in DATASETS:
        count = duckdb.execute(f"SELECT COUNT(*) FROM read_parquet('{folder / name}/*.parquet')").fetchall()[0][0]
        with sqlite3.connect(db) as connection:
            assert count == connection.execute(f"SELECT COUNT(*) FROM {DATASETS[name]}").fetchone()[0], name
    cited = duckdb.execute(
        f"SELECT DISTINCT d.issuer, r.key FROM read_parquet('{folder}/references/*.parquet') r"
        f" JOIN read_parquet('{folder}/documents/*.parquet') d ON d.sha256 = r.document WHERE r.key = '61/2018/NĐ-CP'"
    ).fetchall()
    assert cited == [("Ủy ban nhân dân xã Định Hưng", "61/2018/NĐ-CP")]
    described = duckdb.execute(f"DESCRIBE SELECT * FROM read_parquet('{folder}/references/*.parquet')").fetchall()
    kinds = {row[0]: row[1] for row in described}
    assert (kinds["date"], kinds["self_mention"], kinds["year"]) == ("DATE", "BOOLEAN", "BIGINT")


def test_one_batch_at_a_time_writes_a_folder(tmp_path):
    first = ParquetSink(tmp_path)
    try:
        with pytest.raises(Exception, match="another batch is writing Parquet here"):
            ParquetSink(tmp_path)
    finally:
        first.close()
    ParquetSink(tmp_path).close()  # free again
