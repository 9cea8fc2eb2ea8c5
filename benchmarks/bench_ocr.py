"""OCR speed: seconds per page for cchc-extract's OCR reader against Tesseract alone on the same images.

Run: python benchmarks/bench_ocr.py [--pages N] [--runs 3] [--dpi 200] [--degrade]

The seed report's PDF is scanned (corpus/scan.py) and its pages rasterized at ``--dpi``.
The floor is Tesseract alone on those images: one ``tesseract`` process per page, its
Vietnamese model, ``OMP_THREAD_LIMIT=1``, as many pages at once as there are CPUs, each
image read from a file. cchc-extract reads the scanned PDF itself: it rasterizes the pages,
straightens them, finds and reads the tables, and assembles the text
(``readers.read``, which the whole extraction adds a few milliseconds to). Both figures are
wall time per page (the minimum and median over the runs), and CPU time per page (this
process and its children); the ratio is of the minimum wall times. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "corpus"))

import scan  # noqa: E402  (corpus/scan.py)

from cchc_extract import read  # noqa: E402
from cchc_extract.readers.ocr import OcrSettings  # noqa: E402


def cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    started, used = time.perf_counter(), cpu()
    fn()
    return time.perf_counter() - started, cpu() - used


def tesseract_alone(images: list[Path], dpi: int) -> None:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(image: Path) -> None:
        command = ["tesseract", str(image), "stdout", "-l", "vie", "--dpi", str(dpi), "tsv"]
        subprocess.run(command, check=True, capture_output=True, env=env)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(one, images))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all 13)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dpi", type=int, default=200, help="scan and rasterize at this resolution")
    parser.add_argument("--degrade", action="store_true", help="a photocopy-like scan")
    args = parser.parse_args()
    import pypdfium2 as pdfium

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = ROOT / "corpus" / "000_hoang_cat_2024h1.pdf"
        scanned = scan.scan(source, work, dpi=args.dpi, degraded=args.degrade)
        if args.pages:
            pdf = pdfium.PdfDocument(str(scanned))
            keep = pdfium.PdfDocument.new()
            keep.import_pages(pdf, list(range(min(args.pages, len(pdf)))))
            scanned = work / "first.pdf"
            keep.save(str(scanned))
        pdf = pdfium.PdfDocument(str(scanned))
        images = []
        for index in range(len(pdf)):
            image = work / f"page{index + 1}.pgm"
            pdf[index].render(scale=args.dpi / 72, grayscale=True).to_pil().convert("L").save(image)
            images.append(image)
        pages = len(images)
        settings = OcrSettings(mode="auto", dpi=args.dpi)
        floor, ours = [], []
        for _ in range(args.runs):
            floor.append(timed(lambda: tesseract_alone(images, args.dpi)))
            ours.append(timed(lambda: read(scanned, ocr=settings)))
    print(
        f"{pages} page(s) of the seed scanned at {args.dpi} dpi{' (degraded)' if args.degrade else ''}, "
        f"{os.cpu_count()} CPUs, {args.runs} run(s)"
    )
    for name, runs in (("tesseract alone", floor), ("cchc-extract OCR", ours)):
        walls = [w / pages for w, _ in runs]
        cpus = [c / pages for _, c in runs]
        print(
            f"  {name:<17} wall {min(walls):.2f} s/page (median {statistics.median(walls):.2f}), "
            f"CPU {min(cpus):.2f} s/page (median {statistics.median(cpus):.2f})"
        )
    ratio = min(w for w, _ in ours) / min(w for w, _ in floor)
    cpu_ratio = min(c for _, c in ours) / min(c for _, c in floor)
    print(f"  ratio (wall, min over runs): {ratio:.2f} x the floor; CPU: {cpu_ratio:.2f} x (target: within 1.2 x)")


if __name__ == "__main__":
    main()
