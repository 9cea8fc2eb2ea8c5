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
from typing import BinaryIO

from ..errors import CchcError, InputError, UnsupportedFormat, first_line
from ..legacy import TEXT_ENCODINGS
from .base import Block, RawDocument
from .text import read_markdown, read_text

Reader = Callable[[Path, bytes], RawDocument]


def _docx(path: Path, data: bytes) -> RawDocument:
    from .docx import read_docx  # python-docx is imported only when a DOCX comes

    return read_docx(path, data)


def _doc(path: Path, data: bytes) -> RawDocument:
    from .docx import read_doc

    return read_doc(path, data)


def _pdf(path: Path, data: bytes, password: str | None = None) -> RawDocument:
    from .pdf import read_pdf  # pypdfium2 (and pdfplumber, for tables) only when a PDF comes

    return read_pdf(path, data, password)


READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".docx": _docx,
    ".doc": _doc,
    ".pdf": _pdf,
}

MAX_BYTES = 200 * 1024 * 1024


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
        raise InputError(path, "no such file") from exc
    except PermissionError as exc:
        raise InputError(path, "permission denied") from exc
    except IsADirectoryError as exc:
        raise InputError(path, "is a folder, not a report file") from exc
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror or exc}") from exc
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(path, "is a folder, not a report file")
        if not stat.S_ISREG(mode):
            raise InputError(path, f"is {_KINDS.get(stat.S_IFMT(mode), 'a special file')}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def read(path: str | Path, *, password: str | None = None, encoding: str = "auto") -> RawDocument:
    """Read a report file into blocks; raise a one-line ``CchcError`` on bad input.

    ``password`` opens an encrypted PDF. ``encoding`` is that of a text file (one of
    ``legacy.TEXT_ENCODINGS``; ``auto`` recognises it); DOCX and PDF files say their own.
    Whatever a format's library raises on a damaged file becomes an ``InputError``
    naming the file and the library's message.
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
    with open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise InputError(path, f"too large ({size} bytes; the limit is {MAX_BYTES})")
            data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(path, f"cannot be read: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise InputError(path, f"too large (over {MAX_BYTES} bytes)")
    if not data.strip():
        raise InputError(path, "is empty")
    try:
        if reader is _pdf:
            return _pdf(path, data, password)
        if reader in (read_text, read_markdown):
            return reader(path, data, encoding)
        return reader(path, data)
    except CchcError:
        raise
    except Exception as exc:  # a library met something in the file it could not parse
        kind = path.suffix.lower().lstrip(".")
        raise InputError(path, f"cannot be read as {kind}: {type(exc).__name__}: {first_line(exc)}") from exc


__all__ = ["READERS", "Block", "RawDocument", "open_regular", "read", "supported_suffixes"]
