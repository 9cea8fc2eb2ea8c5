"""What the spaCy components add to a blank pipeline, per corpus report.

Run: python benchmarks/bench_spacy.py [--runs 5] [--lang xx|vi]
Each run passes every corpus text report (the file's text, as written) through a blank
pipeline, then through the same with ``cchc_extract``; prints ms per report (min and
median over the runs) and their ratio measured in the same run. Asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from cchc_extract.spacy import blank

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lang", default="xx")
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.md"))]
    bare, full = blank(args.lang), blank(args.lang)
    full.add_pipe("cchc_extract")
    full(texts[0])  # compile the patterns once, outside the timing
    times: dict[str, list[float]] = {"blank": [], "cchc_extract": []}
    ratios = []
    for _ in range(args.runs):
        for name, nlp in (("blank", bare), ("cchc_extract", full)):
            start = time.perf_counter()
            for text in texts:
                nlp(text)
            times[name].append((time.perf_counter() - start) / len(texts) * 1000)
        ratios.append(times["cchc_extract"][-1] / times["blank"][-1])
    print(f"{len(texts)} corpus reports, spacy.blank({args.lang!r}), {args.runs} runs")
    for name, ms in times.items():
        print(f"{name:<14} {min(ms):6.1f} ms per report (median {statistics.median(ms):.1f})")
    print(f"with cchc_extract / blank: min {min(ratios):.1f}x, median {statistics.median(ratios):.1f}x")


if __name__ == "__main__":
    main()
