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

from .. import patternbook
from ..records import Field

# Vietnamese tone marks, as combining characters (NFD): grave, acute, tilde, hook, dot below.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_FINALS = frozenset({"c", "ch", "m", "n", "ng", "nh", "p", "t"})
_LOOKALIKE_DIGITS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_WORD = regex.compile(r"\p{L}{4,}")
# what a code column holds besides codes: its name, and the words over "Trong đó" sub-rows
_CODE_WORDS = regex.compile(r"^\W*(?:s[tli1|]{2,3}|tt|so\s*tt|ma(?:\s*so)?|trong\s*do|chia\s*ra|gom)\W*$")
_CODE = regex.compile(r"^\d{1,2}(?:\.\d{1,2}){0,4}\.?$")
_CODE_PUNCTUATION = regex.compile(r"(?<=\d)\s*[,;:·]\s*(?=\d)|(?<=\d)\s+(?=\d)|(?<=\d)\s*[,;:·]$")


class OcrRule(patternbook.Entry):
    id: str
    pattern: str
    replace: str | None = None
    digits: bool = False
    examples: list[tuple[str, str]] = Field(default_factory=list)
    counterexamples: list[str] = Field(default_factory=list)


class _OcrFile(patternbook.Entry):
    rules: list[OcrRule]
    initials: list[str]
    joined_examples: list[tuple[str, str]] = Field(default_factory=list)
    joined_counterexamples: list[str] = Field(default_factory=list)


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

    A code column counts 1, 1.1, 1.1.1, 1.1.2, 1.2, 2 ...: each code is the first child,
    the next sibling, or the next of an ancestor of the code before. Of all the ways
    to number the column so, the one closest to what was read wins (a beam search):
    "112" between "1.1.1" and "1.1.3" is "1.1.2", and an unreadable code between
    "3.2.5" and "3.3.1" can only be "3.3". Words ("STT", "Trong đó") and empty cells
    stay; a short mark with no digit may be a speck in an empty cell, and is dropped
    when no code fits it better.
    """
    cleaned = [_clean_code(c) for c in cells]
    slots = [i for i, c in enumerate(cleaned) if c and not _is_words(c)]
    if not slots:
        return list(cells)
    # codes deeper than any read are unlikely: "1.2.1.1" in a table of three levels
    depth = max((c.rstrip(".").count(".") for c in cleaned if _CODE.match(c)), default=0)
    # a path: (cost, codes chosen so far, the last code or None before the first)
    Path = tuple[float, tuple[str | None, ...], str | None]
    beam: list[Path] = [(0.0, (), None)]
    for i in slots:
        cell = cleaned[i]
        grown: dict[str, Path] = {}
        for cost, chosen, last in beam:
            options: list[str] = _successors(last) if last else ["1"]
            if last is None and _CODE.match(cell):
                options = [cell.rstrip("."), *options]
            paths: list[tuple[str, Path]] = []
            for code in options:
                deeper = max(0, code.count(".") - depth)
                total = cost + _mismatch(cell, code) + 0.01 * code.count(".") + 2.0 * deeper
                paths.append((code, (total, (*chosen, code), code)))
            if not _digits(cell):  # a stray mark where no code was written; rarely a misread code
                skip = 0.3 if not regex.search(r"\p{L}", cell) else 3.0
                paths.append((f"skip:{last}", (cost + skip, (*chosen, None), last)))
            for key, path in paths:
                if key not in grown or path[0] < grown[key][0]:
                    grown[key] = path
        beam = sorted(grown.values(), key=lambda path: path[0])[:BEAM]
    best = beam[0][1]
    out = list(cleaned)
    for i, chosen_code in zip(slots, best, strict=True):
        if chosen_code is None:
            out[i] = ""
        elif chosen_code != cleaned[i].rstrip("."):
            out[i] = chosen_code
    return out


BEAM = 24


def _mismatch(cell: str, code: str) -> float:
    """How unlike a code what was read is: 0 for the same code, then by the digits that differ."""
    if cell.rstrip(".") == code:
        return 0.0
    read, wanted = _digits(cell), _digits(code)
    if not read:
        return 1.2
    if read == wanted:
        return 0.3  # the dots were lost or misread: "112" for "1.1.2"
    return 0.5 + _edits(read, wanted)


def _edits(a: str, b: str) -> int:
    """Levenshtein distance between two short strings."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _is_words(cell: str) -> bool:
    """Words rather than a code: the column's name ("STT") or a sub-row's ("Trong đó")."""
    from ..vietnamese import strip_accents

    return bool(_CODE_WORDS.match(strip_accents(cell).lower()))


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
    for rows in tables:  # the code column's name misread ("STI1T"): the table stage looks for "STT"
        for row in rows[: _first_coded(rows)]:
            if row and 2 <= len(row[0]) <= 6 and _edits(row[0].upper(), "STT") <= 2:
                row[0] = "STT"
    first = tables[0]
    header = first[: _first_coded(first)]
    for rows in tables[1:]:
        for i in range(_first_coded(rows)):
            scored = [(_similarity(h, rows[i]), h) for h in header if len(h) == len(rows[i])]
            score, best = max(scored, default=(0.0, rows[i]))
            if score >= 0.8:
                rows[i] = list(best)
    body = [row for rows in tables for row in rows if row]
    cells = [row[0] for row in body]
    if sum(1 for c in cells if _CODE.match(_clean_code(c))) < max(2, len(cells) // 3):
        return  # the first column holds no codes
    for row, code in zip(body, repair_codes(cells), strict=True):
        row[0] = code


def _first_coded(rows: list[list[str]]) -> int:
    """The first row below the header: its first cell starts with a digit, as codes do even misread."""
    return next((i for i, row in enumerate(rows) if row and _clean_code(row[0])[:1].isdigit()), len(rows))


def _similarity(a: list[str], b: list[str]) -> float:
    import difflib

    return difflib.SequenceMatcher(None, " | ".join(a), " | ".join(b)).ratio()
