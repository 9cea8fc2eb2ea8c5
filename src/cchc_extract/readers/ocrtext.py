"""What OCR does to Vietnamese, undone: look-alike letters, loose tone marks, letters in
numbers, words joined or split, and table codes that lost their dots.

The text rules are data in ``patterns/ocr.yaml`` (with examples the tests run); only
two need code: parting two syllables read as one word, and repairing a table's codes
from their order (a code column counts 1, 1.1, 1.1.1, 1.1.2, 1.2 ...: "112" between
"1.1.1" and "1.1.3" can only be "1.1.2", and an unreadable code between "3.2.5" and
"3.3.1" can only be "3.3").
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import regex
from pydantic import BaseModel, ConfigDict

from .. import patternbook

# Vietnamese tone marks, as combining characters (NFD): grave, acute, tilde, hook, dot below.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_FINALS = frozenset({"c", "ch", "m", "n", "ng", "nh", "p", "t"})
_LOOKALIKE_DIGITS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_WORD = regex.compile(r"\p{L}{4,}")
_CODE_HEADER = regex.compile(r"^(?:STT|TT|Số\s*TT|Mã(?:\s+số)?)$", regex.I)
_CODE = regex.compile(r"^\d{1,2}(?:\.\d{1,2}){0,4}\.?$")
_CODE_PUNCTUATION = regex.compile(r"(?<=\d)\s*[,;:·]\s*(?=\d)|(?<=\d)\s*[,;:·]$")


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OcrRule(_Entry):
    id: str
    pattern: str
    replace: str | None = None
    digits: bool = False
    examples: list[tuple[str, str]] = []
    counterexamples: list[str] = []


class _OcrFile(_Entry):
    rules: list[OcrRule]
    initials: list[str]
    joined_examples: list[tuple[str, str]] = []
    joined_counterexamples: list[str] = []


@dataclass(frozen=True)
class _Book:
    rules: tuple[tuple[regex.Pattern[str], Callable[[regex.Match[str]], str]], ...]
    initials: tuple[str, ...]


@patternbook.derived
def ocr_file() -> _OcrFile:
    data: _OcrFile = patternbook._validated("ocr.yaml", _OcrFile)
    return data


@patternbook.derived
def _book() -> _Book:
    rules: list[tuple[regex.Pattern[str], Callable[[regex.Match[str]], str]]] = []
    for rule in ocr_file().rules:
        compiled = regex.compile(rule.pattern)
        rules.append((compiled, _as_digits if rule.digits else functools.partial(_expand, rule.replace or "")))
    return _Book(tuple(rules), tuple(sorted(ocr_file().initials, key=len, reverse=True)))


def _expand(template: str, match: regex.Match[str]) -> str:
    return match.expand(template)


def _as_digits(match: regex.Match[str]) -> str:
    return match[0].translate(_LOOKALIKE_DIGITS)


def fix_text(text: str) -> str:
    """OCR'd text with the rules of ocr.yaml applied and joined syllables parted."""
    for pattern, replace in _book().rules:
        text = pattern.sub(replace, text)
    text = unicodedata.normalize("NFC", text)
    return _WORD.sub(lambda m: split_joined(m[0]), text) if _has_two_tones(text) else text


def _has_two_tones(text: str) -> bool:
    return sum(1 for c in unicodedata.normalize("NFD", text) if c in _TONES) >= 2


def split_joined(word: str) -> str:
    """Two syllables read as one word, parted: "hànhchính" -> "hành chính".

    A Vietnamese syllable carries one tone mark at most; a word with two has lost a
    space. It is parted before the initial consonants of the second toned vowel's
    syllable (the longest initial that leaves a consonant ending to the first).
    """
    decomposed = unicodedata.normalize("NFD", word)
    toned = [i for i, c in enumerate(decomposed) if c in _TONES]
    if len(toned) < 2:
        return word
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    # index in ``base`` of the second toned vowel: count the letters before it
    second = sum(1 for c in decomposed[: toned[1]] if not unicodedata.combining(c)) - 1
    vowels = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
    start = second
    while start > 0 and base[start - 1] in vowels:
        start -= 1
    run_end = start
    run_start = run_end
    while run_start > 0 and base[run_start - 1] not in vowels:
        run_start -= 1
    consonants = base[run_start:run_end].lower()
    if run_start == 0 or not consonants:
        return word
    initial = _initial(consonants)
    if initial is None:
        return word
    cut = run_end - len(initial)
    composed = unicodedata.normalize("NFC", word)
    # base and the composed word have one character per letter (Vietnamese letters compose)
    if len(composed) != len(base):
        return word
    return f"{composed[:cut]} {split_joined(composed[cut:])}"


# --- table codes --------------------------------------------------------------


