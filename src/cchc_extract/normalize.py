"""Normalize blocks into one text that every record's span points into.

The normalized text is the report's words in Unicode NFC with the noise of
conversion removed (look-alike letters, odd spaces, soft hyphens, HTML and
Markdown markup). Extractors only ever see this text, so ``text[span]`` of any
record is exactly its ``text``.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

import regex

from .readers.base import Block, RawDocument

# Look-alikes typed for Vietnamese letters: "NÐ-CP" has U+00D0 (Icelandic eth).
_LOOKALIKES = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ"})
# Spaces that are not U+0020, and characters that take no room at all.
_ODD_SPACES = regex.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = regex.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff\ufffe]")
# Either of the two: most reports have neither, and one scan (the standard engine is
# faster at a bare character class) tells.
_ODD_OR_INVISIBLE = re.compile(f"{_ODD_SPACES.pattern}|{_INVISIBLE.pattern}")
# HTML remnants such as the seed appendix's <i>...</i>; URLs in <...> are kept.
_TAGS = regex.compile(r"</?(?:i|b|u|em|strong|br|sup|sub|span|p|div|font|strike|s)\b[^<>\n]*>", regex.I)
# Markdown emphasis runs; a leading "* " is a bullet and stays. All patterns work on
# many lines at once and never touch a line break, so lines keep their count.
_EMPHASIS = regex.compile(r"(?<!^)\*+|^\*+(?!\s)", regex.M)
_MD_HEADING = regex.compile(r"^#{1,6}(?:[ \t]+|$)", regex.M)
_SPACES = re.compile(r"  +")  # a literal start: scanned for quickly
_LONE_STAR = regex.compile(r"^\*$", regex.M)


def clean_text(text: str) -> str:
    """Normalize text: NFC, look-alikes, spaces, markup; tabs (tables) and line breaks are kept."""
    text = unicodedata.normalize("NFC", text)
    if "\u00d0" in text or "\u00f0" in text:
        text = text.translate(_LOOKALIKES)
    # each pass runs only when the text holds what it removes: a pass costs a scan of the report
    if _ODD_OR_INVISIBLE.search(text):
        text = _INVISIBLE.sub("", _ODD_SPACES.sub(" ", text))
    if "<" in text:
        text = _TAGS.sub("", text)
    if "#" in text:
        text = _MD_HEADING.sub("", text)
    if "*" in text:
        text = _EMPHASIS.sub("", text)
    if "  " in text:
        text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    return _LONE_STAR.sub("", text) if "*" in text else text


@dataclass(slots=True)  # one per line of every report: built fast, never changed
class Line:
    """A line of the normalized text: where it is and where it came from."""

    start: int
    end: int
    page: int | None
    hints: frozenset[str]


@dataclass
class Document:
    """A normalized report: the text, its lines (one per line break, as ``normalize`` builds
    them), and the source facts."""

    raw: RawDocument
    text: str
    lines: list[Line]
    _starts: list[int] = field(default_factory=list, repr=False)
    _cells: list[bool] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._starts = [line.start for line in self.lines]

    def line_texts(self) -> list[str]:
        """The text of every line, in order (the lines are the text split at its line breaks)."""
        return self.text.split("\n")

    def line_text(self, index: int) -> str:
        line = self.lines[index]
        return self.text[line.start : line.end]

    def line_index(self, offset: int) -> int:
        """Index of the line that holds ``offset``."""
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def in_cell(self, index: int) -> bool:
        """Whether line ``index`` stands alone between two "|" lines: a Markdown table cell.

        Answered for every line at once, on the first question: asked line by line, a run
        of blank lines was walked again from each of its lines (13,000 blank lines: minutes).
        """
        if self._cells is None:
            texts = [line.strip() for line in self.line_texts()]
            above, below = [""] * len(texts), [""] * len(texts)  # the nearest non-blank line
            last = ""
            for k, text in enumerate(texts):
                above[k], last = last, text or last
            last = ""
            for k in range(len(texts) - 1, -1, -1):
                below[k], last = last, texts[k] or last
            self._cells = [a == "|" and b == "|" for a, b in zip(above, below, strict=True)]
        return 0 <= index < len(self._cells) and self._cells[index]

    def page_at(self, offset: int) -> int | None:
        if not self.lines:
            return None
        return self.lines[self.line_index(offset)].page


def normalize(raw: RawDocument) -> Document:
    """Build the normalized text from a reader's blocks, one line per block line."""
    pieces: list[str] = []
    origins: list[Block] = []
    for block in raw.blocks:
        block_lines = _block_lines(block)
        pieces += block_lines
        origins += [block] * len(block_lines)
    text = clean_text("\n".join(pieces))  # one pass per pattern over the whole report
    lines: list[Line] = []
    offset = 0
    for cleaned, block in zip(text.split("\n"), origins, strict=True):
        end = offset + len(cleaned)
        lines.append(Line(offset, end, block.page, block.hints))
        offset = end + 1
    return Document(raw=raw, text=text, lines=lines)


def _block_lines(block: Block) -> list[str]:
    text = block.text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n") if "\n" in text else [text]
