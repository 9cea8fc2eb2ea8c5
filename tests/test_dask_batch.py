"""batch --engine dask: the same rows as the built-in pool, from a local cluster or a scheduler
given by address; a worker killed mid-run or a client killed with kill -9 loses and doubles
nothing; Parquet beside the database."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from cchc_extract.batch import run_batch
from cchc_extract.export.database import open_store

from .conftest import CORPUS, extracted
from .test_batch import POSTGRES, _stored, corpus_files, counts
from .test_parquet import assert_parquet_matches_sqlite

# the columns that differ between two runs over the same files
_WHEN = {"extracted_at", "seconds"}


def batch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cchc_extract", "batch", *args], capture_output=True, text=True, timeout=600
    )


def contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted, without the columns that say when."""
    out = {}
    with sqlite3.connect(db) as connection:
        for table in ("documents", "sections", "doc_references", "figures", "table_rows", "checks", "failures"):
            cursor = connection.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            keep = [i for i, n in enumerate(names) if n not in _WHEN | {"id", "failed_at"}]
            out[table] = sorted((tuple(row[i] for i in keep) for row in cursor.fetchall()), key=repr)
    return out


def seed_copies(folder: Path, count: int) -> None:
    folder.mkdir()
    text = (CORPUS / "000_hoang_cat_2024h1.txt").read_text(encoding="utf-8")
    for k in range(count):
        (folder / f"r{k:03}.txt").write_text(text + f"\n{k}\n", encoding="utf-8")  # distinct files


def test_a_local_cluster_of_two_workers_stores_what_the_pool_stores(tmp_path):
    pool_db, dask_db = tmp_path / "pool.sqlite", tmp_path / "dask.sqlite"
    assert batch(str(CORPUS), "--db", str(pool_db), "--jobs", "2", "--quiet").returncode == 0
    dask = ("--engine", "dask", "--jobs", "2", "--parquet", str(tmp_path / "pq"))
    proc = batch(str(CORPUS), "--db", str(dask_db), *dask)
    assert proc.returncode == 0, proc.stderr
    assert f"done {len(corpus_files())}, skipped 0" in proc.stderr and "Traceback" not in proc.stderr
    assert contents(dask_db) == contents(pool_db)
    assert contents(dask_db)["documents"] and not contents(dask_db)["failures"]
    assert_parquet_matches_sqlite(tmp_path / "pq", dask_db)
    again = batch(str(CORPUS), "--db", str(dask_db), "--engine", "dask", "--parquet", str(tmp_path / "pq"))
    assert again.returncode == 0 and f"skipped {len(corpus_files())}" in again.stderr
    assert_parquet_matches_sqlite(tmp_path / "pq", dask_db)


def _workers(batch_pid: int) -> list[psutil.Process]:
    """The Dask worker processes a batch started: the children of its fork server."""
    family = psutil.Process(batch_pid).children(recursive=True)
    pids = {p.pid for p in family}
    return [p for p in family if p.ppid() in pids]


