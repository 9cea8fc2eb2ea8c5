"""Batch digitization: many reports, in parallel, into a database, resumable, nothing lost.

The parent process finds the files, hashes each one, skips what the database
already holds, and hands the rest to worker processes a quarter second of work
ahead, each on a task pipe of its own (memory is bounded by the work in flight,
not by the size of the batch, and the parent knows which tasks each worker holds).
Each worker writes the task it runs to shared memory and sends results on a pipe
of its own; one that passes the per-document time limit is killed with its
process group and replaced, its file recorded as a failure and the files it had
not begun given to the others; so is any file the extractor refuses. Workers die
with the parent however it ends (see ``_die_with_parent``). Workers turn each
report into rows; only the parent writes them, a group of documents per commit
(at most 64, or every half second), each document whole or absent (see
``Store.write``), so a kill -9 or a Ctrl-C loses at most the uncommitted group,
and running the batch again finishes the rest.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import hashlib
import math
import multiprocessing as mp
import multiprocessing.connection as mp_connection
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CchcError, InputError, InternalError, OptionError, first_line
from .export.database import Store
from .i18n import number, t
from .readers import open_regular, supported_suffixes


@dataclass
class Outcome:
    path: str
    status: str  # done, skipped, failed
    seconds: float = 0.0
    kind: str | None = None
    message: str | None = None


@dataclass
class Summary:
    done: int = 0
    skipped: int = 0
    failed: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    peak_memory_kb: int = 0
    pages: list[Any] = field(default_factory=list)  # export.html.IndexEntry of each review page written

    def slowest(self, n: int = 5) -> list[Outcome]:
        return sorted((o for o in self.outcomes if o.status == "done"), key=lambda o: -o.seconds)[:n]


MAX_JOBS = 64


def check_options(jobs: int | None, timeout: float) -> int | None:
    """Refuse a worker count outside 1..64 and a time limit that is not a positive finite number;
    return the worker count to use (None: the CPU count, at most 64)."""
    if jobs is not None and not 1 <= jobs <= MAX_JOBS:
        raise OptionError(None, "error.option.jobs", limit=MAX_JOBS, value=str(jobs))
    if not (math.isfinite(timeout) and timeout > 0):
        raise OptionError(None, "error.option.timeout", value=str(timeout))
    return jobs


def discover(inputs: Iterable[str]) -> tuple[list[Path], list[Outcome]]:
    """Files from paths, folders (recursive) and globs; inputs that match nothing are failures.

    Anything named that is not a folder is taken, FIFOs and devices too: reading it
    refuses it with a clear line, and the batch records it instead of passing it over.
    """
    suffixes = set(supported_suffixes())
    files: list[Path] = []
    missing: list[Outcome] = []
    for item in inputs:
        candidates = (
            [Path(p) for p in sorted(glob.glob(item, recursive=True))] if glob.has_magic(item) else [Path(item)]
        )
        if not candidates or not any(c.exists() for c in candidates):
            missing.append(Outcome(item, "failed", kind="input", message=f"{item}: {t('error.input.missing_any')}"))
            continue
        for candidate in candidates:
            if candidate.is_dir():
                files.extend(sorted(p for p in candidate.rglob("*") if p.suffix.lower() in suffixes and not p.is_dir()))
            elif candidate.exists():
                files.append(candidate)
    unique = list(dict.fromkeys(files))
    return unique, missing


def _hash(path: Path) -> str:
    """The file's sha256; a file that cannot be read, or is no regular file, is an ``InputError``."""
    digest = hashlib.sha256()
    try:
        with open_regular(path) as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise InputError(path, "error.input.unreadable", reason=exc.strerror or str(exc)) from exc
    return digest.hexdigest()


# Extracted documents are committed in groups: at most this many, or as old as this.
_GROUP = 64
_GROUP_SECONDS = 0.5
# Each worker has its own queue of tasks, kept this many seconds of work deep (by the
# mean time of the documents so far), between 2 and 32 files: enough to keep it busy
# while the writer commits a group, few enough that a slow file holds up little
# behind it and memory stays bounded by the work in flight.
_QUEUED_SECONDS = 0.25
_QUEUED_MIN, _QUEUED_MAX = 2, 32
_QUEUED_BYTES = 32 * 1024  # and never more path bytes than a pipe holds without blocking


# --- workers ------------------------------------------------------------------


