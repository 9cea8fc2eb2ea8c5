"""Readers: one per format, each turning a file into blocks with provenance.

``read(path)`` picks the reader by file suffix from ``READERS``; an unknown
suffix is an error that lists the supported ones. Heavy libraries are imported
inside the reader that needs them, only when such a file comes.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import CchcError, InputError, UnsupportedFormat, first_line
from ..i18n import Message
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

# format names, as --format takes them, and the suffix whose reader reads each
FORMATS = {
    "txt": ".txt",
    "md": ".md",
    "docx": ".docx",
    "doc": ".doc",
    "pdf": ".pdf",
    "png": ".png",
    "jpeg": ".jpeg",
    "tiff": ".tiff",
}
# what a format's bytes start with, for data that comes without a name (standard input)
_SIGNATURES = {
    b"%PDF": "pdf",
    b"PK\x03\x04": "docx",
    b"\xd0\xcf\x11\xe0": "doc",
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
}


def supported_suffixes() -> list[str]:
    return sorted(READERS)


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading if it is a regular file; anything else is a one-line ``InputError``.

    The file is opened without blocking and then examined (``fstat``), so that a FIFO
    named ``x.txt`` is refused rather than waited on, and a file swapped for one
    between a look and the open is judged by what was opened.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError as exc:
        raise InputError(path, "error.input.missing") from exc
    except PermissionError as exc:
        raise InputError(path, "error.input.permission") from exc
    except IsADirectoryError as exc:
        raise InputError(path, "error.input.folder") from exc
    except OSError as exc:
        raise InputError(path, "error.input.unreadable", reason=exc.strerror or str(exc)) from exc
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(path, "error.input.folder")
        if not stat.S_ISREG(mode):
            raise InputError(path, "error.input.special", what=Message(_KINDS.get(stat.S_IFMT(mode), "kind.special")))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


_KINDS = {
    stat.S_IFIFO: "kind.fifo",
    stat.S_IFCHR: "kind.char_device",
    stat.S_IFBLK: "kind.block_device",
    stat.S_IFSOCK: "kind.socket",
}


def guess_format(data: bytes) -> str:
    """The format of nameless bytes: PDF, DOCX, .doc and images by their signature, else text."""
    return next((name for magic, name in _SIGNATURES.items() if data.startswith(magic)), "txt")


def _reader(path: Path, format: str | None) -> Reader:
    """The reader for ``format`` (one of ``FORMATS``), else for the file's suffix."""
    if format is not None:
        suffix = FORMATS.get(format.lower().lstrip("."))
        if suffix is None:
            raise UnsupportedFormat(
                path, "error.format.unknown", "remedy.choose", value=format, choices=", ".join(FORMATS)
            )
        return READERS[suffix]
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnsupportedFormat(
            path,
            "error.format.unsupported",
            "remedy.format.supported",
            suffix=path.suffix,
            choices=", ".join(supported_suffixes()),
        )
    return reader


def read(
    path: str | Path,
    *,
    password: str | None = None,
    encoding: str = "auto",
    format: str | None = None,
    ocr: OcrOption = None,
) -> RawDocument:
    """Read a report file into blocks; raise a one-line ``CchcError`` on bad input.

    ``password`` opens an encrypted PDF. ``encoding`` is that of a text file (one of
    ``legacy.TEXT_ENCODINGS``; ``auto`` recognises it); DOCX and PDF files say their own.
    ``format`` (one of ``FORMATS``) reads the file as that, whatever its suffix.
    ``ocr`` says when scanned pages and images are read by OCR: "auto" (the default),
    "always", "never", or an ``ocr.OcrSettings``.
    """
    path = Path(path)
    _check_encoding(encoding)
    try:
        reader = _reader(path, format)
    except UnsupportedFormat:
        open_regular(path).close()  # a folder or a missing file says so, not that its "suffix" is unknown
        raise
    with open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise InputError(path, "error.input.too_large", size=str(size), limit=str(MAX_BYTES))
            data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(path, "error.input.unreadable", reason=exc.strerror or str(exc)) from exc
    if len(data) > MAX_BYTES:  # it grew between the look and the read
        raise InputError(path, "error.input.too_large.grew", limit=str(MAX_BYTES))
    return _read(reader, path, data, password, encoding, ocr)


def read_data(
    data: bytes,
    format: str | None = None,
    *,
    name: str = "<data>",
    password: str | None = None,
    encoding: str = "auto",
    ocr: OcrOption = None,
) -> RawDocument:
    """Read a report given as bytes (standard input, a database, a web request), as ``read``
    reads a file. ``format`` defaults to what the bytes look like (see ``guess_format``);
    ``name`` stands for the file in errors and in ``source.path``."""
    _check_encoding(encoding)
    if len(data) > MAX_BYTES:
        raise InputError(name, "error.input.too_large", size=str(len(data)), limit=str(MAX_BYTES))
    path = Path(name)
    return _read(_reader(path, format or guess_format(data)), path, data, password, encoding, ocr)


def _check_encoding(encoding: str) -> None:
    if encoding not in TEXT_ENCODINGS:
        raise CchcError(
            None, "error.encoding.unknown", "remedy.choose", value=encoding, choices=", ".join(TEXT_ENCODINGS)
        )


def _read(reader: Reader, path: Path, data: bytes, password: str | None, encoding: str, ocr: OcrOption) -> RawDocument:
    if not data.strip():
        raise InputError(path, "error.input.empty")
    try:
        if reader is _pdf:
            return _pdf(path, data, password, ocr)
        if reader is _image:
            return _image(path, data, ocr)
        if reader in (read_text, read_markdown):
            return reader(path, data, encoding)
        return reader(path, data)
    except CchcError:
        raise
    except Exception as exc:  # a library met something in the file it could not parse
        raise InputError(
            path,
            "error.input.library",
            kind=_format_name(path, reader),
            error=type(exc).__name__,
            reason=first_line(exc),
        ) from exc


def _format_name(path: Path, reader: Reader) -> str:
    """What the file was read as: its suffix when that chose the reader, else the format's name."""
    suffix = path.suffix.lower()
    if READERS.get(suffix) is reader:
        return suffix.lstrip(".")
    return next(name for name, known in FORMATS.items() if READERS[known] is reader)


__all__ = [
    "FORMATS",
    "READERS",
    "Block",
    "RawDocument",
    "guess_format",
    "open_regular",
    "read",
    "read_data",
    "supported_suffixes",
]
