"""Batch digitization: many reports, in parallel, into a database, resumable, nothing lost.

The parent process finds the files, hashes each one, skips what the database
already holds, and hands the rest to worker processes some files ahead (memory
is bounded by the work in flight, not by the size of the batch). Each worker
writes the task it runs to shared memory and sends results on a pipe of its own;
one that passes the per-document time limit is killed and replaced, and its file
recorded as a failure; so is any file the extractor refuses. Workers turn each
report into rows; only the parent writes them, a group of documents per commit
(at most 64, or every half second), each document whole or absent (see
``Store.write``), so a kill -9 or a Ctrl-C loses at most the uncommitted group,
and running the batch again finishes the rest.
"""

from __future__ import annotations

import gc
import glob
import hashlib
import multiprocessing as mp
import multiprocessing.connection as mp_connection
import os
import resource
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CchcError, first_line
from .export.database import Store
from .i18n import number, t
from .readers import supported_suffixes


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


def discover(inputs: Iterable[str]) -> tuple[list[Path], list[Outcome]]:
    """Files from paths, folders (recursive) and globs; inputs that match nothing are failures."""
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
                files.extend(sorted(p for p in candidate.rglob("*") if p.is_file() and p.suffix.lower() in suffixes))
            elif candidate.is_file():
                files.append(candidate)
    unique = list(dict.fromkeys(files))
    return unique, missing


