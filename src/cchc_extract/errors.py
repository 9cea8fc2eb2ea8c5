"""Errors a user can act on. Each renders as one line naming the file and the problem."""

from __future__ import annotations

from pathlib import Path


def first_line(error: BaseException) -> str:
    """A library's error message cut to its first line, for a one-line report; its type when empty."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class CchcError(Exception):
    """Base class: a problem with the user's input, reported without a traceback."""

    kind = "error"
    exit_status = 2

    def __init__(self, path: str | Path | None, problem: str, remedy: str | None = None):
        self.path = str(path) if path is not None else None
        self.problem = problem
        self.remedy = remedy
        super().__init__(self.line())

    def line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        tail = f" ({self.remedy})" if self.remedy else ""
        return f"{where}{self.problem}{tail}"


class InputError(CchcError):
    """The file is missing, unreadable, empty, or not what its name says."""

    kind = "input"


class UnsupportedFormat(CchcError):
    """No reader handles this kind of file."""

    kind = "format"


class PatternError(CchcError):
    """A pattern file in patterns/ is malformed; lists every bad entry at once."""

    kind = "patterns"


class OutputError(CchcError):
    """Writing the result would overwrite something, or the target is unwritable."""

    kind = "output"


class NoTextError(CchcError):
    """Nothing could be read: no text layer, and OCR off, not installed, or blind to the page."""

    kind = "no_text"
    exit_status = 3
