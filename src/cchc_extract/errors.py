"""Errors a user can act on. Each renders as one line naming the file and the problem.

The problem and the remedy are message ids of the catalogue (``i18n``), written out in
the language current when the line is shown: ``InputError(path, "error.input.missing")``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def first_line(error: BaseException) -> str:
    """A library's error message cut to its first line, for a one-line report; its type when empty."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class CchcError(Exception):
    """Base class: a problem with the user's input, reported without a traceback.

    ``problem`` and ``remedy`` are message ids; ``args`` fill their placeholders.
    """

    kind = "error"
    exit_status = 2

    def __init__(self, path: str | Path | None, problem: str, remedy: str | None = None, **args: Any):
        self.path = str(path) if path is not None else None
        self.problem = problem
        self.remedy = remedy
        self.values = args
        super().__init__(self.line())

    def line(self) -> str:
        """The error in one line, in the current language: "FILE: problem (remedy)"."""
        from .i18n import t  # the catalogue, when a line is written: `cchc-extract --help` needs none

        where = f"{self.path}: " if self.path else ""
        tail = f" ({t(self.remedy, **self.values)})" if self.remedy else ""
        return f"{where}{t(self.problem, **self.values)}{tail}"

    def __str__(self) -> str:
        return self.line()


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

    @classmethod
    def unwritable(cls, path: str | Path, exc: OSError) -> OutputError:
        """``path`` cannot be written, for the reason the system gave."""
        return cls(path, "error.output.unwritable", reason=exc.strerror or str(exc))


class NoTextError(CchcError):
    """Nothing could be read: no text layer, and OCR off, not installed, or blind to the page."""

    kind = "no_text"
    exit_status = 3


class OptionError(CchcError):
    """An option's value is out of its range (``--jobs 0``, ``--timeout nan``)."""

    kind = "option"


class InternalError(CchcError):
    """A bug in cchc-extract met on this file: reported in one line, and the file named, so it can be sent."""

    kind = "internal"
