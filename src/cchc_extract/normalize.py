"""Normalize blocks into one text that every record's span points into.

The normalized text is the report's words in Unicode NFC with the noise of
conversion removed (look-alike letters, odd spaces, soft hyphens, HTML and
Markdown markup). Extractors only ever see this text, so ``text[span]`` of any
record is exactly its ``text``.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field

import regex

from .readers.base import Block, RawDocument

# Look-alikes typed for Vietnamese letters: "NÐ-CP" has U+00D0 (Icelandic eth).
_LOOKALIKES = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ"})
# Spaces that are not U+0020, and characters that take no room at all.
_ODD_SPACES = regex.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = regex.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff\ufffe]")
# HTML remnants such as the seed appendix's <i>...</i>; URLs in <...> are kept.
_TAGS = regex.compile(r"</?(?:i|b|u|em|strong|br|sup|sub|span|p|div|font|strike|s)\b[^<>\n]*>", regex.I)
# Markdown emphasis runs; a leading "* " is a bullet and stays.
_EMPHASIS = regex.compile(r"(?<!^)\*+|^\*+(?!\s)")
_MD_HEADING = regex.compile(r"^#{1,6}(?:\s+|$)")
_SPACES = regex.compile(r" {2,}")


def clean_line(line: str) -> str:
    """Normalize one line: NFC, look-alikes, spaces, markup; tabs are kept for tables."""
    line = unicodedata.normalize("NFC", line)
    if "\u00d0" in line or "\u00f0" in line:
        line = line.translate(_LOOKALIKES)
    line = _ODD_SPACES.sub(" ", line)
    line = _INVISIBLE.sub("", line)
    line = _TAGS.sub("", line)
    line = _MD_HEADING.sub("", line)
    line = _EMPHASIS.sub("", line)
    line = _SPACES.sub(" ", line).strip(" ")
    return "" if line == "*" else line


@dataclass(frozen=True)
class Line:
    """A line of the normalized text: where it is and where it came from."""

    start: int
    end: int
    page: int | None
    hints: frozenset[str]


@dataclass
class Document:
    """A normalized report: the text, its lines, and the source facts."""

    raw: RawDocument
    text: str
    lines: list[Line]
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [line.start for line in self.lines]

    def line_text(self, index: int) -> str:
        line = self.lines[index]
        return self.text[line.start : line.end]

    def line_index(self, offset: int) -> int:
        """Index of the line that holds ``offset``."""
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def in_cell(self, index: int) -> bool:
        """Whether line ``index`` stands alone between two "|" lines: a Markdown table cell."""

        def neighbour(step: int) -> str:
            k = index + step
            while 0 <= k < len(self.lines) and not self.line_text(k).strip():
                k += step
            return self.line_text(k).strip() if 0 <= k < len(self.lines) else ""

        return neighbour(-1) == "|" and neighbour(1) == "|"

    def page_at(self, offset: int) -> int | None:
        if not self.lines:
            return None
        return self.lines[self.line_index(offset)].page


def normalize(raw: RawDocument) -> Document:
    """Build the normalized text from a reader's blocks, one line per block line."""
    parts: list[str] = []
    lines: list[Line] = []
    offset = 0
    for block in raw.blocks:
        for piece in _block_lines(block):
            cleaned = clean_line(piece)
            lines.append(Line(offset, offset + len(cleaned), block.page, block.hints))
            parts.append(cleaned)
            offset += len(cleaned) + 1
    return Document(raw=raw, text="\n".join(parts), lines=lines)


def _block_lines(block: Block) -> list[str]:
    return block.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