def _worker(
    slot: int,
    tasks: Any,
    results: Any,
    running: Any,
    since: Any,
    lifeline: tuple[int, int] | None,
    encoding: str = "auto",
    html: str | None = None,
    ocr: Any = None,
) -> None:
    """Extract the files sent on this worker's own ``tasks`` pipe; send each outcome on ``results``.

    What the worker is running is written to shared memory (``since[slot]``, when it
    began, then ``running[slot]``, the task), so that the parent can enforce the time
    limit without a message per start; the parent reads it again once the worker is
    dead, when it can no longer change. A result, once sent, sits in the pipe even if
    the worker dies next.
    """
    _die_with_parent(lifeline)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if task is None:
            return
        index, path, sha = task
        since[slot] = time.monotonic()
        running[slot] = index
        payload = process_file(path, sha, encoding, html, ocr)
        results.send((index, payload))
        running[slot] = -1


def process_file(
    path: str, sha: str | None, encoding: str = "auto", html: str | None = None, ocr: Any = None
) -> dict[str, Any]:
    """One document's work, wherever it runs (a worker process of the batch, a Dask worker):
    extract it and turn it into rows; return a payload of plain values for the writer.

    ``sha``: the file's sha256 as the batch read it; a file that reads otherwise here (it
    changed since, or the path names another file on a Dask worker's machine) is a
    failure, so that what is stored is always what was planned. The review page, if
    any, is written into the folder ``html``.
    """
    from .export import to_json
    from .export.database import document_rows
    from .identity import text_fingerprint
    from .pipeline import extract

    started = time.perf_counter()
    try:
        report = extract(path, encoding=encoding, with_text=True, ocr=ocr)
        seconds = time.perf_counter() - started
        if sha is not None and report.source.sha256 != sha:
            raise InputError(path, "error.batch.changed")
        text = report.text or ""
        fingerprint = text_fingerprint(text[report.extent[0] : report.extent[1]] if report.extent else text)
        page = _review_page(report, Path(html)) if html is not None else None
        report = report.model_copy(update={"text": None})
        report_json = to_json(report, indent=None)
        # the rows are built here, in parallel, so that the one writer only inserts them
        payload: dict[str, Any] = {
            "status": "done",
            "json": report_json,
            "rows": document_rows(report, report_json, seconds, fingerprint),
            "page": page,
        }
    except CchcError as error:
        payload = {"status": "failed", "kind": error.kind, "message": error.line()}
    except Exception as error:  # a bug must not stop the batch: record it with its type
        bug = InternalError(
            path, "error.internal", "remedy.internal", error=type(error).__name__, reason=first_line(error)
        )
        payload = {"status": "failed", "kind": "crash", "message": bug.line()}
    payload.setdefault("seconds", time.perf_counter() - started)
    payload["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return payload


def _review_page(report: Any, folder: Path) -> Any:
    """Write the report's review page into ``folder`` (again, if an earlier run wrote it);
    return its index entry."""
    from .export.html import index_entry, page_name, render_page, write_page

    path = folder / page_name(report)
    write_page(path, render_page(report), force=True)
    return index_entry(report, path.name)


_PR_SET_PDEATHSIG = 1
_PARENT_DEATH_SIGNAL = sys.platform.startswith("linux")  # elsewhere the lifeline pipe alone


def _die_with_parent(lifeline: tuple[int, int] | None) -> None:
    """Make this worker die with the batch that started it, however that ends (kill -9 too).

    On Linux the kernel sends SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``).
    Everywhere, a thread waits on a pipe whose only writer is the parent: when the
    parent dies the pipe reads as closed, and the thread kills the worker's process
    group (the worker and whatever it started, such as LibreOffice). The worker leads
    a process group of its own, so that the parent can stop it and its children at once.
    """
    parent = os.getppid()
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    if _PARENT_DEATH_SIGNAL:
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if lifeline is not None:
        read_end, write_end = lifeline
        os.close(write_end)  # the fork's copy: the parent must be the pipe's only writer
        threading.Thread(target=_watch_parent, args=(read_end,), daemon=True, name="lifeline").start()
    if os.getppid() != parent:  # the parent died before any of this was in place
        os._exit(1)


def _watch_parent(read_end: int) -> None:
    with contextlib.suppress(OSError):
        while os.read(read_end, 1):
            pass
    if os.getpgid(0) == os.getpid():  # our own group only: never the shell pipeline the batch ran in
        with contextlib.suppress(OSError):
            os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(1)


def _widen(pipe: Any) -> None:
    """Give a pipe a 1 MB buffer (Linux), so that a worker seldom waits for the
    parent to read while it writes to the database; elsewhere the default stays."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


@dataclass
class _Worker:
    """One worker process, its two pipes, and the tasks sent to it that are not settled yet."""

    process: Any
    tasks: Any  # the sending end of its task pipe
    results: Any  # the receiving end of its result pipe
    queued: deque[int] = field(default_factory=deque)
    queued_bytes: int = 0


class _Pool:
    """Worker processes, each with a task queue of its own, so that the parent always knows
    which tasks a worker holds: a worker killed for its time limit, or dead, takes no
    shared state with it, and what it held but had not begun goes to the others."""

    def __init__(self, jobs: int, encoding: str = "auto", html: str | None = None, ocr: Any = None):
        self.encoding = encoding  # of text files, for every worker
        self.html = html  # the folder of review pages, if any
        self.ocr = ocr  # when scanned pages are read by OCR (an ocr.OcrSettings)
        self.context: Any = mp.get_context("fork" if sys.platform != "win32" else "spawn")
        self.lifeline: tuple[int, int] | None = None
        if self.context.get_start_method() == "fork":
            from .pipeline import warm_up

            warm_up()  # compiled once here; every forked worker starts with the patterns ready
            # what exists now lives as long as the batch: the collector of each worker
            # need not go through it again and again (nor copy its pages by touching them)
            gc.freeze()
            self.lifeline = os.pipe()  # the parent keeps the write end open until it exits
        self.running = self.context.Array("q", [-1] * jobs, lock=False)  # task index per slot, -1 idle
        self.since = self.context.Array("d", [0.0] * jobs, lock=False)  # when that task began (monotonic)
        self.workers: list[_Worker] = []
        for slot in range(jobs):
            self.workers.append(self._spawn(slot))

    def _spawn(self, slot: int) -> _Worker:
        self.running[slot] = -1
        receive, send = self.context.Pipe(duplex=False)
        task_receive, task_send = self.context.Pipe(duplex=False)
        _widen(send)
        _widen(task_send)
        process = self.context.Process(
            target=_worker,
            args=(
                slot,
                task_receive,
                send,
                self.running,
                self.since,
                self.lifeline,
                self.encoding,
                self.html,
                self.ocr,
            ),
            daemon=True,
        )
        process.start()
        send.close()  # the worker holds the sending end; a dead worker reads as end of file
        task_receive.close()
        return _Worker(process, task_send, receive)

    def send(self, slot: int, index: int, path: str, sha: str) -> None:
        worker = self.workers[slot]
        worker.queued.append(index)
        worker.queued_bytes += len(path)
        with contextlib.suppress(OSError):  # a dead worker: the liveness check gives its tasks to the others
            worker.tasks.send((index, path, sha))

    def settle(self, slot: int, index: int, path: str) -> None:
        worker = self.workers[slot]
        with contextlib.suppress(ValueError):
            worker.queued.remove(index)  # the head, as a worker runs its tasks in order
            worker.queued_bytes -= len(path)

    def results(self, timeout: float) -> list[tuple[int, int, dict[str, Any]]]:
        """(slot, task index, payload) for every result that has come, waiting up to ``timeout``."""
        by_pipe = {id(w.results): slot for slot, w in enumerate(self.workers)}
        out: list[tuple[int, int, dict[str, Any]]] = []
        ready: list[Any] = mp_connection.wait([w.results for w in self.workers], timeout)
        for pipe in ready:
            out.extend(self._drain(by_pipe[id(pipe)], pipe))
        return out

    def _drain(self, slot: int, pipe: Any) -> list[tuple[int, int, dict[str, Any]]]:
        out = []
        try:
            while pipe.poll():  # everything this worker has sent so far
                index, payload = pipe.recv()
                out.append((slot, index, payload))
        except (EOFError, OSError):
            pass  # the worker died: the liveness check in the driver records it
        return out

    def running_since(self, slot: int) -> tuple[int | None, float]:
        index = self.running[slot]
        return (index if index >= 0 else None), self.since[slot]

    def stop(self, slot: int) -> tuple[list[tuple[int, int, dict[str, Any]]], int | None, float, list[int]]:
        """Kill the worker in ``slot`` (and whatever it started) and start a fresh one there.

        Returns what it had sent and not yet read, the task it was running when it died
        and when that began (read once it is dead, so they cannot change any more), and
        the tasks it held; the caller settles each.
        """
        worker = self.workers[slot]
        _kill_group(worker.process)
        worker.process.join(timeout=5)
        sent = self._drain(slot, worker.results)
        running, began = self.running_since(slot)
        held = list(worker.queued)
        worker.results.close()
        worker.tasks.close()
        self.workers[slot] = self._spawn(slot)
        return sent, running, began, held

    def close(self, *, now: bool = False) -> None:
        """Let the workers finish and exit; ``now``: stop them at once (the batch was interrupted)."""
        if not now:
            for worker in self.workers:
                with contextlib.suppress(OSError):
                    worker.tasks.send(None)
        for worker in self.workers:
            if now:
                _kill_group(worker.process)
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                _kill_group(worker.process)
                worker.process.join(timeout=2)
        for worker in self.workers:
            worker.results.close()
            worker.tasks.close()
        if self.lifeline is not None:
            for fd in self.lifeline:
                with contextlib.suppress(OSError):
                    os.close(fd)
            self.lifeline = None


def _kill_group(process: Any) -> None:
    """SIGKILL a worker's process group (it leads one: see ``_die_with_parent``), or the worker alone."""
    if process.pid is None:
        return
    try:
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGKILL)
            return
    except OSError:
        pass
    with contextlib.suppress(OSError):
        process.kill()


