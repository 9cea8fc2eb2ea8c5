"""Where a text report's extraction time goes: milliseconds per report for each stage.

Run: python benchmarks/bench_stages.py [--rounds 20] [--repeat 5]
Each corpus text report is read and extracted ``rounds`` times per repeat; the
best repeat is kept (the least disturbed by other work on the machine). Prints
figures; asserts nothing. The stages are timed one by one, as
``pipeline.extract_document`` runs them.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cchc_extract.checks import run_checks
from cchc_extract.export import to_json
from cchc_extract.extract import find_references
from cchc_extract.extract.figures import find_figures
from cchc_extract.normalize import normalize
from cchc_extract.pipeline import extract, find_tables
from cchc_extract.readers import read
from cchc_extract.segment import segment

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def stages(path: Path, clock: Callable[[str, Callable[[], Any]], Any]) -> None:
    raw = clock("read", lambda: read(path))
    doc = clock("normalize", lambda: normalize(raw))
    layout = clock("segment", lambda: segment(doc))
    refs, _ = clock(
        "references", lambda: find_references(doc.text, layout.section_at, doc.page_at, set(layout.own_numbers))
    )
    tables, _ = clock("tables", lambda: find_tables(doc, layout))
    spans = [r.span for r in refs] + [t.span for t in tables if t.span]
    clock("figures", lambda: find_figures(doc, [layout.body], layout.section_at, spans))
    report = extract(path)
    clock("checks", lambda: run_checks(report))
    clock("json", lambda: to_json(report, indent=None))


def _clock(spent: dict[str, float]) -> Callable[[str, Callable[[], Any]], Any]:
    """A timer that adds each stage's time to ``spent``."""

    def clock(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = fn()
        spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
        return result

    return clock


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = sorted(CORPUS.glob("*.txt"))
    for path in files:
        extract(path)  # patterns compiled outside the timing
    best: dict[str, float] = {}
    whole = float("inf")
    for _ in range(args.repeat):
        spent: dict[str, float] = {}
        clock = _clock(spent)
        for _ in range(args.rounds):
            for path in files:
                stages(path, clock)
        for name, seconds in spent.items():
            best[name] = min(best.get(name, float("inf")), seconds)
        start = time.perf_counter()
        for _ in range(args.rounds):
            for path in files:
                extract(path)
        whole = min(whole, time.perf_counter() - start)
    n = args.rounds * len(files)
    print(f"{len(files)} corpus text reports, {args.rounds} rounds, best of {args.repeat}; ms per report:")
    for name, seconds in best.items():
        print(f"  {name:11} {1000 * seconds / n:6.3f}")
    rate = n / whole
    print(f"  {'extract()':11} {1000 * whole / n:6.3f}  (read to checks in one call: {rate:.0f} reports/s on one core)")


if __name__ == "__main__":
    main()