def test_a_worker_killed_mid_run_has_its_tasks_run_elsewhere_and_nothing_doubled(tmp_path):
    folder = tmp_path / "in"
    seed_copies(folder, 160)
    db = tmp_path / "r.sqlite"
    command = [sys.executable, "-m", "cchc_extract", "batch", str(folder), "--db", str(db), "--engine", "dask"]
    process = subprocess.Popen([*command, "--jobs", "2"], stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (db.exists() and _stored(db) >= 8):
            time.sleep(0.05)
        workers = _workers(process.pid)
        assert len(workers) == 2, workers
        stored_then = _stored(db)
        workers[0].kill()  # kill -9, in the middle of a task of several files
        _, stderr = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert stored_then < 160
    assert process.returncode == 0, stderr
    got = counts(db)
    per_document = len(extracted(CORPUS / "000_hoang_cat_2024h1.txt").references)
    assert got["documents"] == 160 and got["failures"] == 0
    assert got["doc_references"] == 160 * per_document


def test_a_client_killed_with_kill_9_finishes_on_rerun_without_loss_or_duplicates(tmp_path):
    folder = tmp_path / "in"
    seed_copies(folder, 150)
    db, parquet = tmp_path / "r.sqlite", tmp_path / "pq"
    command = [sys.executable, "-m", "cchc_extract", "batch", str(folder), "--db", str(db), "--engine", "dask"]
    command += ["--jobs", "2", "--parquet", str(parquet)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (db.exists() and _stored(db) >= 10):
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the client, its fork server and its workers
    process.wait()
    partial = _stored(db)
    assert 10 <= partial < 150, partial
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"done {150 - partial}, skipped {partial}" in rerun.stderr
    got = counts(db)
    per_document = len(extracted(CORPUS / "000_hoang_cat_2024h1.txt").references)
    assert got["documents"] == 150 and got["doc_references"] == 150 * per_document
    assert_parquet_matches_sqlite(parquet, db)  # what was committed but not yet in Parquet was written on rerun


def test_a_scheduler_given_by_address_runs_the_batch(tmp_path):
    """As on several machines: a scheduler and workers started apart from the batch."""
    distributed = pytest.importorskip("distributed")
    store = open_store(str(tmp_path / "r.sqlite"))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        files = [str(CORPUS / "001_thach_lam_district_2024.txt"), str(CORPUS / "002_lam_son_province_2025.pdf")]
        try:
            summary = run_batch(files, store, engine="dask", scheduler=cluster.scheduler_address)
        finally:
            store.close()
    assert (summary.done, summary.failed) == (2, 0)
    assert counts(tmp_path / "r.sqlite")["documents"] == 2


def test_a_document_over_the_time_limit_on_a_dask_worker_is_recorded_and_the_rest_done(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text((CORPUS / "000_hoang_cat_2024h1.txt").read_text(encoding="utf-8") * 240, encoding="utf-8")
    smalls = []
    for k in range(3):
        smalls.append(tmp_path / f"small{k}.txt")
        smalls[-1].write_text((CORPUS / "002_lam_son_province_2025.txt").read_text(encoding="utf-8") + f"\n{k}\n")
    store = open_store(str(tmp_path / "r.sqlite"))
    try:
        summary = run_batch([str(big), *map(str, smalls)], store, jobs=1, timeout=0.5, engine="dask")
    finally:
        store.close()
    assert (summary.done, summary.failed) == (3, 1)
    failed = next(o for o in summary.outcomes if o.status == "failed")
    assert failed.kind == "timeout" and Path(failed.path).name == "big.txt"


def test_a_scheduler_that_cannot_be_reached_is_one_line(tmp_path):
    proc = batch(
        str(CORPUS / "002_lam_son_province_2025.txt"),
        "--db",
        str(tmp_path / "r.sqlite"),
        "--engine",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("cchc-extract: error: tcp://127.0.0.1:9: cannot reach the Dask scheduler")
    wrong = batch(str(CORPUS / "002_lam_son_province_2025.txt"), "--scheduler", "tcp://127.0.0.1:9")
    assert wrong.returncode == 2 and "--scheduler is for --engine dask" in wrong.stderr


@pytest.mark.skipif(not POSTGRES, reason="set CCHC_TEST_POSTGRES to a PostgreSQL URL (.ci/run does)")
def test_dask_into_postgresql_with_parquet_gives_the_rows_of_the_pool(tmp_path):
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        for table in ("checks", "table_rows", "figures", "doc_references", "sections", "failures", "documents"):
            connection.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    files = [str(CORPUS / f"{stem}.{suffix}") for stem in ("000_hoang_cat_2024h1",) for suffix in ("txt", "pdf")]
    files.append(str(CORPUS / "003_dinh_hung_plan_2025.md"))
    proc = batch(*files, "--db", POSTGRES, "--engine", "dask", "--jobs", "2", "--parquet", str(tmp_path / "pq"))
    assert proc.returncode == 0, proc.stderr
    sqlite_db = tmp_path / "pool.sqlite"
    assert batch(*files, "--db", str(sqlite_db), "--quiet").returncode == 0
    with psycopg.connect(POSTGRES) as connection:
        pg = {t: connection.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in counts(sqlite_db)}
        keys = connection.execute("SELECT path, report_key FROM documents ORDER BY path").fetchall()
        cited = connection.execute("SELECT renderings FROM citations WHERE cited_key = '61/2018/NĐ-CP'").fetchall()
    assert pg == counts(sqlite_db)
    with sqlite3.connect(sqlite_db) as connection:
        assert keys == connection.execute("SELECT path, report_key FROM documents ORDER BY path").fetchall()
    assert sorted(cited) == [(1,), (2,)]  # the seed's two renderings, the plan's one: two reports
    assert_parquet_matches_sqlite(tmp_path / "pq", sqlite_db, volatile=True)


def test_the_core_commands_never_import_dask_or_pyarrow(tmp_path):
    db = tmp_path / "r.sqlite"
    script = (
        "import json, sys\n"
        "from cchc_extract.cli import main\n"
        "try:\n"
        "    main(json.loads(sys.argv[1]))\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'pyarrow'))\n"
        "print(json.dumps(heavy), file=sys.stderr)\n"
    )
    for args in (
        [str(CORPUS / "002_lam_son_province_2025.txt"), "--json"],
        ["batch", str(CORPUS / "002_lam_son_province_2025.txt"), "--db", str(db), "--quiet"],
        ["cites", "61/2018/NĐ-CP", "--db", str(db)],
        ["cited", "--db", str(db)],
    ):
        proc = subprocess.run([sys.executable, "-c", script, json.dumps(args)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stderr.strip().splitlines()[-1]) == [], args


@pytest.mark.parametrize(
    ("missing", "option", "says"),
    [
        ("distributed", ["--engine", "dask"], "pip install 'cchc-extract[dask]'"),
        ("pyarrow", ["--parquet", "lake"], "pip install 'cchc-extract[parquet]'"),
    ],
)
def test_an_extra_not_installed_is_one_line_naming_it(tmp_path, missing, option, says):
    script = (
        f"import sys; sys.modules[{missing!r}] = None\n"  # as if it were not installed
        "from cchc_extract.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    args = ["batch", str(CORPUS / "002_lam_son_province_2025.txt"), "--db", str(tmp_path / "r.sqlite"), *option]
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and says in proc.stderr
