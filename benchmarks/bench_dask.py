"""The Dask engine against the built-in batch, on the same files, one machine.

Run: python benchmarks/bench_dask.py [--copies 1000] [--pdfs 100] [--runs 3] [--jobs 1,2]
Makes 1,000 text reports and 100 PDFs (copies of the corpus reports, each with a
distinct tail, as bench_batch.py does) and batches them into a fresh SQLite file with
``--engine pool`` and with ``--engine dask`` (a local cluster of as many workers as
jobs, started by the batch), each run the command in a new process as a user runs it
(start-up included), the two engines taking turns run after run, with Python's bytecode cache
on as in an installed package (``PYTHONPYCACHEPREFIX`` in the run's folder, filled by one
untimed batch of each engine: with ``PYTHONDONTWRITEBYTECODE`` every run compiled the package
again, mostly on the pool's path, where the Dask engine's fork server does it off the
client's). Prints each run,
then per format and job count the min and median wall time of each engine, their
ratio (dask / pool: the target is 1.3 at most), and the Dask engine's overhead per
document ((dask - pool) / documents). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import make_copies


def once(folder: Path, engine: str, jobs: int, env: dict[str, str]) -> tuple[float, int]:
    """One batch as a user runs it: the command in a new process, into a new database."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "r.sqlite"
        command = [sys.executable, "-m", "cchc_extract", "batch", str(folder), "--db", str(db)]
        command += ["--jobs", str(jobs), "--engine", engine, "--quiet"]
        started = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, env=env)
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"{engine} failed: {proc.stderr.decode()}")
        with sqlite3.connect(db) as connection:
            done = connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    return seconds, done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=1000, help="text reports")
    parser.add_argument("--pdfs", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="1,2")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        sets = {}
        for suffix, copies in ((".txt", args.copies), (".pdf", args.pdfs)):
            if copies:
                sets[suffix] = Path(tmp) / suffix[1:]
                sets[suffix].mkdir()
                make_copies(sets[suffix], suffix, copies)
        for suffix, folder in sets.items():
            for engine in ("pool", "dask"):  # untimed: the bytecode and pattern caches filled
                once(folder, engine, 1, env)
            for jobs in (int(j) for j in args.jobs.split(",")):
                times: dict[str, list[float]] = {"pool": [], "dask": []}
                for run in range(args.runs):
                    for engine in ("pool", "dask"):
                        seconds, done = once(folder, engine, jobs, env)
                        times[engine].append(seconds)
                        print(f"{suffix} jobs={jobs} run {run + 1} {engine:4}: {done} in {seconds:6.2f} s", flush=True)
                pool, dask = times["pool"], times["dask"]
                print(
                    f"{suffix} jobs={jobs}: pool min {min(pool):.2f} s median {statistics.median(pool):.2f} s;"
                    f" dask min {min(dask):.2f} s median {statistics.median(dask):.2f} s;"
                    f" dask/pool {min(dask) / min(pool):.2f} (min),"
                    f" {statistics.median(dask) / statistics.median(pool):.2f} (median);"
                    f" overhead {1000 * (min(dask) - min(pool)) / done:.2f} ms per document",
                    flush=True,
                )


if __name__ == "__main__":
    main()
