"""Where records stand in a text other than the normalized one they were found in.

Records carry spans into the normalized text. A tool that holds the text as it was
written (a spaCy ``Doc`` made from a file's contents) needs those spans moved back:
``OffsetMap`` does that. Gold records carry no spans at all, only their words:
``find_words`` and ``find_heading`` find them in the normalized text.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterator

import regex

from . import patternbook
from .vietnamese import fold_tones

# How a text report is cut into lines before normalizing (readers/text.py): CRLF and
# lone CR are line breaks, and a form feed starts a page, i.e. a new line.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\f]")


def _lines(text: str, breaks: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    start = 0
    for match in breaks.finditer(text):
        yield start, text[start : match.start()]
        start = match.end()
    yield start, text[start:]


class OffsetMap:
    """Offsets in the normalized text -> offsets in the text it was normalized from.

    Normalizing keeps the lines of a text (it never adds or removes a line break) and
    within a line only drops characters (markup, soft hyphens, doubled spaces) or
    replaces them (look-alike letters, odd spaces, NFC composition). So lines are
    paired one to one, and only the lines that changed are aligned, character by
    character. A start that falls inside replaced characters moves to their start, an
    end to their end, so the mapped span always covers what the record covers.
    """

    def __init__(self, original: str, normalized: str):
        source = list(_lines(original, _LINE_BREAK))
        target = list(_lines(normalized, re.compile("\n")))
        if len(source) != len(target):
            raise ValueError(f"the texts do not have the same lines ({len(source)} and {len(target)})")
        self._starts = [start for start, _ in target]
        self._lines: list[tuple[int, int, list[int] | None, list[int] | None]] = []
        for (orig_start, orig_line), (norm_start, norm_line) in zip(source, target, strict=True):
            maps = None if orig_line == norm_line else _align_line(norm_line, orig_line)
            self._lines.append((norm_start, orig_start, *(maps or (None, None))))

    def _map(self, offset: int, side: int) -> int:
        norm_start, orig_start, *maps = self._lines[max(0, bisect.bisect_right(self._starts, offset) - 1)]
        within = offset - norm_start
        table = maps[side]
        return orig_start + (within if table is None else table[within])

    def span(self, span: tuple[int, int]) -> tuple[int, int]:
        """Where ``span`` of the normalized text lies in the original text."""
        return self._map(span[0], 0), self._map(span[1], 1)


def _align_line(norm: str, orig: str) -> tuple[list[int], list[int]]:
    """For each offset of ``norm``: where a span starting there, and one ending there, lies in ``orig``."""
    starts = [0] * (len(norm) + 1)
    ends = [0] * (len(norm) + 1)
    starts[len(norm)] = len(orig)
    matcher = difflib.SequenceMatcher(None, norm, orig, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert":  # characters normalizing dropped: no offset of norm falls inside
            continue
        for i in range(i1, i2):
            if tag == "equal":
                starts[i], ends[i + 1] = j1 + i - i1, j1 + i - i1 + 1
            else:  # replaced: spread over the original characters, rounding outwards
                width, length = j2 - j1, i2 - i1
                starts[i] = j1 + (i - i1) * width // length
                ends[i + 1] = j1 + -(-(i + 1 - i1) * width // length)
    return starts, ends


# --- gold records, found by their words ------------------------------------------


def find_words(folded: str, words: str, start: int = 0) -> tuple[int, int] | None:
    """The first place at or after ``start`` where ``words`` stand, as a reader compares text.

    ``folded`` is the normalized text with its tone marks folded (``fold_tones`` keeps
    offsets); white space may differ in kind and length ("a reference broken over a
    line is written with its line breaks or without them", gold/README.md).
    """
    parts = fold_tones(words).split()
    if not parts:
        return None
    match = regex.compile(r"\s+".join(regex.escape(p) for p in parts)).search(folded, start)
    return match.span() if match else None


def find_heading(lines: list[str], number: str, title: str, first: int = 0) -> tuple[int, str] | None:
    """The first line at or after ``first`` that is a heading numbered ``number`` with ``title``,
    as (line index, heading form id). Titles compare as a reader would; a title that goes on
    over the next line (segment.py joins it) matches the line that starts it."""
    wanted = _title(title)
    for index in range(first, len(lines)):
        line = lines[index].strip()
        for form in patternbook.heading_forms():
            match = form.regex.match(line)
            if not match or match["number"] != number:
                continue
            written = _title(match["title"])
            if written == wanted or (written and wanted.startswith(written + " ")):
                return index, form.id
    return None


def _title(text: str) -> str:
    return " ".join(fold_tones(text).split()).rstrip(" :;.")
