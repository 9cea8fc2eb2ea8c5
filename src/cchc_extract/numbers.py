"""Numbers as Vietnamese reports write them: "1.177" is 1177, "96,55" is 96.55."""

from __future__ import annotations

import math

import regex

_THOUSANDS = regex.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_COMMA_DECIMAL = regex.compile(r"^[+-]?\d+(?:,\d+)?$")
_DOT_DECIMAL = regex.compile(r"^[+-]?\d+\.(?:\d{1,2}|\d{4,})$")


def parse_number(text: str | None) -> float | None:
    """The value of a number as written, or None if the text is not one number.

    Dots group thousands and a comma marks decimals ("5.817,196" -> 5817.196); a
    dot followed by one, two or four and more digits is read as a decimal point
    ("12.5"), since a thousands group always has three.
    """
    if text is None:
        return None
    value = _value(text.strip().rstrip("%").strip().replace(" ", ""))
    # a run of digits too long for a float ("999…9", hundreds of digits) is no figure
    return value if value is None or math.isfinite(value) else None


def _value(s: str) -> float | None:
    if not s:
        return None
    if s.isascii() and s.isdigit():  # the usual case: "313"
        return float(s)
    if _THOUSANDS.match(s):
        return float(s.replace(".", "").replace(",", "."))
    if _COMMA_DECIMAL.match(s):
        return float(s.replace(",", "."))
    if _DOT_DECIMAL.match(s):
        return float(s)
    return None
