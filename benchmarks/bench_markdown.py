"""Markdown reading in linear time: ms per line from 1,000 to 64,000 lines, and the ratio.

Run: python benchmarks/bench_markdown.py [--runs 5] [--extract]
Two inputs of each size: the same short line repeated (the wrapped lines of one
endless paragraph, which the reader rejoins: once 21 s for 8,000 lines), and the
corpus Markdown report repeated (paragraphs, bold headings, cell bars). Each size is
read ``--runs`` times (``read`` then ``normalize``, as every extraction starts),
timed in CPU seconds; the minimum and the median per line are printed, and the ratio of the largest
size's per-line minimum to the smallest's (the target: at most 1.2). ``--extract``
also times the whole extraction of each size once. Asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from cchc_extract import extract, normalize, read

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SIZES = (1000, 2000, 4000, 8000, 16000, 32000, 64000)


def inputs() -> dict[str, list[str]]:
    report = (CORPUS / "003_dinh_hung_plan_2025.md").read_text(encoding="utf-8").splitlines()
    return {
        "one wrapped paragraph": ["Thực hiện tốt công tác cải cách hành chính năm 2025"],
        "the corpus report repeated": report,
    }


def lines_of(unit: list[str], count: int) -> str:
    return "\n".join(unit[k % len(unit)] for k in range(count)) + "\n"


def timed(path: Path, runs: int) -> list[float]:
    """CPU seconds of each run: the machine is shared, and CPU time is what waiting for a
    core does not inflate (the garbage collector's share is in it)."""
    out = []
    for _ in range(runs):
        started = time.process_time()
        normalize(read(path))
        out.append(time.process_time() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--extract", action="store_true", help="also time extract() of each size once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, unit in inputs().items():
            print(f"{name}: read + normalize, CPU ms per line (min / median of {args.runs})")
            per_line: dict[int, float] = {}
            for count in SIZES:
                path = Path(tmp) / f"{count}.md"
                path.write_text(lines_of(unit, count), encoding="utf-8")
                seconds = timed(path, args.runs)
                per_line[count] = min(seconds) / count
                line = (
                    f"  {count:6} lines  {1000 * min(seconds) / count:.5f} / "
                    f"{1000 * statistics.median(seconds) / count:.5f} ms per line"
                )
                if args.extract:
                    started = time.perf_counter()
                    extract(path)
                    line += f"; extract {1000 * (time.perf_counter() - started) / count:.4f} ms per line"
                print(line, flush=True)
            ratio = per_line[SIZES[-1]] / per_line[SIZES[0]]
            print(f"  ratio {SIZES[-1]:,} / {SIZES[0]:,} lines, per line: {ratio:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
