"""Batch throughput: reports per second for txt, docx and pdf at 1 and 2 jobs, CPU and peak memory.

Run: python benchmarks/bench_batch.py [--copies 1000] [--runs 1] [--formats txt,docx,pdf] [--jobs 1,2]
Each corpus report of a format is copied (with a distinct last line, so that no
copy is skipped as already stored) into a temporary folder and batched into a
fresh SQLite file. Text uses --copies copies, DOCX and PDF a tenth as many.
Prints, per run: reports/s over the whole batch (start-up included), the CPU
time per report of the parent (finding, hashing, writing the database) and of
the workers (reading and extracting), and the peak memory of a worker.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from cchc_extract.batch import run_batch
from cchc_extract.export.database import open_store

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def make_copies(folder: Path, suffix: str, copies: int) -> int:
    sources = sorted(CORPUS.glob(f"*{suffix}"))
    for k in range(copies):
        source = sources[k % len(sources)]
        target = folder / f"{k:05}{suffix}"
        if suffix == ".txt":
            target.write_text(source.read_text(encoding="utf-8") + f"\n{k}\n", encoding="utf-8")
        else:
            shutil.copyfile(source, target)
            with target.open("ab") as handle:  # trailing bytes after the end: same content, new sha256
                handle.write(f"\n% copy {k}\n".encode())
    return copies


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def measure(suffix: str, copies: int, jobs: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        n = make_copies(folder, suffix, copies)
        store = open_store(str(Path(tmp) / "r.sqlite"))
        parent, workers = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        summary = run_batch([str(folder)], store, jobs=jobs)
        seconds = time.perf_counter() - started
        parent, workers = _cpu(resource.RUSAGE_SELF) - parent, _cpu(resource.RUSAGE_CHILDREN) - workers
        store.close()
    return (
        f"{suffix:6} jobs={jobs}: {summary.done}/{n} reports in {seconds:6.2f} s = {summary.done / seconds:6.1f}"
        f" reports/s; CPU per report: parent {1000 * parent / n:5.2f} ms, workers {1000 * workers / n:6.2f} ms;"
        f" peak worker memory {summary.peak_memory_kb / 1024:.0f} MB; failed {summary.failed}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--formats", default="txt,docx,pdf")
    parser.add_argument("--jobs", default="1,2")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs")
    for fmt in args.formats.split(","):
        copies = args.copies if fmt == "txt" else max(10, args.copies // 10)
        for jobs in (int(j) for j in args.jobs.split(",")):
            for _ in range(args.runs):
                print(measure(f".{fmt}", copies, jobs), flush=True)


if __name__ == "__main__":
    main()
