"""numbering.gap: a skipped or repeated number among sibling headings (I, II, IV)."""

from __future__ import annotations

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


def ordinal(section: Section) -> int | None:
    """The position a heading's number claims: "IV" -> 4, "3" -> 3, "c" -> 3, "2.3" -> 3."""
    number = section.number.strip()
    last = number.split(".")[-1]
    if last.isdigit():
        return int(last)
    if section.form in {"roman", "part"} or (section.form == "muc" and not last.isdigit()):
        return roman_value(last.upper())
    letters = "abcdđeghiklmnopqrstuvxy"
    if len(last) == 1 and last.lower() in letters:
        return letters.index(last.lower()) + 1
    return None


def numbering_gaps(report: Report) -> list[Check]:
    checks = []
    previous: dict[tuple[str | None, str], Section] = {}
    for section in report.sections:
        key = (section.parent, section.form)
        value = ordinal(section)
        before = previous.get(key)
        previous[key] = section
        if before is None or value is None:
            continue
        expected = (ordinal(before) or 0) + 1
        if value == expected or (section.form == "letter" and before.number == "d" and section.number == "e"):
            continue  # "đ" is often left out of lettered lists: d) then e) is no gap
        kind = "repeated" if value == expected - 1 else ("skipped" if value > expected else "out of order")
        checks.append(
            Check(
                rule="numbering.gap",
                severity="warning",
                message=(
                    f"Heading number {kind}: {before.number!r} is followed by {section.number!r}"
                    f" (expected the next number after {before.number!r})."
                ),
                where=[before.id, section.id, f"{section.span[0]}-{section.span[1]}"],
            )
        )
    return checks
