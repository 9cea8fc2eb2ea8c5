"""What reading a report in a legacy encoding costs, per MB, against reading its Unicode original.

Run: python benchmarks/bench_legacy.py [--mb 1.0] [--runs 5]
Text files: about 1 MB of the corpus reports, as UTF-8 and as Windows-1258, TCVN3 and VNI
bytes, read with --encoding auto (the guess included) and with the encoding given.
DOCX: the corpus reports' Unicode DOCX against their TCVN3, VNI and mixed renderings
(corpus/legacy/), per MB of extracted text. Prints min and median of several runs and the
ratio to the Unicode original, measured in one run; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cchc_extract import legacy, read

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
LEGACY = CORPUS / "legacy"


def timed(runs: int, fn: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def corpus_text(megabytes: float) -> str:
    one = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    copies = max(1, int(megabytes * 1_000_000 / len(one.encode("utf-8"))) + 1)
    return "\n\n".join([one] * copies)


def row(name: str, mb: float, best: float, median: float, base: float | None) -> str:
    ratio = f"{best / base:5.1f}x" if base else "    -"
    return f"  {name:<28} {best / mb * 1000:8.1f} {median / mb * 1000:8.1f} ms/MB   {ratio}"


def bench_text(megabytes: float, runs: int) -> None:
    text = corpus_text(megabytes)
    mb = len(text.encode("utf-8")) / 1_000_000
    print(f"text files: {mb:.2f} MB of report text (UTF-8 size); ms per MB, min and median of {runs} runs")
    with tempfile.TemporaryDirectory() as folder:
        paths = {"utf-8": Path(folder) / "utf8.txt"}
        paths["utf-8"].write_bytes(text.encode("utf-8"))
        for encoding in ("cp1258", "tcvn3", "vni"):
            paths[encoding] = Path(folder) / f"{encoding}.txt"
            paths[encoding].write_bytes(legacy.encode_bytes(text, encoding))
        base, median = timed(runs, lambda: read(paths["utf-8"]))
        print(row("utf-8 (the original)", mb, base, median, None))
        for encoding in ("cp1258", "tcvn3", "vni"):
            best, median = timed(runs, lambda e=encoding: read(paths[e]))  # type: ignore[misc]
            print(row(f"{encoding}, auto (guessed)", mb, best, median, base))
            best, median = timed(runs, lambda e=encoding: read(paths[e], encoding=e))  # type: ignore[misc]
            print(row(f"{encoding}, --encoding {encoding}", mb, best, median, base))


def bench_docx(runs: int) -> None:
    stems = [p.stem for p in sorted(CORPUS.glob("*.docx"))]
    mb = sum(len("\n".join(b.text for b in read(CORPUS / f"{s}.docx").blocks).encode()) for s in stems) / 1e6
    print(f"DOCX: the {len(stems)} corpus reports, {mb:.2f} MB of text; ms per MB of text")

    def read_all(form: str) -> None:
        for stem in stems:
            read(CORPUS / f"{stem}.docx" if form == "unicode" else LEGACY / f"{stem}.{form}.docx")

    read_all("tcvn3")  # python-docx imported outside the timing
    base, median = timed(runs, lambda: read_all("unicode"))
    print(row("unicode (the original)", mb, base, median, None))
    for form in ("tcvn3", "vni", "mixed"):
        best, median = timed(runs, lambda f=form: read_all(f))  # type: ignore[misc]
        print(row(form, mb, best, median, base))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bench_text(args.mb, args.runs)
    bench_docx(args.runs)


if __name__ == "__main__":
    main()
