"""Readers: one per format, each turning a file into blocks with provenance.

``read(path)`` picks the reader by file suffix from ``READERS``; an unknown
suffix is an error that lists the supported ones. Heavy libraries are imported
inside the reader that needs them, only when such a file comes.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import CchcError, InputError, UnsupportedFormat
from ..legacy import TEXT_ENCODINGS
from .base import Block, RawDocument
from .text import read_markdown, read_text

Reader = Callable[[Path, bytes], RawDocument]
OcrOption = Any  # "auto", "always", "never" or an ocr.OcrSettings (imported only when OCR may run)
# when scanned pages and images are read by OCR; here, so that checking a mode imports nothing of OCR
OCR_MODES = ("auto", "always", "never")


def _docx(path: Path, data: bytes) -> RawDocument:
    from .docx import read_docx  # python-docx is imported only when a DOCX comes

    return read_docx(path, data)


def _doc(path: Path, data: bytes) -> RawDocument:
    from .docx import read_doc

    return read_doc(path, data)


def _pdf(path: Path, data: bytes, password: str | None = None, ocr: OcrOption = None) -> RawDocument:
    from .pdf import read_pdf  # pypdfium2 (and pdfplumber, for tables) only when a PDF comes

    return read_pdf(path, data, password, ocr)


def _image(path: Path, data: bytes, ocr: OcrOption = None) -> RawDocument:
    from .image import read_image  # Pillow, numpy and Tesseract only when an image comes

    return read_image(path, data, ocr)


READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".docx": _docx,
    ".doc": _doc,
    ".pdf": _pdf,
    ".png": _image,
    ".jpg": _image,
    ".jpeg": _image,
    ".tif": _image,
    ".tiff": _image,
}

MAX_BYTES = 200 * 1024 * 1024


def supported_suffixes() -> list[str]:
    return sorted(READERS)


def read(
    path: str | Path, *, password: str | None = None, encoding: str = "auto", ocr: OcrOption = None
) -> RawDocument:
    """Read a report file into blocks; raise a one-line ``CchcError`` on bad input.

    ``password`` opens an encrypted PDF. ``encoding`` is that of a text file (one of
    ``legacy.TEXT_ENCODINGS``; ``auto`` recognises it); DOCX and PDF files say their own.
    ``ocr`` says when scanned pages and images are read by OCR: "auto" (the default),
    "always", "never", or an ``ocr.OcrSettings``.
    """
    path = Path(path)
    if encoding not in TEXT_ENCODINGS:
        raise CchcError(None, f"unknown encoding {encoding!r}", "use one of " + ", ".join(TEXT_ENCODINGS))
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnsupportedFormat(
            path,
            f"unsupported format {path.suffix or '(no suffix)'!r}",
            "supported: " + ", ".join(supported_suffixes()),
        )
    try:
        info = path.stat()  # one call tells whether it is there, a folder, and how large
        if stat.S_ISDIR(info.st_mode):
            raise InputError(path, "is a folder, not a report file")
        if info.st_size > MAX_BYTES:
            raise InputError(path, f"too large ({info.st_size} bytes; the limit is {MAX_BYTES})")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(path, "no such file") from exc
    except PermissionError as exc:
        raise InputError(path, "permission denied") from exc
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror or exc}") from exc
    if not data.strip():
        raise InputError(path, "is empty")
    if reader is _pdf:
        return _pdf(path, data, password, ocr)
    if reader is _image:
        return _image(path, data, ocr)
    if reader in (read_text, read_markdown):
        return reader(path, data, encoding)
    return reader(path, data)


__all__ = ["READERS", "Block", "RawDocument", "read", "supported_suffixes"]