ENGINES = ("pool", "dask")


def run_batch(
    inputs: Iterable[str],
    store: Store,
    *,
    jobs: int | None = None,
    timeout: float = 120.0,
    jsonl: Any = None,
    progress: Callable[[int, int], None] | None = None,
    encoding: str = "auto",
    html: Path | None = None,
    ocr: str = "auto",
    engine: str = "pool",
    scheduler: str | None = None,
    parquet: Path | None = None,
) -> Summary:
    """Extract every report under ``inputs`` into ``store``; return what happened to each file.

    ``encoding`` is that of the text files (``auto`` recognises each). ``html``: a folder
    where each report extracted gets its review page (``summary.pages`` lists them); a
    stored report whose page is not in that folder's index is extracted again for it.
    ``ocr``: when scanned pages and images are read by OCR; each worker reads the pages of
    one document a share of the CPUs at a time, so that the workers together fill them.
    ``engine``: ``pool``, this machine's worker processes, or ``dask``, the workers of a
    Dask cluster (``scheduler``, its address; none: a cluster of ``jobs`` workers started
    here; see ``dask_engine``). ``parquet``: a folder that also receives every document
    stored, as Parquet datasets (see ``export.parquet``).
    """
    check_options(jobs, timeout)  # before anything is started
    if engine not in ENGINES:
        raise CchcError(None, "error.batch.engine", "remedy.choose", value=engine, choices=", ".join(ENGINES))
    if engine == "dask":
        from .dask_engine import get_ready

        get_ready(local=scheduler is None)  # while the files are hashed
    sink = None
    if parquet is not None:
        from .export.parquet import ParquetSink

        sink = ParquetSink(parquet)
    summary = Summary()
    try:
        todo = _plan(inputs, store, summary, html, sink)
        if progress:
            progress(0, len(todo))
        if todo:
            writer = Writer(store, todo, summary, jsonl, progress, sink)
            html_folder = str(html) if html is not None else None
            if engine == "dask":
                from .dask_engine import run_on_dask

                run_on_dask(writer, jobs, timeout, encoding, html_folder, ocr, scheduler)
            else:
                _run_pool(writer, jobs, timeout, encoding, html_folder, ocr)
    finally:
        if sink is not None:
            sink.close(store)
    return summary


