"""Batch into a database: every file once, failures recorded, resumable after kill -9."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cchc_extract.batch import discover, run_batch
from cchc_extract.export import to_json
from cchc_extract.export.database import document_rows, open_store

from .conftest import CORPUS, extracted

POSTGRES = os.environ.get("CCHC_TEST_POSTGRES")  # .ci/run starts a server and sets this
TARGETS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not POSTGRES, reason="set CCHC_TEST_POSTGRES to a PostgreSQL URL (.ci/run does)"),
    ),
]
TABLES = ("checks", "table_rows", "figures", "doc_references", "sections", "failures", "documents")


def empty_store(target: str, tmp_path: Path):
    """An open store with the schema and no rows: a new SQLite file, or the test PostgreSQL database emptied."""
    store = open_store(str(tmp_path / "r.sqlite") if target == "sqlite" else str(POSTGRES))
    for table in TABLES:
        store.connection.execute(f"DELETE FROM {table}")
    store.connection.commit()
    return store


def batch(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cchc_extract", "batch", *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        tables = ("documents", "sections", "doc_references", "figures", "table_rows", "checks", "failures")
        return {t: connection.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


def corpus_files() -> list[Path]:
    files, _ = discover([str(CORPUS)])
    return files


def test_discover_takes_files_folders_and_globs(tmp_path):
    files, missing = discover([str(CORPUS), str(CORPUS / "00[01]*.txt"), str(tmp_path / "nowhere")])
    assert len(files) == len(set(files)) == len(corpus_files())
    assert [m.path for m in missing] == [str(tmp_path / "nowhere")]
    assert not any(p.suffix == ".py" for p in files)


def test_a_batch_stores_every_record_once_and_a_rerun_adds_nothing(tmp_path):
    db = tmp_path / "r.sqlite"
    first = batch(str(CORPUS), "--db", str(db), "--jobs", "2")
    assert first.returncode == 0, first.stderr
    expected = {
        "documents": len(corpus_files()),
        "doc_references": sum(len(extracted(p).references) for p in corpus_files()),
        "table_rows": sum(len(t.rows) for p in corpus_files() for t in extracted(p).tables),
    }
    got = counts(db)
    assert {k: got[k] for k in expected} == expected and got["failures"] == 0
    again = batch(str(CORPUS), "--db", str(db))
    assert again.returncode == 0 and f"skipped {expected['documents']}" in again.stderr
    assert counts(db) == got


def test_the_citations_view_answers_who_cites_what(tmp_path):
    db = tmp_path / "r.sqlite"
    assert (
        batch(
            str(CORPUS / "000_hoang_cat_2024h1.txt"), str(CORPUS / "001_thach_lam_district_2024.txt"), "--db", str(db)
        ).returncode
        == 0
    )
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT path, mentions FROM citations WHERE cited_key = '61/2018/NĐ-CP' ORDER BY path"
        ).fetchall()
        fk = connection.execute("PRAGMA foreign_key_list(doc_references)").fetchall()
    assert [(Path(p).name, n) for p, n in rows] == [
        ("000_hoang_cat_2024h1.txt", 3),
        ("001_thach_lam_district_2024.txt", 2),
    ]
    assert fk and fk[0][2] == "documents"


def test_a_broken_file_is_recorded_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes((CORPUS / "002_lam_son_province_2025.txt").read_bytes())
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "fake.docx").write_text("not a docx", encoding="utf-8")
    db = tmp_path / "r.sqlite"
    proc = batch(str(folder), str(tmp_path / "missing-folder"), "--db", str(db))
    assert proc.returncode == 1
    assert "done 1" in proc.stderr and "failed 3" in proc.stderr
    with sqlite3.connect(db) as connection:
        failures = connection.execute("SELECT path, kind, message FROM failures ORDER BY path").fetchall()
    kinds = {Path(p).name: (k, m) for p, k, m in failures}
    assert kinds["empty.pdf"][0] == "input" and "is empty" in kinds["empty.pdf"][1]
    assert "not a ZIP container" in kinds["fake.docx"][1]
    assert kinds["missing-folder"][0] == "input"
    assert "Traceback" not in proc.stderr
    rerun = batch(str(folder), "--db", str(db))
    assert counts(db)["failures"] == 3  # the same failures again replace, not duplicate, the rows
    assert rerun.returncode == 1


def test_a_document_over_the_time_limit_is_stopped_and_recorded(tmp_path):
    big = tmp_path / "big.txt"
    # some 6 MB: well over a second to extract, several times the limit below
    big.write_text((CORPUS / "000_hoang_cat_2024h1.txt").read_text(encoding="utf-8") * 240, encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_bytes((CORPUS / "002_lam_son_province_2025.txt").read_bytes())
    db = tmp_path / "r.sqlite"
    store = open_store(str(db))
    try:
        summary = run_batch([str(big), str(small)], store, jobs=1, timeout=0.3)
    finally:
        store.close()
    assert (summary.done, summary.failed) == (1, 1)
    failed = next(o for o in summary.outcomes if o.status == "failed")
    assert failed.kind == "timeout" and Path(failed.path).name == "big.txt"


def test_a_worker_that_dies_is_replaced_and_its_document_recorded(tmp_path, monkeypatch):
    import cchc_extract.pipeline as pipeline

    extract = pipeline.extract

    def dies_on_one(path, **kwargs):  # the forked worker runs this in place of the extractor
        if Path(path).name == "die.txt":
            os._exit(3)
        return extract(path, **kwargs)

    monkeypatch.setattr(pipeline, "extract", dies_on_one)
    files = []
    for name, source in (("a.txt", "001_thach_lam_district_2024.txt"), ("die.txt", "002_lam_son_province_2025.txt")):
        files.append(tmp_path / name)
        files[-1].write_bytes((CORPUS / source).read_bytes())
    files.append(tmp_path / "b.txt")
    files[-1].write_bytes((CORPUS / "004_an_phu_planted_errors_2025.txt").read_bytes())
    store = open_store(str(tmp_path / "r.sqlite"))
    try:
        summary = run_batch([str(f) for f in files], store, jobs=1, timeout=60)
    finally:
        store.close()
    assert (summary.done, summary.failed) == (2, 1)
    failed = next(o for o in summary.outcomes if o.status == "failed")
    assert failed.kind == "crash" and "died" in (failed.message or "") and Path(failed.path).name == "die.txt"
    assert counts(tmp_path / "r.sqlite")["documents"] == 2


def test_jsonl_streams_one_contract_object_per_line(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("", encoding="utf-8")
    proc = batch(
        str(CORPUS / "001_thach_lam_district_2024.txt"),
        str(CORPUS / "003_dinh_hung_plan_2025.md"),
        "--db",
        str(tmp_path / "r.sqlite"),
        "--jsonl",
        str(out),
        "--quiet",
    )
    assert proc.returncode == 0 and proc.stderr == ""
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert {json.loads(line)["metadata"]["number"] for line in lines} == {"215", "01"}


def test_a_killed_batch_finishes_on_the_next_run_without_duplicates(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = (CORPUS / "000_hoang_cat_2024h1.txt").read_text(encoding="utf-8")
    for k in range(120):
        (folder / f"r{k:03}.txt").write_text(text + f"\n{k}\n", encoding="utf-8")  # 120 distinct files
    db = tmp_path / "r.sqlite"
    command = [sys.executable, "-m", "cchc_extract", "batch", str(folder), "--db", str(db), "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and stored < 10:
        time.sleep(0.05)
        if db.exists():
            stored = _stored(db)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    partial = counts(db)["documents"]
    assert 10 <= partial < 120, partial
    rerun = batch(str(folder), "--db", str(db), "--jobs", "2")
    assert rerun.returncode == 0, rerun.stderr
    final = counts(db)
    assert final["documents"] == 120
    per_document = len(extracted(CORPUS / "000_hoang_cat_2024h1.txt").references)
    assert final["doc_references"] == 120 * per_document


def test_ctrl_c_stops_a_batch_with_one_line_and_the_next_run_finishes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = (CORPUS / "000_hoang_cat_2024h1.txt").read_text(encoding="utf-8")
    for k in range(400):
        (folder / f"r{k:03}.txt").write_text(text + f"\n{k}\n", encoding="utf-8")
    db = tmp_path / "r.sqlite"
    command = [sys.executable, "-m", "cchc_extract", "batch", str(folder), "--db", str(db), "--jobs", "2"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (db.exists() and _stored(db) >= 10):
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: the parent and its workers
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in stderr and "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert 10 <= _stored(db) < 400
    rerun = batch(str(folder), "--db", str(db), "--jobs", "2")
    assert rerun.returncode == 0 and counts(db)["documents"] == 400


def _stored(db: Path) -> int:
    try:
        return counts(db)["documents"]
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("target", TARGETS)
def test_a_group_commit_keeps_each_document_whole_or_absent(tmp_path, target):
    store = empty_store(target, tmp_path)
    try:
        good, bad, other = (
            extracted(CORPUS / name)
            for name in ("000_hoang_cat_2024h1.txt", "001_thach_lam_district_2024.txt", "002_lam_son_province_2025.txt")
        )
        rows = [document_rows(r, to_json(r, indent=None)) for r in (good, bad, other)]
        table, columns, sections = rows[1][1]
        rows[1][1] = (table, columns, [*sections, sections[0]])  # the same section twice: the database refuses it
        errors = store.write(rows)
        assert [e is None for e in errors] == [True, False, True]
        cursor = store.connection.cursor()
        cursor.execute("SELECT sha256 FROM documents")
        assert {row[0] for row in cursor.fetchall()} == {good.source.sha256, other.source.sha256}
        cursor.execute("SELECT COUNT(*) FROM sections")
        assert cursor.fetchone()[0] == len(good.sections) + len(other.sections)  # none of the refused one's
        assert store.write(rows[:1]) == [None]  # already stored: nothing added, no error
        cursor.execute("SELECT COUNT(*) FROM documents")
        assert cursor.fetchone()[0] == 2
    finally:
        store.close()


@pytest.mark.skipif(not POSTGRES, reason="set CCHC_TEST_POSTGRES to a PostgreSQL URL (.ci/run does)")
def test_postgresql_gets_the_same_schema_and_rows(tmp_path):
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        for table in ("checks", "table_rows", "figures", "doc_references", "sections", "failures"):
            connection.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        connection.execute("DROP TABLE IF EXISTS documents CASCADE")
    files = [str(CORPUS / "000_hoang_cat_2024h1.txt"), str(CORPUS / "004_an_phu_planted_errors_2025.txt")]
    assert batch(*files, "--db", POSTGRES).returncode == 0
    assert batch(*files, "--db", POSTGRES).returncode == 0  # a second run adds nothing
    sqlite_db = tmp_path / "r.sqlite"
    assert batch(*files, "--db", str(sqlite_db)).returncode == 0
    with psycopg.connect(POSTGRES) as connection:
        pg = {t: connection.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in counts(sqlite_db)}
        cited = connection.execute("SELECT mentions FROM citations WHERE cited_key = '61/2018/NĐ-CP'").fetchall()
    assert pg == counts(sqlite_db)
    assert cited == [(3,)]


def test_a_database_target_that_is_a_folder_is_a_clear_error(tmp_path):
    proc = batch(str(CORPUS / "002_lam_son_province_2025.txt"), "--db", str(tmp_path))
    assert proc.returncode == 2 and "is a folder" in proc.stderr


def test_a_database_that_fails_mid_batch_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    from cchc_extract import cli
    from cchc_extract.export.database import Store

    def full(self, documents):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "write", full)
    db = tmp_path / "r.sqlite"
    with pytest.raises(SystemExit) as stop:
        cli.main(["batch", str(CORPUS / "002_lam_son_province_2025.txt"), "--db", str(db), "--quiet"])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.strip().splitlines() == [
        f"cchc-extract: error: {db}: database failed: database or disk is full; every document stored is whole"
    ]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--jobs", "0", "--jobs must be between 1 and 64, not 0"),
        ("--jobs", "-1", "--jobs must be between 1 and 64, not -1"),
        ("--jobs", "100000", "--jobs must be between 1 and 64, not 100000"),
        ("--timeout", "0", "--timeout must be a number of seconds above 0, not 0.0"),
        ("--timeout", "-1", "--timeout must be a number of seconds above 0, not -1.0"),
        ("--timeout", "nan", "--timeout must be a number of seconds above 0, not nan"),
        ("--timeout", "inf", "--timeout must be a number of seconds above 0, not inf"),
    ],
)
def test_options_out_of_range_are_one_line_and_create_nothing(tmp_path, option, value, message):
    db = tmp_path / "r.sqlite"
    proc = batch(str(CORPUS / "002_lam_son_province_2025.txt"), "--db", str(db), option, value)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"cchc-extract: error: {message}"]
    assert not db.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_and_recorded_not_waited_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes((CORPUS / "002_lam_son_province_2025.txt").read_bytes())
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(tmp_path / "named.md")
    db = tmp_path / "r.sqlite"
    proc = batch(str(folder), str(tmp_path / "named.md"), "--db", str(db))  # the 300 s limit would be a hang
    assert proc.returncode == 1 and "done 1" in proc.stderr and "failed 2" in proc.stderr
    with sqlite3.connect(db) as connection:
        failures = dict(connection.execute("SELECT path, message FROM failures").fetchall())
    assert set(failures) == {str(folder / "pipe.txt"), str(tmp_path / "named.md")}
    assert all("is a FIFO (named pipe), not a regular file" in m for m in failures.values())


def _distinct_copies(folder: Path, count: int) -> None:
    folder.mkdir()
    text = (CORPUS / "001_thach_lam_district_2024.txt").read_text(encoding="utf-8")
    for k in range(count):
        (folder / f"r{k:03}.txt").write_text(text + f"\n{k}\n", encoding="utf-8")


@pytest.mark.parametrize("target", TARGETS)
def test_two_batches_on_one_database_wait_for_each_other_and_record_no_false_failure(tmp_path, target):
    folder = tmp_path / "in"
    _distinct_copies(folder, 150)
    db = str(tmp_path / "r.sqlite") if target == "sqlite" else str(POSTGRES)
    empty_store(target, tmp_path).close()  # both start on the same schema, and nothing else
    command = [sys.executable, "-m", "cchc_extract", "batch", str(folder), "--db", db, "--jobs", "1"]
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(run.wait(timeout=300), run.stderr.read() if run.stderr else "") for run in runs]
    for run in runs:
        if run.stderr:
            run.stderr.close()
    assert [code for code, _ in results] == [0, 0], results
    assert all("failed 0" in err for _, err in results)
    store = open_store(db)
    try:
        cursor = store.connection.cursor()
        got = {}
        for table in ("documents", "failures"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            got[table] = cursor.fetchone()[0]
    finally:
        store.close()
    assert got == {"documents": 150, "failures": 0}


def test_failures_of_documents_stored_since_are_forgotten(tmp_path):
    path = CORPUS / "002_lam_son_province_2025.txt"
    db = tmp_path / "r.sqlite"
    assert batch(str(path), "--db", str(db)).returncode == 0
    sha = extracted(path).source.sha256
    with sqlite3.connect(db) as connection:  # as another batch left it: "database is locked" on a stored file
        connection.execute(
            "INSERT INTO failures (path, sha256, kind, message, failed_at) VALUES (?, ?, 'database', 'locked', 'x')",
            (str(path), sha),
        )
    assert counts(db)["failures"] == 1
    rerun = batch(str(path), "--db", str(db))
    assert rerun.returncode == 0 and "skipped 1" in rerun.stderr
    assert counts(db)["failures"] == 0


def _small_disk(path: str):
    """An SQLite store that can grow by only a few pages: writing fills it as a full disk does."""
    store = open_store(path)
    pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
    store.connection.execute(f"PRAGMA max_page_count = {pages + 3}")
    return store


def test_a_full_disk_is_raised_as_itself_not_as_a_lost_savepoint(tmp_path):
    store = _small_disk(str(tmp_path / "r.sqlite"))
    try:
        reports = [extracted(p) for p in corpus_files() if p.suffix in (".txt", ".md")]
        with pytest.raises(sqlite3.OperationalError, match="database or disk is full"):
            store.write([document_rows(r, to_json(r, indent=None)) for r in reports])
        assert store.known() == set()
    finally:
        store.close()


def test_a_full_disk_mid_batch_is_named_in_the_one_line(tmp_path, monkeypatch, capsys):
    from cchc_extract import cli
    from cchc_extract.export import database

    monkeypatch.setattr(database, "open_store", _small_disk)
    db = tmp_path / "r.sqlite"
    with pytest.raises(SystemExit) as stop:
        cli.main(["batch", str(CORPUS), "--db", str(db), "--quiet", "--jobs", "1"])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.strip().splitlines() == [
        f"cchc-extract: error: {db}: database failed: database or disk is full; every document stored is whole"
    ]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find the workers")
@pytest.mark.parametrize("how", ["parent-death signal", "lifeline pipe alone"])
def test_no_worker_outlives_a_parent_killed_with_sigkill(tmp_path, how):
    folder = tmp_path / "in"
    _distinct_copies(folder, 400)
    script = (
        "import sys\nfrom cchc_extract import batch, cli\n"
        "batch._PARENT_DEATH_SIGNAL = sys.argv[1] == 'parent-death signal'\ncli.main(sys.argv[2:])"
    )
    command = [sys.executable, "-c", script, how, "batch", str(folder), "--db", str(tmp_path / "r.sqlite")]
    parent = subprocess.Popen([*command, "--jobs", "2"], stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.05)
        workers = [pid for pid in _children(parent.pid) if _alive(pid)]
    assert len(workers) == 2
    os.kill(parent.pid, signal.SIGKILL)  # the parent alone, not its process group
    parent.wait()
    time.sleep(5)
    assert [pid for pid in workers if _alive(pid)] == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find the workers")
def test_sigterm_stops_a_batch_as_ctrl_c_does(tmp_path):
    folder = tmp_path / "in"
    _distinct_copies(folder, 400)
    db = tmp_path / "r.sqlite"
    command = [sys.executable, "-m", "cchc_extract", "batch", str(folder), "--db", str(db), "--jobs", "2"]
    parent = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (db.exists() and _stored(db) >= 10):
        time.sleep(0.05)
    workers = _children(parent.pid)
    parent.terminate()
    _, stderr = parent.communicate(timeout=60)
    assert parent.returncode == 143
    assert stderr.strip().splitlines() == [
        "cchc-extract: batch interrupted; every document stored is whole: run the same command again to finish"
    ]
    assert workers and [pid for pid in workers if _alive(pid)] == []


def test_a_time_limit_that_kills_workers_all_the_time_loses_no_file(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "fuzz.batch_timeouts", "--runs", "2", "--files", "24", "--timeout", "0.05"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 of 2 runs finished with every file stored or recorded" in proc.stdout
    assert "timeout" in proc.stdout  # the limit did stop workers


class _RacedPool:
    """A pool whose one worker finished task 0 and began task 1 just as the parent judged task 0
    overdue: the race that used to lose task 1 (and hang the batch) with a shared queue."""

    def __init__(self):
        alive = type("Process", (), {"is_alive": lambda self: True})()
        self.workers = [type("Worker", (), {"process": alive, "queued": [0, 1, 2]})()]
        self.stopped = 0

    def running_since(self, slot):
        return 0, time.monotonic() - 10  # as read before the kill: task 0, ten seconds in

    def stop(self, slot):
        self.stopped += 1
        done = {"status": "done", "seconds": 9.9, "rows": [], "json": "{}"}
        # once dead: its result for 0 was in the pipe, and it had just begun task 1
        return [(slot, 0, done)], 1, time.monotonic() - 0.001, [0, 1, 2]

    def settle(self, slot, index, path):
        pass


def test_a_kill_that_races_the_next_task_loses_nothing(tmp_path):
    from cchc_extract.batch import Summary, Writer, _Driver

    store = open_store(str(tmp_path / "r.sqlite"))
    try:
        todo = [(tmp_path / f"{k}.txt", f"{k:064}") for k in range(3)]
        writer = Writer(store, todo, Summary())
        driver = _Driver(_RacedPool(), writer, 5.0)
        driver.pending.clear()  # all three were handed to the one worker
        driver.watch(0)
    finally:
        store.close()
    assert [index for index, _ in writer.extracted] == [0]  # its result counts
    assert list(driver.pending) == [1, 2]  # begun a moment ago, and never begun: both run again
    assert writer.summary.failed == 0 and driver.settled == {0}


def test_the_citations_view_leaves_out_mentions_of_a_report_own_number(tmp_path):
    import sqlite3

    from cchc_extract.export.database import document_rows, open_store
    from cchc_extract.export.json import to_json
    from cchc_extract.pipeline import extract_raw
    from cchc_extract.readers import Block, RawDocument

    text = (
        "UBND TỈNH MẪU\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 12/KH-UBND\tMẫu, ngày 05 tháng 3 năm 2025\n"
        "KẾ HOẠCH\nThực hiện\nI. NỘI DUNG\n"
        "Thực hiện Nghị định số 61/2018/NĐ-CP; Kế hoạch số 12/KH-UBND ngày 05/3/2025.\n"
    )
    report = extract_raw(RawDocument(path="k.txt", format="txt", sha256="a" * 64, blocks=[Block(text)]))
    assert [r.self for r in report.references] == [False, True]
    store = open_store(str(tmp_path / "r.sqlite"))
    store.write([document_rows(report, to_json(report))])
    store.close()
    rows = sqlite3.connect(tmp_path / "r.sqlite").execute("SELECT cited_key FROM citations").fetchall()
    assert rows == [("61/2018/NĐ-CP",)]


def test_a_database_made_before_the_new_columns_gains_them(tmp_path):
    import sqlite3

    from cchc_extract.export.database import open_store

    path = tmp_path / "old.sqlite"
    open_store(str(path)).close()
    connection = sqlite3.connect(path)
    connection.execute("DROP VIEW citations")
    connection.execute("ALTER TABLE doc_references DROP COLUMN self_mention")
    connection.execute("ALTER TABLE figures DROP COLUMN unit_family")
    connection.commit()
    connection.close()
    open_store(str(path)).close()
    connection = sqlite3.connect(path)
    columns = {row[1] for row in connection.execute("PRAGMA table_info(doc_references)")}
    assert "self_mention" in columns
    assert "unit_family" in {row[1] for row in connection.execute("PRAGMA table_info(figures)")}
    assert (
        "self_mention = 0" in connection.execute("SELECT sql FROM sqlite_master WHERE name = 'citations'").fetchone()[0]
    )
