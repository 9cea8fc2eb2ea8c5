"""Rules of written Vietnamese that several stages share: case, accents, tone marks."""

from __future__ import annotations

import unicodedata

import regex

from . import patternbook

# Old-style tone placement ("hoà", "thuỷ") against the new ("hòa", "thủy"): fold
# to one spelling before comparing names.
_OLD_TONES = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
# only where the syllable ends: "hoà" is old-style, "hoàng" is not
_OLD_TONE_RE = regex.compile("(?:" + "|".join(_OLD_TONES) + r")(?!\p{L})", regex.I)


def fold_tones(text: str) -> str:
    """Move tone marks to the new-style position: "Thanh Hoá" -> "Thanh Hóa"."""

    def swap(match: regex.Match[str]) -> str:
        new = _OLD_TONES[match[0].lower()]
        return new.upper() if match[0].isupper() else (new[0].upper() + new[1:] if match[0][0].isupper() else new)

    return _OLD_TONE_RE.sub(swap, text)


def strip_accents(text: str) -> str:
    """ASCII letters only: "Phụ lục 01b" -> "Phu luc 01b"."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NOT_SLUG = regex.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A readable ASCII id: "Phụ lục 01b" -> "phu-luc-01b"."""
    return _NOT_SLUG.sub("-", strip_accents(text).lower()).strip("-") or "x"


def is_upper(text: str) -> bool:
    """All letters are capitals, and there are at least two of them."""
    if not text.isupper():  # most lines: answered without a Python loop
        return False
    letters = 0
    for c in text:
        if c.isalpha():
            if not c.isupper():
                return False
            letters += 1
    return letters >= 2


def recase_body(name: str) -> str:
    """Re-case an all-capitals body name the way it is written in running text.

    "UBND XÃ HOÀNG CÁT" -> "UBND xã Hoàng Cát"; "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" ->
    "Ủy ban nhân dân tỉnh Đắk Lắk"; "VĂN PHÒNG CHÍNH PHỦ" -> "Văn phòng Chính phủ".
    A name already in mixed case is returned as it is.
    """
    name = " ".join(name.split())
    if not is_upper(name):
        return name
    return _recase_capitals(name)


@patternbook.derived(maxsize=4096)  # a batch meets the same few bodies again and again
def _recase_capitals(name: str) -> str:
    abbreviations, units, party = _recase_words()
    words = name.split(" ")
    lowered = [w.lower() for w in words]
    out: list[str] = []
    in_place = False
    i = 0
    organ = _organ_at_start(lowered)
    if organ:  # "BỘ XÂY DỰNG" -> "Bộ Xây dựng": the agency's own name starts with a capital
        out = [words[0][:1] + words[0][1:].lower(), *lowered[1:organ]]
        out.append(words[organ][:1] + words[organ][1:].lower())
        i = organ + 1
    while i < len(words):
        if words[i].casefold() in party and i + 1 < len(words) and fold_tones(words[i + 1]).casefold() == "ủy":
            out.extend([words[i][:1] + words[i][1:].lower(), "ủy"])  # "TỈNH ỦY" is a body, not a province
            i += 2
            in_place = True
            continue
        unit = next((u for u in units.get(lowered[i], ()) if lowered[i : i + len(u)] == list(u)), None)
        if unit:
            out.extend(unit)
            i += len(unit)
            in_place = True
            continue
        word = words[i]
        bare = word.strip(",;.()")
        if bare in abbreviations or any(ch.isdigit() for ch in bare):
            out.append(word)
        elif in_place or not out:
            out.append(word[:1] + word[1:].lower())
        else:
            out.append(word.lower())
        i += 1
    text = " ".join(out)
    return _proper_names().sub(lambda m: _PROPER_SPELLING[m[0].casefold()], text)


def _organ_at_start(lowered: list[str]) -> int:
    """Where the proper name starts after the organ word that opens a body's name ("bộ",
    "tổng cục", "văn phòng"); 0 where there is none, or where the common name of a level's
    body follows ("ủy ban nhân dân", "ban chấp hành" is an organ: "Ban Chấp hành ...")."""
    for organ in sorted(patternbook.issuers().organs, key=len, reverse=True):
        n = len(organ.split())
        if lowered[:n] == organ.split() and n < len(lowered) and lowered[n : n + 2] != ["nhân", "dân"]:
            return n
    return 0


@patternbook.derived
def _recase_words() -> tuple[set[str], dict[str, list[tuple[str, ...]]], set[str]]:
    """Abbreviations kept in capitals; administrative units by first word, longest first;
    the words before "ủy" that name a Party committee."""
    book = patternbook.issuers()
    abbreviations = {a.upper() for a in book.abbreviations} | {"UBND", "HĐND", "MTTQ"}
    units: dict[str, list[tuple[str, ...]]] = {}
    for unit in sorted(book.admin_units, key=len, reverse=True):
        words = tuple(unit.split())
        units.setdefault(words[0], []).append(words)
    party = {p.split()[0].casefold() for p in book.proper_names if p.endswith(" ủy")}
    return abbreviations, units, party


_PROPER_SPELLING: dict[str, str] = {}


@patternbook.derived
def _proper_names() -> regex.Pattern[str]:
    names = patternbook.issuers().proper_names
    _PROPER_SPELLING.update({" ".join(n.casefold().split()): n for n in names})
    return regex.compile(rf"(?i)(?<!\p{{L}})(?:{patternbook.alternation(names, ignore_case=True)})(?!\p{{L}})")