def _plan(
    inputs: Iterable[str], store: Store, summary: Summary, html: Path | None, sink: Any
) -> list[tuple[Path, str]]:
    """The files to extract, each with its sha256: those the database does not hold yet.

    Inputs that match nothing and files that cannot be read are recorded as failures;
    stored files are skipped (and, for ``--parquet``, written to it from the database
    if it lacks them: a batch killed after a commit, or run before without it).
    """
    files, missing = discover(inputs)
    for outcome in missing:
        summary.failed += 1
        summary.outcomes.append(outcome)
        store.fail(outcome.path, "", outcome.kind or "input", outcome.message or "")
    store.forget_stored_failures()  # failures of files stored since (by this batch or another)
    known = store.known()
    if html is not None:
        from .export.html import indexed

        known &= set(indexed(html))
    todo: list[tuple[Path, str]] = []
    stored: list[str] = []
    for path in files:
        try:
            sha = _hash(path)
        except CchcError as error:
            summary.failed += 1
            summary.outcomes.append(Outcome(str(path), "failed", kind=error.kind, message=error.line()))
            store.fail(str(path), "", error.kind, error.line())
            continue
        if sha in known:
            summary.skipped += 1
            summary.outcomes.append(Outcome(str(path), "skipped"))
            stored.append(sha)
        else:
            known.add(sha)
            todo.append((path, sha))
    if sink is not None:
        sink.catch_up(store, stored)
    return todo