def _initial(consonants: str) -> str | None:
    """The second syllable's initial in a run of consonants between two vowels: the longest
    that leaves the first syllable a consonant ending ("thực|hiện", "hành|chính"), else the
    whole run ("cải|cách")."""
    for initial in _book().initials:
        if consonants.endswith(initial) and consonants[: -len(initial)] in _FINALS:
            return initial
    return consonants if consonants in _book().initials else None


def _digits(text: str) -> str:
    return "".join(c for c in text.translate(_LOOKALIKE_DIGITS) if c.isdigit())


def _clean_code(text: str) -> str:
    """Look-alike punctuation in a code made dots: "1;1:1" -> "1.1.1", "2,3" -> "2.3"."""
    text = _CODE_PUNCTUATION.sub(".", text.strip())
    return text.translate(_LOOKALIKE_DIGITS) if regex.search(r"\d", text) else text


def _parts(code: str) -> list[int]:
    return [int(p) for p in code.rstrip(".").split(".")]


def _successors(code: str) -> list[str]:
    """The codes that may follow ``code``: its first child, its next sibling, an ancestor's next."""
    parts = _parts(code)
    out = [".".join(map(str, [*parts, 1]))]
    for depth in range(len(parts), 0, -1):
        out.append(".".join(map(str, [*parts[: depth - 1], parts[depth - 1] + 1])))
    return out


def repair_codes(cells: list[str]) -> list[str]:
    """A code column with codes misread by OCR put right from the order codes go in.

    A cell that is words ("STT", "Trong đó") or empty stays as it is. A code that
    does not follow the one before takes the following code whose digits it has
    ("112" after "1.1.1" is "1.1.2"); an unreadable one, the only code that fits
    between its neighbours.
    """
    cleaned = [_clean_code(c) for c in cells]
    out = list(cleaned)
    previous: str | None = None
    for i, cell in enumerate(cleaned):
        if not cell or (_is_words(cell) and not _CODE.match(cell)):
            continue
        if previous is None:
            if _CODE.match(cell):
                previous = cell
            continue
        choices = _successors(previous)
        if _CODE.match(cell) and cell.rstrip(".") in choices:
            previous = cell
            continue
        digits = _digits(cell)
        matching = [c for c in choices if digits and _digits(c) == digits]
        if len(matching) != 1:
            following = _next_code(cleaned, i + 1)
            fitting = [c for c in choices if following is None or _fits(following, c)]
            # between "2.4." and "3" both "2.4.1" and "2.5" fit: the shallower is likelier
            shallow = [c for c in fitting if c.count(".") == min((f.count(".") for f in fitting), default=0)]
            matching = shallow if len(shallow) == 1 else fitting
        if len(matching) == 1:
            out[i] = matching[0] + ("." if cell.endswith(".") and _CODE.match(cell) else "")
            previous = matching[0]
        elif _CODE.match(cell):
            previous = cell
    return out


def _is_words(cell: str) -> bool:
    """Words rather than a code: the column's name ("STT") or a lower-case word ("Trong đó"),
    where a misread code is capitals and marks ("SIS)", "B.Í")."""
    return bool(_CODE_HEADER.match(cell) or regex.search(r"\p{Ll}{3,}", cell)) and not regex.search(r"\d", cell)


def _next_code(cells: list[str], start: int) -> str | None:
    for cell in cells[start:]:
        if _CODE.match(cell):
            return cell
    return None


def _fits(following: str, code: str) -> bool:
    return following.rstrip(".") in _successors(code) or _digits(following) in {_digits(c) for c in _successors(code)}


# --- tables across pages ----------------------------------------------------------


def harmonize_tables(tables: list[list[list[str]]]) -> None:
    """The tables OCR read on successive pages (rows of cells), put right together, in place.

    A header repeated on each page is read a little differently each time ("SITL" for
    "STT"): a row before a page's first code that is nearly the first page's header row
    becomes that row, so the table stage knows it for a repeat. The code column runs on
    from page to page, so its codes are repaired as one column.
    """
    if not tables:
        return
    first = tables[0]
    header = first[: _first_coded(first)]
    for rows in tables[1:]:
        for i in range(_first_coded(rows)):
            scored = [(_similarity(h, rows[i]), h) for h in header if len(h) == len(rows[i])]
            score, best = max(scored, default=(0.0, rows[i]))
            if score >= 0.8:
                rows[i] = list(best)
    cells = [row[0] if row else "" for rows in tables for row in rows]
    if sum(1 for c in cells if _CODE.match(_clean_code(c))) < max(2, len(cells) // 3):
        return  # the first column holds no codes
    repaired = iter(repair_codes(cells))
    for rows in tables:
        for row in rows:
            if row:
                row[0] = next(repaired)


def _first_coded(rows: list[list[str]]) -> int:
    return next((i for i, row in enumerate(rows) if row and _CODE.match(_clean_code(row[0]))), len(rows))


def _similarity(a: list[str], b: list[str]) -> float:
    import difflib

    return difflib.SequenceMatcher(None, " | ".join(a), " | ".join(b)).ratio()
