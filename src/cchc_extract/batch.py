"""Batch digitization: many reports, in parallel, into a database, resumable, nothing lost.

The parent process finds the files, hashes each one, skips what the database
already holds, and hands the rest to worker processes a few at a time (memory is
bounded by the work in flight, not by the size of the batch). A worker that
passes the per-document time limit is killed and replaced, and its file recorded
as a failure; so is any file the extractor refuses. Workers turn each report
into rows; only the parent writes them, each document inside its own savepoint,
committing a group of documents at a time (at most 64, or every half second), so
a kill -9 leaves every document either whole or absent, and running the batch
again finishes the rest.
"""

from __future__ import annotations

import glob
import hashlib
import multiprocessing as mp
import os
import queue
import resource
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CchcError
from .export.database import Store
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
            missing.append(Outcome(item, "failed", kind="input", message="no such file or folder"))
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
# Files handed to each worker ahead: enough to keep it busy while the writer commits,
# few enough that memory stays bounded by the work in flight.
_QUEUED_PER_WORKER = 8


# --- workers ------------------------------------------------------------------


def _worker(tasks: Any, results: Any) -> None:
    from .export import to_json
    from .export.database import document_rows
    from .pipeline import extract

    while True:
        task = tasks.get()
        if task is None:
            return
        index, path = task
        results.put(("start", index, os.getpid()))
        started = time.perf_counter()
        try:
            report = extract(path)
            seconds = time.perf_counter() - started
            text = to_json(report, indent=None)
            # the rows are built here, in parallel, so that the one writer only inserts them
            payload: dict[str, Any] = {"status": "done", "json": text, "rows": document_rows(report, text, seconds)}
        except CchcError as error:
            payload = {"status": "failed", "kind": error.kind, "message": error.line()}
        except Exception as error:  # a bug must not stop the batch: record it with its type
            payload = {"status": "failed", "kind": "crash", "message": f"{type(error).__name__}: {error}"}
        payload.setdefault("seconds", time.perf_counter() - started)
        payload["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        results.put(("end", index, payload))


@dataclass
class _Slot:
    process: Any
    task: int | None = None
    started: float = 0.0


class _Pool:
    """Worker processes that can be killed one at a time when a document runs too long."""

    def __init__(self, jobs: int):
        self.context: Any = mp.get_context("fork" if sys.platform != "win32" else "spawn")
        if self.context.get_start_method() == "fork":
            from .pipeline import warm_up

            warm_up()  # compiled once here; every forked worker starts with the patterns ready
        self.tasks = self.context.Queue(maxsize=jobs * _QUEUED_PER_WORKER)
        self.results = self.context.Queue()
        self.slots: dict[int, _Slot] = {}
        for _ in range(jobs):
            self._spawn()

    def _spawn(self) -> None:
        process = self.context.Process(target=_worker, args=(self.tasks, self.results), daemon=True)
        process.start()
        self.slots[process.pid] = _Slot(process)

    def kill(self, pid: int) -> None:
        slot = self.slots.pop(pid)
        slot.process.kill()
        slot.process.join(timeout=5)
        self._spawn()

    def close(self) -> None:
        for _ in self.slots:
            try:
                self.tasks.put_nowait(None)
            except queue.Full:
                break
        for slot in list(self.slots.values()):
            slot.process.join(timeout=2)
            if slot.process.is_alive():
                slot.process.kill()


def run_batch(
    inputs: Iterable[str],
    store: Store,
    *,
    jobs: int | None = None,
    timeout: float = 120.0,
    jsonl: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Extract every report under ``inputs`` into ``store``; return what happened to each file."""
    files, missing = discover(inputs)
    summary = Summary()
    for outcome in missing:
        summary.failed += 1
        summary.outcomes.append(outcome)
        store.fail(outcome.path, "", outcome.kind or "input", outcome.message or "")
    known = store.known()
    todo: list[tuple[Path, str]] = []
    for path in files:
        sha = _hash(path)
        if sha is None:
            summary.failed += 1
            summary.outcomes.append(Outcome(str(path), "failed", kind="input", message="cannot be read"))
            store.fail(str(path), "", "input", f"{path}: cannot be read")
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
    pool = _Pool(max(1, min(jobs or os.cpu_count() or 1, total)))
    try:
        _drive(pool, todo, store, timeout, jsonl, summary, progress)
    finally:
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
    capacity = len(pool.slots) * _QUEUED_PER_WORKER
    extracted: list[tuple[int, dict[str, Any]]] = []  # waiting for the next commit
    oldest = 0.0

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
                record(index, Outcome(path, "done", seconds=payload["seconds"]))
            else:
                message = f"{path}: the database refused it: {str(error).strip().splitlines()[0]}"
                record(index, Outcome(path, "failed", payload["seconds"], "database", message))
        if jsonl is not None:
            jsonl.flush()
        extracted.clear()

    feed()
    while finished < len(todo):
        try:
            event = pool.results.get(timeout=0.2)
        except queue.Empty:
            event = None
        now = time.monotonic()
        if event and event[0] == "start":
            _, index, pid = event
            slot = pool.slots.get(pid)
            if slot:
                slot.task, slot.started = index, now
        elif event and event[0] == "end":
            _, index, payload = event
            in_flight -= 1
            for slot in pool.slots.values():
                if slot.task == index:
                    slot.task = None
            summary.peak_memory_kb = max(summary.peak_memory_kb, payload.get("maxrss", 0))
            if payload["status"] == "done":
                if not extracted:
                    oldest = now
                extracted.append((index, payload))
            else:
                path = str(todo[index][0])
                record(index, Outcome(path, "failed", payload["seconds"], payload["kind"], payload["message"]))
        if extracted and (
            len(extracted) >= _GROUP or now - oldest >= _GROUP_SECONDS or finished + len(extracted) == len(todo)
        ):
            commit()
        for pid, slot in list(pool.slots.items()):
            if slot.task is not None and now - slot.started > timeout:
                index = slot.task
                pool.kill(pid)
                in_flight -= 1
                record(
                    index,
                    Outcome(
                        str(todo[index][0]),
                        "failed",
                        timeout,
                        "timeout",
                        f"{todo[index][0]}: took longer than {timeout:g} s; the worker was stopped",
                    ),
                )
            elif not slot.process.is_alive():
                index = slot.task
                pool.kill(pid)
                if index is not None:
                    in_flight -= 1
                    record(
                        index,
                        Outcome(
                            str(todo[index][0]), "failed", 0.0, "crash", f"{todo[index][0]}: the worker process died"
                        ),
                    )
        feed()


def summary_text(summary: Summary, seconds: float) -> str:
    rate = summary.done / seconds if seconds > 0 else 0.0
    lines = [
        f"done {summary.done}, skipped {summary.skipped} (already stored), failed {summary.failed}"
        f" in {seconds:.1f} s ({rate:.1f} files/s)"
    ]
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            lines.append(f"  failed [{outcome.kind}] {outcome.message}")
    slow = summary.slowest()
    if slow:
        lines.append("slowest: " + ", ".join(f"{Path(o.path).name} {o.seconds:.2f} s" for o in slow))
    return "\n".join(lines)