class Writer:
    """The batch's one writer, whatever runs the extraction: it stores the documents
    extracted in groups (at most ``_GROUP``, or ``_GROUP_SECONDS`` old), each document
    whole or absent, then appends them to ``--jsonl`` and ``--parquet``, and records
    what happened to each file."""

    def __init__(
        self,
        store: Store,
        todo: list[tuple[Path, str]],
        summary: Summary,
        jsonl: Any = None,
        progress: Callable[[int, int], None] | None = None,
        parquet: Any = None,
    ):
        self.store, self.todo, self.summary = store, todo, summary
        self.jsonl, self.progress, self.parquet = jsonl, progress, parquet
        self.finished = 0
        self.extracted: list[tuple[int, dict[str, Any]]] = []  # waiting for the next commit
        self.oldest = 0.0

    def path(self, index: int) -> str:
        return str(self.todo[index][0])

    @property
    def unfinished(self) -> bool:
        return self.finished < len(self.todo)

    def take(self, index: int, payload: dict[str, Any]) -> None:
        """A task's result: kept for the next commit, or its failure recorded."""
        self.summary.peak_memory_kb = max(self.summary.peak_memory_kb, payload.get("maxrss", 0))
        if payload["status"] == "done":
            if not self.extracted:
                self.oldest = time.monotonic()
            self.extracted.append((index, payload))
        else:
            outcome = Outcome(self.path(index), "failed", payload["seconds"], payload["kind"], payload["message"])
            self.record(index, outcome)

    def due(self) -> bool:
        """Whether the documents waiting make a group to commit now."""
        return bool(self.extracted) and (
            len(self.extracted) >= _GROUP
            or time.monotonic() - self.oldest >= _GROUP_SECONDS
            or self.finished + len(self.extracted) == len(self.todo)
        )

    def record(self, index: int, outcome: Outcome) -> None:
        self.finished += 1
        self.summary.outcomes.append(outcome)
        if outcome.status == "done":
            self.summary.done += 1
        else:
            self.summary.failed += 1
            self.store.fail(outcome.path, self.todo[index][1], outcome.kind or "error", outcome.message or "")
        if self.progress:
            self.progress(self.finished, len(self.todo))

    def commit(self) -> None:
        """Write the extracted documents in one commit; a document counts as done once stored."""
        errors = self.store.write([payload["rows"] for _, payload in self.extracted])
        stored = []
        for (index, payload), error in zip(self.extracted, errors, strict=True):
            path = self.path(index)
            if error is None:
                stored.append(payload["rows"])
                if self.jsonl is not None:
                    self.jsonl.write(payload["json"] + "\n")
                if payload.get("page") is not None:
                    self.summary.pages.append(payload["page"])
                self.record(index, Outcome(path, "done", seconds=payload["seconds"]))
            else:
                message = f"{path}: {t('error.batch.refused', reason=first_line(error))}"
                self.record(index, Outcome(path, "failed", payload["seconds"], "database", message))
        if self.jsonl is not None:
            self.jsonl.flush()
        if self.parquet is not None:
            self.parquet.add(stored)
        self.extracted.clear()


