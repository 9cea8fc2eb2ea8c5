"""Scanned renderings of the corpus reports: what an archive's scanner or photocopier makes of them.

    python corpus/scan.py --out scans/                   # every corpus PDF, scanned clean at 200 dpi
    python corpus/scan.py --out scans/ --degrade         # as a worn photocopy: skewed, blurred, specked
    python corpus/scan.py corpus/000_hoang_cat_2024h1.pdf --out scans/ --dpi 300

Each page of the text PDF is rasterized with pypdfium2 (as a flatbed scanner at
``--dpi``, in grey), and the pages are stored as a PDF of JPEG images with no text
layer, under the same file stem, so ``cchc-extract eval scans --gold gold`` scores
them with the gold of the text. ``--degrade`` adds what a photocopy of a photocopy
does: the page turned by up to a degree and a half, toner blur, grey paper, grain
and specks. The noise is seeded by the file name and page, so a rendering is the
same every time.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def rasterize(pdf_path: Path, dpi: int) -> list[Any]:
    """The pages of a PDF as grey Pillow images at ``dpi``."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(pdf))]
    finally:
        pdf.close()


def degrade(page: Any, seed: int, dpi: int) -> Any:
    """A photocopy of ``page``: skew, blur, grey paper, grain and specks (deterministic in ``seed``)."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    angle = float(rng.uniform(0.6, 1.5) * rng.choice([-1, 1]))
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(radius=dpi / 200 * 0.9))
    pixels = np.asarray(page, dtype=np.float32)
    # toner: dark strokes a little lighter, paper a little grey and uneven
    pixels = 35 + pixels * (215 / 255)
    width = pixels.shape[1]
    shade = np.linspace(0, rng.uniform(6, 18), width, dtype=np.float32)[None, :]
    pixels = pixels - shade + rng.normal(0, 10, pixels.shape).astype(np.float32)
    specks = rng.random(pixels.shape) < 0.0015
    pixels[specks] = rng.uniform(0, 90, int(specks.sum()))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def scan(pdf_path: Path, out: Path, *, dpi: int = 200, degraded: bool = False, quality: int = 85) -> Path:
    """Write the scanned rendering of ``pdf_path`` into folder ``out``; return its path."""
    pages = rasterize(pdf_path, dpi)
    if degraded:
        base = int.from_bytes(hashlib.sha256(pdf_path.name.encode()).digest()[:4], "big")
        pages = [degrade(page, base + k, dpi) for k, page in enumerate(pages)]
    out.mkdir(parents=True, exist_ok=True)
    target = out / pdf_path.name
    pages[0].save(target, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=quality)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path, help="text PDFs (default: every PDF of the corpus)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the scanned PDFs")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--degrade", action="store_true", help="a worn photocopy rather than a clean scan")
    args = parser.parse_args()
    for pdf in args.pdfs or sorted(HERE.glob("*.pdf")):
        print(scan(pdf, args.out, dpi=args.dpi, degraded=args.degrade))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    main()
