"""Batch throughput: reports per second for txt, docx and pdf at 1 and 2 jobs, and peak worker memory.

Run: python benchmarks/bench_batch.py [--copies 200]
Each corpus report of a format is copied (with a distinct last line, so that no
copy is skipped as already stored) into a temporary folder and batched into a
fresh SQLite file. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs")
    for suffix, copies in ((".txt", args.copies), (".docx", args.copies // 4), (".pdf", args.copies // 4)):
        for jobs in (1, 2):
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp) / "in"
                folder.mkdir()
                n = make_copies(folder, suffix, copies)
                store = open_store(str(Path(tmp) / "r.sqlite"))
                started = time.perf_counter()
                summary = run_batch([str(folder)], store, jobs=jobs)
                seconds = time.perf_counter() - started
                store.close()
                rate = summary.done / seconds
                print(
                    f"{suffix:6} jobs={jobs}: {summary.done}/{n} reports in {seconds:6.2f} s = {rate:7.1f} reports/s,"
                    f" peak worker memory {summary.peak_memory_kb / 1024:.0f} MB, failed {summary.failed}"
                )


if __name__ == "__main__":
    main()