def _hash(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


# Extracted documents are committed in groups: at most this many, or as old as this.
_GROUP = 64
_GROUP_SECONDS = 0.5
# Files handed to each worker ahead: enough to keep it busy while the writer commits a
# group (tens of milliseconds), few enough that memory stays bounded by the work in flight.
_QUEUED_PER_WORKER = 32


# --- workers ------------------------------------------------------------------


def _worker(
    slot: int,
    tasks: Any,
    results: Any,
    running: Any,
    since: Any,
    encoding: str = "auto",
    html: str | None = None,
    ocr: Any = None,
) -> None:
    """Extract the files handed out on ``tasks``; send each outcome on this worker's own pipe.

    What the worker is doing is written to shared memory (``running[slot]``, the task,
    and ``since[slot]``, when it began), so that the parent can enforce the time limit
    without a message per start. A result, once sent, sits in the pipe even if the
    worker dies next; a killed worker can only break its own pipe, dropped with it.
    """
    from .export import to_json
    from .export.database import document_rows
    from .pipeline import extract

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    while (task := tasks.get()) is not None:
        index, path = task
        since[slot] = time.monotonic()
        running[slot] = index
        started = time.perf_counter()
        try:
            report = extract(path, encoding=encoding, with_text=html is not None, ocr=ocr)
            seconds = time.perf_counter() - started
            page = _review_page(report, Path(html)) if html is not None else None
            report = report.model_copy(update={"text": None}) if html is not None else report
            text = to_json(report, indent=None)
            # the rows are built here, in parallel, so that the one writer only inserts them
            payload: dict[str, Any] = {"status": "done", "json": text, "rows": document_rows(report, text, seconds)}
            payload["page"] = page
        except CchcError as error:
            payload = {"status": "failed", "kind": error.kind, "message": error.line()}
        except Exception as error:  # a bug must not stop the batch: record it with its type
            payload = {"status": "failed", "kind": "crash", "message": f"{type(error).__name__}: {error}"}
        payload.setdefault("seconds", time.perf_counter() - started)
        payload["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        results.send((index, payload))
        running[slot] = -1


def _review_page(report: Any, folder: Path) -> Any:
    """Write the report's review page into ``folder`` (again, if an earlier run wrote it);
    return its index entry."""
    from .export.html import index_entry, page_name, render_page, write_page

    path = folder / page_name(report)
    write_page(path, render_page(report), force=True)
    return index_entry(report, path.name)


def _widen(pipe: Any) -> None:
    """Give a result pipe a 1 MB buffer (Linux), so that a worker seldom waits for the
    parent to read while it writes to the database; elsewhere the default stays."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


class _Pool:
    """Worker processes that can be killed one at a time when a document runs too long."""

    def __init__(self, jobs: int, encoding: str = "auto", html: str | None = None, ocr: Any = None):
        self.encoding = encoding  # of text files, for every worker
        self.html = html  # the folder of review pages, if any
        self.ocr = ocr  # when scanned pages are read by OCR (an ocr.OcrSettings)
        self.context: Any = mp.get_context("fork" if sys.platform != "win32" else "spawn")
        if self.context.get_start_method() == "fork":
            from .pipeline import warm_up

            warm_up()  # compiled once here; every forked worker starts with the patterns ready
            # what exists now lives as long as the batch: the collector of each worker
            # need not go through it again and again (nor copy its pages by touching them)
            gc.freeze()
        # written directly by the caller: a queue with a feeder thread waits for the GIL while
        # the parent writes to the database, and the workers starve (the driver bounds the
        # tasks in flight itself)
        self.tasks = self.context.SimpleQueue()
        self.running = self.context.Array("q", [-1] * jobs, lock=False)  # task index per slot, -1 idle
        self.since = self.context.Array("d", [0.0] * jobs, lock=False)  # when that task began (monotonic)
        self.processes: list[Any] = [None] * jobs
        self.pipes: list[Any] = [None] * jobs
        for slot in range(jobs):
            self._spawn(slot)

    def _spawn(self, slot: int) -> None:
        self.running[slot] = -1
        receive, send = self.context.Pipe(duplex=False)
        _widen(send)
        process = self.context.Process(
            target=_worker,
            args=(slot, self.tasks, send, self.running, self.since, self.encoding, self.html, self.ocr),
            daemon=True,
        )
        process.start()
        send.close()  # the worker holds the sending end; a dead worker reads as end of file
        self.processes[slot], self.pipes[slot] = process, receive

    def results(self, timeout: float) -> list[tuple[int, dict[str, Any]]]:
        """(task index, payload) for every result that has come, waiting up to ``timeout``."""
        out: list[tuple[int, dict[str, Any]]] = []
        ready: list[Any] = mp_connection.wait(self.pipes, timeout)
        for pipe in ready:
            try:
                while True:  # everything this worker has sent so far
                    out.append(pipe.recv())
                    if not pipe.poll():
                        break
            except (EOFError, OSError):
                pass  # the worker died: the liveness check in the driver records it
        return out

    def running_since(self, slot: int) -> tuple[int | None, float]:
        index = self.running[slot]
        return (index if index >= 0 else None), self.since[slot]

    def kill(self, slot: int) -> None:
        """Stop the worker in ``slot`` (what it ran is lost) and start a fresh one there."""
        self.processes[slot].kill()
        self.processes[slot].join(timeout=5)
        self.pipes[slot].close()
        self._spawn(slot)

    def close(self, *, now: bool = False) -> None:
        """Let the workers finish and exit; ``now``: stop them at once (the batch was interrupted)."""
        if not now:
            for _ in self.processes:
                self.tasks.put(None)
        for process in self.processes:
            if now:
                process.kill()
            process.join(timeout=2)
            if process.is_alive():
                process.kill()
        for pipe in self.pipes:
            pipe.close()


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
) -> Summary:
    """Extract every report under ``inputs`` into ``store``; return what happened to each file.

    ``encoding`` is that of the text files (``auto`` recognises each). ``html``: a folder
    where each report extracted gets its review page (``summary.pages`` lists them); a
    stored report whose page is not in that folder's index is extracted again for it.
    ``ocr``: when scanned pages and images are read by OCR; each worker reads the pages of
    one document a share of the CPUs at a time, so that the workers together fill them.
    """
    files, missing = discover(inputs)
    summary = Summary()
    for outcome in missing:
        summary.failed += 1
        summary.outcomes.append(outcome)
        store.fail(outcome.path, "", outcome.kind or "input", outcome.message or "")
    known = store.known()
    if html is not None:
        from .export.html import indexed

        known &= set(indexed(html))
    todo: list[tuple[Path, str]] = []
    for path in files:
        sha = _hash(path)
        if sha is None:
            summary.failed += 1
            message = f"{path}: {t('error.input.unreadable', reason=None)}"
            summary.outcomes.append(Outcome(str(path), "failed", kind="input", message=message))
            store.fail(str(path), "", "input", message)
        elif sha in known:
            summary.skipped += 1
            summary.outcomes.append(Outcome(str(path), "skipped"))
        else:
            known.add(sha)
            todo.append((path, sha))
    total = len(todo)
    if progress:
        progress(0, total)
    if not todo:
        return summary
    workers = max(1, min(jobs or os.cpu_count() or 1, total))
    from .readers.ocr import OcrSettings

    ocr_settings = OcrSettings(mode=ocr, jobs=max(1, (os.cpu_count() or 1) // workers))
    pool = _Pool(workers, encoding, str(html) if html is not None else None, ocr_settings)
    try:
        _drive(pool, todo, store, timeout, jsonl, summary, progress)
    except BaseException:
        pool.close(now=True)  # what was committed stays; the next run does the rest
        raise
    pool.close()
    return summary


def _drive(
    pool: _Pool,
    todo: list[tuple[Path, str]],
    store: Store,
    timeout: float,
    jsonl: Any,
    summary: Summary,
    progress: Callable[[int, int], None] | None,
) -> None:
    pending: Iterator[int] = iter(range(len(todo)))
    in_flight = 0
    finished = 0
    capacity = len(pool.processes) * _QUEUED_PER_WORKER
    extracted: list[tuple[int, dict[str, Any]]] = []  # waiting for the next commit
    oldest = 0.0
    settled: set[int] = set()  # tasks whose outcome is known
    checked = 0.0

    def feed() -> None:
        nonlocal in_flight
        while in_flight < capacity:
            index = next(pending, None)
            if index is None:
                return
            pool.tasks.put((index, str(todo[index][0])))
            in_flight += 1

    def record(index: int, outcome: Outcome) -> None:
        nonlocal finished
        finished += 1
        summary.outcomes.append(outcome)
        if outcome.status == "done":
            summary.done += 1
        else:
            summary.failed += 1
            store.fail(outcome.path, todo[index][1], outcome.kind or "error", outcome.message or "")
        if progress:
            progress(finished, len(todo))

    def commit() -> None:
        """Write the extracted documents in one commit; a document counts as done once stored."""
        errors = store.write([payload["rows"] for _, payload in extracted])
        for (index, payload), error in zip(extracted, errors, strict=True):
            path = str(todo[index][0])
            if error is None:
                if jsonl is not None:
                    jsonl.write(payload["json"] + "\n")
                if payload.get("page") is not None:
                    summary.pages.append(payload["page"])
                record(index, Outcome(path, "done", seconds=payload["seconds"]))
            else:
                message = f"{path}: {t('error.batch.refused', reason=first_line(error))}"
                record(index, Outcome(path, "failed", payload["seconds"], "database", message))
        if jsonl is not None:
            jsonl.flush()
        extracted.clear()

    feed()
    while finished < len(todo):
        events = pool.results(timeout=0.2)
        now = time.monotonic()
        for task, payload in events:
            if task in settled:
                continue  # stopped for its time limit just as it finished: already recorded
            settled.add(task)
            in_flight -= 1
            summary.peak_memory_kb = max(summary.peak_memory_kb, payload.get("maxrss", 0))
            if payload["status"] == "done":
                if not extracted:
                    oldest = now
                extracted.append((task, payload))
            else:
                failed = Outcome(str(todo[task][0]), "failed", payload["seconds"], payload["kind"], payload["message"])
                record(task, failed)
        if extracted and (
            len(extracted) >= _GROUP or now - oldest >= _GROUP_SECONDS or finished + len(extracted) == len(todo)
        ):
            feed()  # the workers go on while the group is written
            commit()
        if events and now - checked < 0.1:
            feed()
            continue  # time limits and dead workers are looked at ten times a second
        checked = now
        for slot, process in enumerate(pool.processes):
            running, began = pool.running_since(slot)
            overdue = running is not None and time.monotonic() - began > timeout
            if not overdue and process.is_alive():
                continue
            pool.kill(slot)
            if running is None or running in settled:
                continue
            settled.add(running)
            in_flight -= 1
            file = todo[running][0]
            if overdue:
                message = f"{file}: {t('error.batch.timeout', seconds=timeout)}"
                record(running, Outcome(str(file), "failed", timeout, "timeout", message))
            else:
                message = f"{file}: {t('error.batch.died')}"
                record(running, Outcome(str(file), "failed", 0.0, "crash", message))
        feed()


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
