"""References extracted per second on about 1 MB of report text, against a plain regex pass.

Run: python benchmarks/bench_references.py [--mb 1.0] [--repeat 3]
The text is the corpus reports, repeated. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import regex

from cchc_extract import extract, find_references

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def corpus_text(megabytes: float) -> str:
    texts = [extract(p, with_text=True).text or "" for p in sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.md"))]
    one = "\n\n".join(texts)
    copies = max(1, int(megabytes * 1_000_000 / len(one.encode("utf-8"))) + 1)
    return "\n\n".join([one] * copies)


def best_of(repeat: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = corpus_text(args.mb)
    size = len(text.encode("utf-8")) / 1_000_000
    find_references("Quyết định số 01/QĐ-UBND")  # compile the patterns once, outside the timing
    baseline = regex.compile(r"\d+\s?/\s?\p{Lu}+")
    base = best_of(args.repeat, lambda: sum(1 for _ in baseline.finditer(text)))
    refs_box: list[int] = []
    full = best_of(args.repeat, lambda: refs_box.append(len(find_references(text)[0])))
    refs = refs_box[-1]
    print(f"text: {size:.2f} MB, {refs} references found")
    print(f"plain regex pass:     {base * 1000:8.1f} ms  ({size / base:6.1f} MB/s)")
    print(f"find_references:      {full * 1000:8.1f} ms  ({size / full:6.1f} MB/s, {refs / full:,.0f} references/s)")
    print(f"cost over a plain regex pass: {full / base:.1f}x")


if __name__ == "__main__":
    main()
