"""A text-layer PDF with tables, against PDFium's plain text extraction of the same file.

Run: python benchmarks/bench_pdf.py [--runs 7] [PDF ...]   (default: the corpus PDFs)

For each PDF, in one process, interleaved, CPU time of:
- ``plain``: pypdfium2 opens the file and takes every page's text (``get_text_range``): the
  least any reader must do, the unit of the ratios;
- ``extract``: ``cchc_extract.extract``: the whole extraction, tables read from PDFium's objects
  (``readers/pdftables.py``);
- ``extract, pdfplumber``: the same with every table page left to pdfplumber, as before issue 19.

Prints min and median ms and their ratios to ``plain``, and the number of table pages.
Target (issue 19): ``extract`` at most 15 times ``plain`` on a PDF with tables.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from cchc_extract import extract
from cchc_extract.readers import pdftables
from cchc_extract.readers.pdf import _draws_table

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def plain(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def table_pages(path: Path) -> int:
    pdf = pdfium.PdfDocument(path)
    try:
        return sum(1 for i in range(len(pdf)) if _draws_table(pdf[i]))
    finally:
        pdf.close()


def with_pdfplumber(path: Path) -> Any:
    keep = pdftables.find_tables
    pdftables.find_tables = lambda page: None  # every table page to pdfplumber
    try:
        return extract(path)
    finally:
        pdftables.find_tables = keep


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    paths = args.pdfs or sorted(CORPUS.glob("*.pdf"))
    ways: dict[str, Callable[[Path], Any]] = {
        "plain": plain,
        "extract": extract,
        "extract, pdfplumber": with_pdfplumber,
    }
    print(f"CPU ms, {args.runs} interleaved runs; x = ratio to plain (min to min, median to median)")
    print(f"{'file':<40} {'tables':>6}  " + "  ".join(f"{name:>30}" for name in ways))
    for path in paths:
        for way in ways.values():  # imports, patterns and the disk warmed before the clock
            way(path)
        times: dict[str, list[float]] = {name: [] for name in ways}
        names = list(ways)
        for run in range(args.runs):
            for name in names[run % len(names) :] + names[: run % len(names)]:
                started = time.process_time()
                ways[name](path)
                times[name].append(time.process_time() - started)
        base_min, base_median = min(times["plain"]), statistics.median(times["plain"])
        cells = []
        for values in times.values():
            low, mid = min(values), statistics.median(values)
            cells.append(f"{low * 1000:6.1f} {mid * 1000:6.1f} x{low / base_min:5.1f} x{mid / base_median:5.1f}")
        print(f"{path.name:<40} {table_pages(path):>6}  " + "  ".join(f"{c:>30}" for c in cells))


if __name__ == "__main__":
    main()