def _run_pool(writer: Writer, jobs: int | None, timeout: float, encoding: str, html: str | None, ocr: str) -> None:
    """The built-in engine: worker processes on this machine."""
    workers = max(1, min(jobs or min(os.cpu_count() or 1, MAX_JOBS), len(writer.todo)))
    from .readers.ocr import OcrSettings

    ocr_settings = OcrSettings(mode=ocr, jobs=max(1, (os.cpu_count() or 1) // workers))
    pool = _Pool(workers, encoding, html, ocr_settings)
    try:
        _Driver(pool, writer, timeout).run()
    except BaseException:
        pool.close(now=True)  # what was committed stays; the next run does the rest
        raise
    pool.close()


class _Driver:
    """Hands tasks to the workers and their results to the writer; enforces the time limit."""

    def __init__(self, pool: _Pool, writer: Writer, timeout: float):
        self.pool, self.writer, self.todo, self.timeout = pool, writer, writer.todo, timeout
        self.pending: deque[int] = deque(range(len(self.todo)))  # not sent to any worker
        self.settled: set[int] = set()
        self.seconds = (0.0, 0)  # the documents' total time and count, for the queue depth

    def path(self, index: int) -> str:
        return str(self.todo[index][0])

    def depth(self) -> int:
        total, count = self.seconds
        if not count:
            return _QUEUED_MIN * 2
        return max(_QUEUED_MIN, min(_QUEUED_MAX, int(_QUEUED_SECONDS / max(total / count, 1e-4))))

    def feed(self) -> None:
        """Top up each worker's queue, the emptiest first."""
        depth = self.depth()
        while self.pending:
            slot = min(range(len(self.pool.workers)), key=lambda k: len(self.pool.workers[k].queued))
            worker = self.pool.workers[slot]
            if len(worker.queued) >= depth or worker.queued_bytes >= _QUEUED_BYTES:
                return
            index = self.pending.popleft()
            self.pool.send(slot, index, self.path(index), self.todo[index][1])

    def take(self, slot: int, index: int, payload: dict[str, Any]) -> None:
        """A worker's result for one task."""
        self.pool.settle(slot, index, self.path(index))
        if index in self.settled:
            return
        self.settled.add(index)
        total, count = self.seconds
        self.seconds = (total + payload.get("seconds", 0.0), count + 1)
        self.writer.take(index, payload)

    def run(self) -> None:
        self.feed()
        checked = 0.0
        while self.writer.unfinished:
            events = self.pool.results(timeout=0.2)
            for slot, index, payload in events:
                self.take(slot, index, payload)
            now = time.monotonic()
            if self.writer.due():
                self.feed()  # the workers go on while the group is written
                self.writer.commit()
            if events and now - checked < 0.1:
                self.feed()
                continue  # time limits and dead workers are looked at ten times a second
            checked = now
            for slot in range(len(self.pool.workers)):
                self.watch(slot)
            self.feed()

    def watch(self, slot: int) -> None:
        """Stop a worker past the time limit, or replace a dead one, and settle what it held."""
        running, began = self.pool.running_since(slot)
        overdue = running is not None and time.monotonic() - began > self.timeout
        if not overdue and self.pool.workers[slot].process.is_alive():
            return
        died = not overdue
        sent, running, began, held = self.pool.stop(slot)
        for _, index, payload in sent:
            self.take(slot, index, payload)
        for index in reversed(held):
            if index in self.settled:
                continue
            if index != running:
                self.pending.appendleft(index)  # never begun: another worker takes it
                continue
            path = self.path(index)
            ran = time.monotonic() - began
            if died:
                self.settled.add(index)
                self.writer.record(index, Outcome(path, "failed", ran, "crash", f"{path}: {t('error.batch.died')}"))
            elif ran > self.timeout:
                self.settled.add(index)
                message = f"{path}: {t('error.batch.timeout', seconds=self.timeout)}"
                self.writer.record(index, Outcome(path, "failed", self.timeout, "timeout", message))
            else:  # the task looked overdue as the worker moved on to this one: it runs again
                self.pending.appendleft(index)


def summary_text(summary: Summary, seconds: float) -> str:
    rate = summary.done / seconds if seconds > 0 else 0.0
    unreadable = sum(1 for o in summary.outcomes if o.status == "failed" and o.kind == "no_text")
    lines = [
        t(
            "cli.batch.summary.no_text" if unreadable else "cli.batch.summary",
            done=summary.done,
            skipped=summary.skipped,
            failed=summary.failed,
            unreadable=unreadable,
            seconds=round(seconds, 1),
            rate=round(rate, 1),
        )
    ]
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            lines.append(t("cli.batch.failed", kind=outcome.kind, message=outcome.message))
    slow = summary.slowest()
    if slow:
        lines.append(
            t(
                "cli.batch.slowest",
                files=", ".join(f"{Path(o.path).name} {number(round(o.seconds, 2))} s" for o in slow),
            )
        )
    return "\n".join(lines)
