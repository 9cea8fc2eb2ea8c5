"""Issuers: normalizing how a body is written, and naming it from a symbol code."""

from __future__ import annotations

import regex

from . import patternbook
from .vietnamese import fold_tones, recase_body


@patternbook.derived(maxsize=4096)  # reports of a province name the same few bodies
def normalize_issuer(written: str | None) -> str | None:
    """The issuer with abbreviations expanded and spelling folded, or None.

    "UBND huyện Hoàng Hóa" -> "Ủy ban nhân dân huyện Hoàng Hóa";
    "Thủ tướng Chính phủ" -> "Thủ tướng Chính phủ" (from the phrase table).
    """
    if not written:
        return None
    book = patternbook.issuers()
    text = fold_tones(recase_body(" ".join(written.split()))).strip(" ,;.:")
    if not text:
        return None
    known = book.phrases.get(text.casefold())
    if known:
        return known
    words = [book.abbreviations.get(word, word) for word in text.split(" ")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


_TERM = regex.compile(r"\d+$")


def without_term(code: str) -> str:
    """An issuer code without the term number some carry: "QH13" -> "QH", "UBTVQH15" -> "UBTVQH"."""
    return _TERM.sub("", code)


def issuer_for_code(code: str | None) -> str | None:
    """The body a symbol's issuer code stands for ("CP" -> "Chính phủ"), if the table knows it."""
    if not code:
        return None
    book = patternbook.issuers()
    canonical = book.canonical_code(code) or book.canonical_code(without_term(code))
    return book.codes[canonical].name if canonical else None


@patternbook.derived
def _titles() -> regex.Pattern[str]:
    titles = patternbook.issuers().titles
    return regex.compile(rf"(?i)^(?:(?:{patternbook.alternation(titles, ignore_case=True)})\s*,?\s*)+")


def without_titles(body: str) -> str:
    """A body's name without the titles of its head before it: "Bộ trưởng, Chủ nhiệm Văn phòng
    Chính phủ" -> "Văn phòng Chính phủ" (the titles are patterns/issuers.yaml ``titles``)."""
    rest = _titles().sub("", body, count=1)
    return rest or body


def is_title(text: str) -> bool:
    """Whether ``text`` is only the titles of a body's head: "Bộ trưởng", "Bộ trưởng, Chủ nhiệm"."""
    return bool(_titles().fullmatch(text.strip()))
