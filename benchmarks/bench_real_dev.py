"""The gold-free check over every real published document beside the project.

Run: python benchmarks/bench_real_dev.py [--real-dev ../shared/real-dev]

For each document of ../shared/real-dev (tvpl/ and r*.md) it extracts the record and counts:
- documents processed, and crashes (any exception: a defect, named with its file);
- those whose header has a "Số" line, and of them, those whose own number and symbol are read
  into metadata as SOURCES.tsv gives them;
- documents that list their own key among references without "self": true;
- documents with records (references, figures, sections) outside the document's own extent;
- seconds per document (min, median, max).
Prints the counts; asserts nothing (tests/test_real_dev.py asserts the same rules).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

from cchc_extract import extract
from cchc_extract.evaluate import cites_itself, has_number_line, own_number, records_outside


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real-dev", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "real-dev")
    args = parser.parse_args(argv)
    folder: Path = args.real_dev
    if not folder.is_dir():
        print(f"{folder} is not there: nothing to check")
        return 0
    expected = {}
    sources = folder / "tvpl" / "SOURCES.tsv"
    if sources.is_file():
        with sources.open(encoding="utf-8") as handle:
            expected = {row["file"]: row["header_number"] for row in csv.DictReader(handle, delimiter="\t")}
    paths = sorted((folder / "tvpl").glob("*.md")) + sorted(folder.glob("r*.*"))
    seconds: list[float] = []
    crashes: list[str] = []
    with_line = read_right = self_unmarked = with_outside = 0
    for path in paths:
        started = time.perf_counter()
        try:
            report = extract(path)
        except Exception as exc:  # any failure here is a defect to report, not to stop on
            crashes.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        seconds.append(time.perf_counter() - started)
        number = expected.get(path.name)
        if number and has_number_line(path.read_text(encoding="utf-8", errors="replace"), number):
            with_line += 1
            read_right += own_number(report) == number
        self_unmarked += cites_itself(report)
        with_outside += records_outside(report) > 0
    print(f"documents: {len(paths)}, processed {len(paths) - len(crashes)}, crashes {len(crashes)}")
    for line in crashes:
        print(f"  crash: {line}")
    share = f"{read_right / with_line:.1%}" if with_line else "-"
    print(f"header with a 'Số' line: {with_line}; own number and symbol read into metadata: {read_right} ({share})")
    print(f"documents listing their own key among references without self: {self_unmarked}")
    print(f"documents with records outside the document's extent: {with_outside}")
    if seconds:
        print(
            f"seconds per document: min {min(seconds):.3f}, median {statistics.median(seconds):.3f}, "
            f"max {max(seconds):.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
