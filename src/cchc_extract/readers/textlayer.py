"""PDF text layers in legacy encodings: detected per page and converted line by line.

A PDF printed from a TCVN3 or VNI document carries the font's bytes in its text layer
("c¶i c¸ch hµnh chÝnh"); each page is judged by the share of its words that are
Vietnamese syllables as it is, read as TCVN3 and read as VNI (``legacy.assess_pages``).
A page whose text layer reads as Vietnamese in none of them (a PDF whose fonts map
glyphs to the wrong characters) has no usable text: ``usable`` says so, and the reader
treats it as a page without text, to be OCR'd.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .. import legacy


class _Line(Protocol):
    text: str
    cells: list[list[str]]


def usable(lines: Sequence[_Line]) -> bool:
    """Whether a page's text layer is text (Unicode, TCVN3 or VNI), not garbage to OCR."""
    return legacy.page_text_usable([line.text for line in lines])


def convert_pages(pages: Sequence[Sequence[_Line]]) -> str | None:
    """Convert, in place, the lines and table cells of pages in TCVN3 or VNI; return the encodings found."""
    texts = [
        [line.text for line in lines] + [c for line in lines for row in line.cells for c in row] for lines in pages
    ]
    found = set()
    for lines, layer in zip(pages, legacy.assess_pages(texts), strict=True):
        if layer.encoding is None:
            continue
        found.add(layer.encoding)
        for line in lines:
            line.text = legacy.convert_line(line.text, layer.encoding)
            line.cells = [[legacy.convert_line(c, layer.encoding) for c in row] for row in line.cells]
    return "+".join(sorted(found)) or None
