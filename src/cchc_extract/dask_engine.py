"""``batch --engine dask``: the batch's per-document work on the workers of a Dask cluster.

The client (the ``cchc-extract batch`` process) plans as the built-in batch does (files
found, hashed, those stored skipped), hands the files out as Dask tasks of a few files
each, and remains the one writer: each task's results come back to it, and it stores them
through the batch's ``Writer`` (groups per commit, each document whole or absent, failures
recorded, ``--jsonl`` and ``--parquet`` after the commit). A task is a list of paths: the
workers read the files from storage they share with the client, at the same paths, and a
file that reads otherwise there than the client hashed it is a failure, not a document
stored under another sha256.

What a kill costs: a worker that dies takes only results the client has not received;
the scheduler runs its tasks again on the other workers (Dask counts the deaths: a task
that was running when ``distributed.scheduler.allowed-failures`` workers died is given up,
and the client then runs its files one per task, so that only a file that kills every
worker it runs on is recorded as a failure). A client killed with ``kill -9`` loses what
it had not committed, which the next run extracts again; it doubles nothing, since the
database skips what it holds.

Each worker compiles the patterns once: a local cluster's workers are forked from a fork
server that has compiled them (``_forkserver``), workers started apart compile them as
they join (``dask_plugin.WarmUp``). This module imports ``distributed`` only when it runs a
batch (``get_ready``), so that the CLI can start without it.

A document that runs past ``--timeout`` is given up by its task, which returns what it
finished and the files it had not begun; the client records the failure, hands those files
out again and restarts that worker, which is the only way to stop the extraction still
running there.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import pickle
import sys
import threading
import time
from collections import deque
from typing import Any

from .batch import Outcome, Writer, process_file
from .errors import CchcError, first_line
from .i18n import language, t, use_language

# A task is sized to take about this long (from the mean time of the documents so far),
# between 1 and _MOST_FILES files: long enough that Dask's cost per task (a few ms) does
# not count, short enough that a dead worker loses little and the tail of the batch is
# spread over the workers.
_TASK_SECONDS = 0.3
_FIRST_FILES = 4
_MOST_FILES = 64
# tasks submitted per worker thread: one running, the next one already on the worker
_TASKS_PER_THREAD = 2
# near the end a task takes at most this share of what is left per worker thread
_TAIL_SHARE = 4


def _settings(encoding: str, html: str | None, ocr: str, timeout: float) -> dict[str, Any]:
    from .readers.ocr import OcrSettings

    # a worker thread reads one page at a time: start a worker process per core
    return {
        "encoding": encoding,
        "html": html,
        "ocr": OcrSettings(mode=ocr, jobs=1),
        "timeout": timeout,
        "lang": language(),
    }


def extract_files(tasks: list[tuple[int, str, str]], settings: dict[str, Any]) -> bytes:
    """A Dask task: extract each (index, path, sha256) in turn, on this worker.

    Returns ``{"results": [(index, payload), ...]}``; when a document runs past the time
    limit, also ``"timed_out"`` (its index), ``"rest"`` (the tasks not begun) and
    ``"worker"`` (this worker's address, for the client to restart it: the extraction
    cannot be stopped otherwise and goes on in its thread). Pickled here, in the task's
    thread, as one ``bytes``: Dask then neither walks the rows to estimate their size
    (``dask.sizeof``) nor pickles them in the worker's event loop, which together cost text
    reports a fifth of their extraction time (benchmarks/bench_dask.py).
    """
    return pickle.dumps(_extract_files(tasks, settings), protocol=pickle.HIGHEST_PROTOCOL)


def _extract_files(tasks: list[tuple[int, str, str]], settings: dict[str, Any]) -> dict[str, Any]:
    results: list[tuple[int, dict[str, Any]]] = []
    current: list[Any] = [None, 0.0]  # the task running, and since when
    finished = threading.Event()

    def run() -> None:
        with use_language(settings["lang"]):
            for task in tasks:
                current[:] = [task, time.monotonic()]
                index, path, sha = task
                payload = process_file(path, sha, settings["encoding"], settings["html"], settings["ocr"])
                results.append((index, payload))
        finished.set()

    thread = threading.Thread(target=run, name="cchc-extract", daemon=True)
    thread.start()
    limit = settings["timeout"]
    while not finished.wait(0.1):
        task, began = current
        done = list(results)
        if task is None or time.monotonic() - began <= limit or any(i == task[0] for i, _ in done):
            continue
        from distributed import get_worker

        position = tasks.index(task)
        return {"results": done, "timed_out": task[0], "rest": tasks[position + 1 :], "worker": get_worker().address}
    return {"results": results}


def run_on_dask(
    writer: Writer,
    jobs: int | None,
    timeout: float,
    encoding: str,
    html: str | None,
    ocr: str,
    scheduler: str | None,
) -> None:
    """Extract ``writer.todo`` on the cluster at ``scheduler`` (none: a local cluster of
    ``jobs`` worker processes, one thread each), writing through ``writer``."""
    try:
        import distributed
    except ImportError as exc:
        raise CchcError(None, "error.batch.dask", "remedy.batch.dask") from exc
    import dask

    # a local cluster's settings hold for the whole batch: a worker restarted after a time
    # limit is started again by its nanny, forked and set as the first
    with dask.config.set(_local_config()) if scheduler is None else contextlib.nullcontext():
        cluster = None
        try:
            if scheduler is None:
                cluster = _local_cluster(max(1, min(jobs or os.cpu_count() or 1, len(writer.todo))))
                client = distributed.Client(cluster)
            else:
                client = distributed.Client(scheduler, timeout=30)
        except (OSError, TimeoutError, ValueError) as exc:
            if cluster is not None:
                cluster.close()
            raise CchcError(scheduler, "error.batch.scheduler", reason=first_line(exc)) from exc
        try:
            if scheduler is not None:  # a local cluster's workers come forked with the patterns ready
                from .dask_plugin import WarmUp

                client.register_plugin(WarmUp())
            _Driver(client, writer, _settings(encoding, html, ocr, timeout)).run()
        finally:
            with contextlib.suppress(Exception):
                client.close()
            if cluster is not None:
                with contextlib.suppress(Exception):
                    cluster.close()


# Dask settings for workers that run extraction: the statistical profiler samples every
# thread's stack every 10 ms under the GIL, which costs the extraction about a millisecond
# a document; the event loop's tick (20 ms), memory monitor (100 ms) and system monitor
# (500 ms) each take the GIL from the extraction as often, about 5 % of a text report's
# time together (benchmarks/bench_dask.py); once a second or two is enough for a worker whose
# tasks last a fraction of a second or more. The README gives them as environment variables
# for workers started apart.
WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}


def get_ready(local: bool) -> None:
    """What a Dask batch can start before its files are planned. For a local cluster, the
    fork server its workers come from (``_forkserver``): forked from this process once it
    has imported ``distributed``, or else started apart while ``distributed`` is imported
    here in a thread (a third of a second) as the files are hashed; that thread alone for
    a cluster elsewhere. Calling it again does nothing more."""
    from . import _forkserver

    if local and _forkserver.fork_from_here():
        return
    if local:
        _forkserver.spawn_fork_server()
    if "distributed" not in sys.modules:  # imported, or being imported by an earlier call
        threading.Thread(target=_import_distributed, name="cchc-extract-import", daemon=True).start()


def _import_distributed() -> None:
    with contextlib.suppress(Exception):  # not installed: run_on_dask says what to install
        import distributed  # noqa: F401


def _local_cluster(workers: int) -> Any:
    """A cluster on this machine: ``workers`` processes of one thread each.

    Where the system has a fork server, the workers are forked from it (``get_ready``, which
    ``run_batch`` calls before it plans): each starts in milliseconds with the patterns ready,
    where a spawned worker imports everything and compiles them again (about a second of
    start-up on two cores, more than the rest of a batch of a thousand text reports costs
    Dask; benchmarks/bench_dask.py). A
    plain fork of this process is no choice: it has threads by then (Dask's event loop), and
    a fork that copies a lock another thread holds can hang the worker.
    """
    import distributed

    return distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # any free port: two batches on one machine do not collide
        silence_logs=logging.ERROR,
        death_timeout=30,  # workers left behind by a killed batch stop by themselves
    )


def _local_config() -> dict[str, Any]:
    """Dask's settings for a local cluster: its workers forked from the fork server where
    the system has one, and what they do beside their tasks (WORKER_CONFIG), passed to each
    worker by its nanny."""
    from . import _forkserver

    method = "forkserver" if _forkserver.available() else "spawn"
    return {"distributed.worker.multiprocessing-method": method, **WORKER_CONFIG}


class _Driver:
    """Submits tasks a few per worker thread ahead, takes their results, commits groups."""

    def __init__(self, client: Any, writer: Writer, settings: dict[str, Any]):
        self.client, self.writer, self.settings = client, writer, settings
        self.pending: deque[int] = deque(range(len(writer.todo)))
        self.alone: deque[int] = deque()  # files of a task given up by Dask: one per task now
        self.running: dict[Any, list[int]] = {}  # future -> the task's indices
        self.seconds = (0.0, 0)  # the documents' total time and count, for the task size

    def size(self, threads: int) -> int:
        total, count = self.seconds
        files = int(_TASK_SECONDS / max(total / count, 1e-4)) if count else _FIRST_FILES
        # the tail of the batch spread over every worker, in tasks that shrink as it ends: a
        # worker finishing a long task while the others have nothing left costs its length
        files = min(files, math.ceil(len(self.pending) / (max(threads, 1) * _TAIL_SHARE)))
        return max(1, min(_MOST_FILES, files))

    def submit(self) -> None:
        threads = sum(self.client.nthreads().values()) or 1
        while (self.pending or self.alone) and len(self.running) < threads * _TASKS_PER_THREAD:
            if self.alone:
                chunk = [self.alone.popleft()]
            else:
                chunk = [self.pending.popleft() for _ in range(min(self.size(threads), len(self.pending)))]
            todo = self.writer.todo
            tasks = [(i, str(todo[i][0]), todo[i][1]) for i in chunk]
            future = self.client.submit(extract_files, tasks, self.settings, pure=False)
            self.running[future] = chunk

    def run(self) -> None:
        import distributed

        self.submit()
        while self.writer.unfinished:
            done: set[Any] = set()
            if self.running:
                with contextlib.suppress(TimeoutError):  # none finished yet: see whether a group is due
                    done = distributed.wait(list(self.running), timeout=0.2, return_when="FIRST_COMPLETED").done
            for future in done:
                self.take(future, self.running.pop(future))
            self.submit()  # the workers go on while the group is written
            if self.writer.due():
                self.writer.commit()

    def take(self, future: Any, chunk: list[int]) -> None:
        try:
            result = pickle.loads(future.result())
        except Exception as error:
            self.lost(chunk, error)
            return
        finally:
            future.release()
        for index, payload in result["results"]:
            total, count = self.seconds
            self.seconds = (total + payload.get("seconds", 0.0), count + 1)
            self.writer.take(index, payload)
        if "timed_out" in result:
            index = result["timed_out"]
            path = self.writer.path(index)
            limit = self.settings["timeout"]
            message = f"{path}: {t('error.batch.timeout', seconds=limit)}"
            self.writer.record(index, Outcome(path, "failed", limit, "timeout", message))
            self.pending.extendleft(reversed([i for i, _, _ in result["rest"]]))
            with contextlib.suppress(Exception):  # a worker without a nanny cannot be restarted
                self.client.restart_workers([result["worker"]], raise_for_error=False)

    def lost(self, chunk: list[int], error: Exception) -> None:
        """A task Dask gave up on (its workers died) or that failed outright."""
        from distributed import KilledWorker

        if isinstance(error, KilledWorker) and len(chunk) > 1:
            self.alone.extend(chunk)  # which file kills the workers: one per task tells
            return
        import dask

        attempts = dask.config.get("distributed.scheduler.allowed-failures", 3) + 1
        for index in chunk:
            path = self.writer.path(index)
            if isinstance(error, KilledWorker):
                message = f"{path}: {t('error.batch.lost', attempts=attempts, reason=first_line(error))}"
            else:
                message = f"{path}: {type(error).__name__}: {first_line(error)}"
            self.writer.record(index, Outcome(path, "failed", 0.0, "crash", message))
