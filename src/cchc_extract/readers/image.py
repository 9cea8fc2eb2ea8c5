"""Scanned pages as image files: PNG, JPEG and TIFF (a multi-page TIFF is a document of pages).

Every page is read by OCR (ocr.py); an image has no text layer, so ``--ocr never``
or a missing Tesseract leaves nothing to read, which is the ``no_text`` error. The
resolution comes from the file; where it gives none (a photo, a screenshot), it is
taken as 200 dpi, which only scales the distances that part paragraphs.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError, first_line
from ..i18n import Message
from ..models import ParseWarning
from .base import RawDocument
from .ocr import PageImage, no_text, ocr_pages, ocr_warnings, read_document, settings, tesseract_problem
from .pdf import _blocks, _drop_furniture, ocr_lines

DEFAULT_DPI = 200.0
MAX_PIXELS = 120_000_000  # a page of A0 at 300 dpi; more is a decompression bomb, not a scan


def read_image(path: Path, data: bytes, ocr: Any = None) -> RawDocument:
    options = settings(ocr)
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with _quiet():
            image = Image.open(io.BytesIO(data))
            frames = getattr(image, "n_frames", 1)
    except UnidentifiedImageError as exc:  # its message names a BytesIO object, of no use to a person
        raise InputError(path, "error.image.unidentified") from exc
    except Exception as exc:  # Pillow on a damaged file: SyntaxError, struct.error, EOFError, ...
        raise unreadable(path, exc) from exc
    if options.mode == "never":
        raise no_text(path, frames, Message("error.no_text.image_ocr_off"))
    problem = tesseract_problem()
    if problem:
        raise no_text(path, frames, Message("error.no_text.image_no_ocr", {"problem": problem}))
    found: list[ParseWarning] = []
    pages = []
    for page in read_document(ocr_pages(_pages(path, image, frames, options.dpi), frames, options)):
        pages.append(ocr_lines(page))
        found.extend(ocr_warnings(page))
    if not any(line.text.strip() or line.cells for lines in pages for line in lines):
        raise no_text(path, frames, Message("error.no_text.none_recognized"))
    _drop_furniture(pages)
    return RawDocument(
        path=str(path),
        format=(image.format or path.suffix.lstrip(".")).lower(),
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=_blocks(pages),
        pages=frames,
        ocr=True,
        warnings=found,
    )


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Pillow warns on stderr of what it survives in a damaged file ("Corrupt EXIF data"): the
    page is read, or the file refused in one line, either way without them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def unreadable(path: Path, exc: Exception) -> InputError:
    """The error for an image Pillow cannot decode, whatever it raised."""
    return InputError(path, "error.image.unreadable", reason=f"{type(exc).__name__}: {first_line(exc)}")


def _pages(path: Path, image: Any, frames: int, dpi: int) -> Iterator[PageImage]:
    """The frames as grey pages; finer scans brought down to ``dpi``, at which the reading is
    measured and tuned (a 300 dpi scan reads no better, and takes half as long again).
    A frame Pillow cannot decode (a truncated or damaged file) is the file's ``InputError``."""
    for index in range(frames):
        try:
            page = _page(image, index, dpi)
        except Exception as exc:  # Pillow decodes only now, and raises any of several types
            raise unreadable(path, exc) from exc
        yield page


def _page(image: Any, index: int, dpi: int) -> PageImage:
    import numpy as np
    from PIL import Image

    with _quiet():
        image.seek(index)
        given = float(image.info.get("dpi", (0, 0))[0] or 0)
        resolution = given if given >= 50 else DEFAULT_DPI
        grey = image.convert("L")
    if resolution > dpi * 1.05:
        size = (round(grey.width * dpi / resolution), round(grey.height * dpi / resolution))
        grey, resolution = grey.resize(size, Image.Resampling.LANCZOS), float(dpi)
    return PageImage(np.asarray(grey).copy(), resolution, index + 1)
