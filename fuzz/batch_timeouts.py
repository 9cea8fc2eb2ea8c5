"""Fault injection on ``batch``: a time limit so short that workers are killed all the time.

    python -m fuzz.batch_timeouts --runs 20 --timeout 0.05 --files 60

Each run batches ``--files`` mixed files (corpus text, Markdown, DOCX and PDF, each
copy made distinct, and a few broken files) into a new SQLite database with
``--jobs 2 --timeout T`` through the CLI, under a hard limit of ``--deadline``
seconds. A run passes when it ends by itself (no hang) with status 0 or 1, no
traceback, and every file is in the database once: stored in ``documents`` or
recorded in ``failures``. Before issue 13, 3 runs in 10 at ``--timeout 0.02`` hung.
Prints one line per run and a verdict; exits 1 if any run failed.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BROKEN = {"empty.txt": b"", "fake.docx": b"not a zip", "cut.pdf": b"%PDF-1.7\n1 0 obj\n<<"}


def make_files(folder: Path, count: int) -> int:
    """``count`` files: corpus copies, each with distinct bytes, and the broken ones above."""
    sources = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".docx", ".pdf"))
    for name, data in BROKEN.items():
        (folder / name).write_bytes(data)
    for k in range(count - len(BROKEN)):
        source = sources[k % len(sources)]
        target = folder / f"{k:03}{source.suffix}"
        shutil.copyfile(source, target)
        with target.open("ab") as handle:  # trailing bytes: the same content, another sha256
            handle.write(f"\n{k}\n".encode())
    return count


def one_run(folder: Path, db: Path, timeout: float, deadline: float) -> tuple[bool, str]:
    command = [sys.executable, "-m", "cchc_extract", "batch", str(folder), "--db", str(db), "--jobs", "2"]
    started = time.perf_counter()
    try:
        proc = subprocess.run([*command, "--timeout", str(timeout)], capture_output=True, text=True, timeout=deadline)
    except subprocess.TimeoutExpired:
        return False, f"HUNG past {deadline:g} s"
    seconds = time.perf_counter() - started
    with sqlite3.connect(db) as connection:
        stored = {row[0] for row in connection.execute("SELECT path FROM documents")}
        failed = dict(connection.execute("SELECT path, kind FROM failures").fetchall())
    files = {str(p) for p in folder.iterdir()}
    missing = files - stored - set(failed)
    twice = stored & set(failed)
    kinds = {kind: list(failed.values()).count(kind) for kind in sorted(set(failed.values()))}
    ok = proc.returncode in (0, 1) and "Traceback" not in proc.stderr and not missing and not twice
    line = (
        f"exit {proc.returncode} in {seconds:.1f} s: stored {len(stored)}, failed {len(failed)} {kinds}"
        f"{f', MISSING {sorted(missing)}' if missing else ''}{f', BOTH {sorted(twice)}' if twice else ''}"
    )
    return ok, line


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=0.05)
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--deadline", type=float, default=300.0, help="a run longer than this is a hang")
    args = parser.parse_args()
    passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        make_files(folder, args.files)
        for run in range(1, args.runs + 1):
            ok, line = one_run(folder, Path(tmp) / f"run{run}.sqlite", args.timeout, args.deadline)
            passed += ok
            print(f"run {run:2}: {'ok  ' if ok else 'FAIL'} {line}", flush=True)
    print(f"{passed} of {args.runs} runs finished with every file stored or recorded (--timeout {args.timeout:g})")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
