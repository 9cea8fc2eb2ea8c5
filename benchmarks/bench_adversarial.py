"""Inputs built to find quadratic paths: each should take seconds, not minutes.

Run: python benchmarks/bench_adversarial.py
Prints the size, the time and what was found for each; asserts nothing. Each case
once took minutes (a 480 KB line of figures: about 3 minutes) before the search
windows were bounded.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from cchc_extract import extract

_SEED = (Path(__file__).resolve().parent.parent / "corpus" / "000_hoang_cat_2024h1.txt").read_text(encoding="utf-8")

CASES = {
    "one 480 KB line of figures.txt": "1.234.567.890.123 hồ sơ " * 20000,
    "20,000 parts of one total.txt": "Tổng số 100 hồ sơ, trong đó " + ", ".join("1 hồ sơ" for _ in range(20000)),
    "100,000 cell bars.md": "|\n" * 100000,
    "20,000 repeated headings.txt": "\n".join(f"{i % 20 + 1}. Tiêu đề" for i in range(20000)),
    "2 MB without a line break.txt": "x" * 2_000_000,
    "20,000 coordinated symbols.txt": "Số " + "01/QĐ-UBND và " * 20000,
    "30,000 two-cell Markdown rows.md": "|\na\n|\nb\n|\n" * 30000,
    "30,000 tab rows.txt": "1\tx\t\t2\t\n" * 30000,
    # found by the fuzzer: every narrative figure was compared with every appendix row of every
    # copy, and each match with its table again (minutes; now seconds)
    "the seed report 100 times.txt": _SEED * 100,
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in CASES.items():
            path = Path(tmp) / name.replace(" ", "_").replace(",", "")
            path.write_text(text, encoding="utf-8")
            started = time.perf_counter()
            report = extract(path)
            seconds = time.perf_counter() - started
            found = (
                f"{len(report.figures)} figures, {len(report.references)} references, "
                f"{len(report.sections)} sections, {sum(len(t.rows) for t in report.tables)} table rows"
            )
            print(f"{name:34} {len(text.encode()) // 1000:5} KB {seconds:6.2f} s  {found}")


if __name__ == "__main__":
    main()
