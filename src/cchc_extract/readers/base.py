"""What every reader produces: blocks of text with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import ParseWarning


@dataclass(frozen=True, slots=True)  # one per line or paragraph: no __dict__ each
class Block:
    """One line or paragraph of a report as the format gave it.

    ``hints`` carries what the format knew about the block ("bold" for a
    paragraph typed in bold, "heading" for a heading style, "cell" for table text).
    """

    text: str
    page: int | None = None
    hints: frozenset[str] = frozenset()


@dataclass
class RawDocument:
    """A report as read: its blocks in reading order and facts about the source."""

    path: str
    format: str
    sha256: str
    blocks: list[Block]
    encoding: str | None = None
    pages: int | None = None
    ocr: bool = False
    warnings: list[ParseWarning] = field(default_factory=list)
