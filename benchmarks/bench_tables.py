"""Does the cost of a report grow with its size, and no faster? ms per KB as tables and bodies grow.

Run: python benchmarks/bench_tables.py [--runs 3] [--most-rows 100000] [--most-copies 256]

Two series, each extracted whole (read, normalize, segment, references, tables, figures, checks,
and the contract JSON), the minimum of ``--runs`` runs at each size:

- the seed report with an appendix of 100, 1,000, 10,000 and 100,000 rows: the seed's own 77
  appendix rows again and again, each group of them under a code of its own ("1.1" + "3.3.1" ->
  "1.1.3.3.1"), so that codes, parents, "Trong đó" sub-rows, "nt" units and page-break rows come as
  they do in the seed;
- the seed's body (from its first heading to its signature) written 1, 4, 16, 64 and 256 times.

Prints CPU ms per KB at each size and its ratio to the 1,000-row (and the one-copy) report; a
cost that grows linearly keeps the ratio near 1. CPU time of this process, not wall time: on a
shared machine a 5-second run always shares the cores while a 40 ms one may find them free, which
would make large inputs look slower than they are. Target (issue 19): 100,000 rows at most 1.2
times the ms per KB of 1,000 rows.

The JSON is written by pydantic-core at every size, as in any process that has it loaded (a
batch); a new process writing a report of fewer than 2,000 records uses the json module rather
than import it (``records``), which for 1,000 rows costs about a fifth more.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import pydantic_core  # noqa: F401 - loaded, so that the JSON is written the same way at every size

from cchc_extract import extract, to_json

SEED = Path(__file__).resolve().parents[1] / "corpus" / "000_hoang_cat_2024h1.txt"


def seed_parts() -> tuple[list[str], list[str], list[str], list[str]]:
    """The seed's lines: before its body, the body, up to its appendix's rows, and those rows."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    body_start = next(i for i, line in enumerate(lines) if line.startswith("I. "))
    body_end = next(i for i, line in enumerate(lines) if line.startswith("Nơi nhận"))
    header = next(i for i, line in enumerate(lines) if line.startswith("STT\t"))
    first_row = header + 2  # the header is two lines
    return lines[:body_start], lines[body_start:body_end], lines[body_end:first_row], lines[first_row:]


def with_rows(count: int) -> str:
    """The seed with ``count`` appendix rows, its 77 rows repeated under codes of their own."""
    head, body, closing, rows = seed_parts()
    made: list[str] = []
    for group in itertools.count():
        prefix = f"{group // 99 + 1}.{group % 99 + 1}"
        for row in rows:
            if len(made) == count:
                return "\n".join(head + body + closing + made) + "\n"
            cells = row.split("\t")
            if cells[0][:1].isdigit():
                cells[0] = f"{prefix}.{cells[0]}"
            made.append("\t".join(cells))
    raise AssertionError("unreachable")


def with_copies(count: int) -> str:
    """The seed with its body written ``count`` times."""
    head, body, closing, rows = seed_parts()
    return "\n".join(head + body * count + closing + rows) + "\n"


def measure(text: str, folder: Path, runs: int) -> float:
    """CPU seconds for the whole extraction and the JSON, the least of ``runs``."""
    path = folder / "report.txt"
    path.write_text(text, encoding="utf-8")
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        to_json(extract(path))
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--most-rows", type=int, default=100_000)
    parser.add_argument("--most-copies", type=int, default=256)
    args = parser.parse_args(argv)
    extract(SEED)  # patterns compiled before the clock starts
    series = [
        ("appendix rows", with_rows, [n for n in (100, 1_000, 10_000, 100_000) if n <= args.most_rows], 1_000),
        ("copies of the body", with_copies, [n for n in (1, 4, 16, 64, 256) if n <= args.most_copies], 1),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for name, make, sizes, unit in series:
            print(f"{name:>20} {'KB':>8} {'CPU s':>9} {'ms/KB':>7} {f'x at {unit:,}':>9}")
            base = None
            for size in sizes:
                text = make(size)
                kb = len(text.encode()) / 1024
                seconds = measure(text, Path(tmp), args.runs if size <= 10 * unit else max(1, args.runs // 3))
                per_kb = seconds * 1000 / kb
                base = per_kb if size == unit else base
                ratio = f"{per_kb / base:9.2f}" if base else f"{'':9}"
                print(f"{size:>20,} {kb:>8.0f} {seconds:>9.3f} {per_kb:>7.3f} {ratio}")
            print()


if __name__ == "__main__":
    main()
