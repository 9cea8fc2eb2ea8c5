"""numbering.gap: a skipped or repeated number among sibling headings (I, II, IV)."""

from __future__ import annotations

import regex

from ..i18n import t
from ..models import Check, Report, Section

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(text: str) -> int | None:
    """Value of a Roman numeral ("IV" -> 4), or None if it is not one."""
    if not text or any(c not in _ROMAN for c in text):
        return None
    total = 0
    for a, b in zip(text, text[1:] + " ", strict=True):
        value = _ROMAN[a]
        total += -value if b in _ROMAN and _ROMAN[b] > value else value
    return total


# Lettered lists follow the Vietnamese alphabet (a b c d đ e g h ...), often without "đ",
# or the Latin one (a b c d e f g ...): a letter may follow the one before it in either.
_LETTERS = ("abcdđeghiklmnopqrstuvxy", "abcdefghijklmnopqrstuvwxyz")


def ordinal(section: Section) -> int | None:
    """The position a heading's number claims: "IV" -> 4, "3" -> 3, "c" -> 3, "2.3" -> 3."""
    number = section.number.strip()
    last = number.split(".")[-1]
    if last.isdigit():
        return int(last)
    if section.form == "article" and last[:-1].isdigit():
        return int(last[:-1])  # "8a": an article inserted after article 8
    if section.form in {"roman", "part"} or (section.form == "muc" and not last.isdigit()):
        return roman_value(last.upper())
    letters = _LETTERS[0]
    if len(last) == 1 and last.lower() in letters:
        return letters.index(last.lower()) + 1
    return None


def _follows(before: Section, section: Section) -> bool:
    """Whether ``section``'s number comes right after ``before``'s."""
    if section.form == "article" and (before.number[-1:].isalpha() or section.number[-1:].isalpha()):
        # "Điều 8" then "Điều 8a" (inserted after it), "Điều 8a" then "Điều 9"
        inserted = section.number[-1].isalpha()
        return ordinal(section) == (ordinal(before) or 0) + (0 if inserted else 1)
    if section.form == "letter":
        a, b = before.number.lower(), section.number.lower()
        return any(
            a in abc and b in abc and abc.index(b) in (abc.index(a) + 1, abc.index(a) + 2 * (a == "d"))
            for abc in _LETTERS
        )
    return ordinal(section) == (ordinal(before) or 0) + 1


_ELISION = regex.compile(r"^[\s(\[]*(?:\.{3,}|…)[\s)\]]*$", regex.M)


def _not_really_skipped(text: str, before: Section, section: Section) -> bool:
    """Between two headings: the text was cut ("..." on a line of its own: an excerpt), or the
    numbers in between stand inside a line, after a sentence ("... tiêu cực.2. Giao ...")."""
    between = text[before.span[0] : section.span[0]]
    if _ELISION.search(between):
        return True
    first, last = ordinal(before), ordinal(section)
    if first is None or last is None or not section.number.split(".")[-1].isdigit():
        return False
    return all(regex.search(rf"[.;:!?][\s*]*{k}\s*[.)]\s+\p{{Lu}}", between) for k in range(first + 1, last))


def numbering_gaps(report: Report) -> list[Check]:
    """Sibling headings of the body whose number skips ahead (I, II, IV) or repeats (IV, IV).

    A number that starts again lower ("3." then "1.") is a list restarting under a heading the
    outline did not see, not a fault of the report; headings inside appendices and attached
    documents (annex tables, the articles of an attached regulation) are their own outlines.
    """
    appendices = [a.extent for a in report.appendices]
    checks = []
    previous: dict[tuple[str | None, str], Section] = {}
    for section in report.sections:
        if any(a <= section.span[0] < b for a, b in appendices):
            continue
        key = (section.parent, section.form)
        value = ordinal(section)
        before = previous.get(key)
        previous[key] = section
        if before is None or value is None or _follows(before, section):
            continue
        expected = (ordinal(before) or 0) + 1
        if value < expected - 1:
            continue  # starts again: see above
        kind = "repeated" if value == expected - 1 else "skipped"
        if kind == "skipped" and report.text and _not_really_skipped(report.text, before, section):
            continue
        checks.append(
            Check(
                rule="numbering.gap",
                severity="warning",
                message=t(
                    "check.numbering.gap.repeated" if kind == "repeated" else "check.numbering.gap.skipped",
                    before=before.number,
                    number=section.number,
                ),
                where=[before.id, section.id, f"{section.span[0]}-{section.span[1]}"],
            )
        )
    return checks
