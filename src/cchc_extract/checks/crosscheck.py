"""narrative.appendix_mismatch: one quantity, two values, in the narrative and the appendix.

Quantities are linked by meaning, not position: the appendix row must count the
same kind of thing (its unit belongs to the figure's unit family) and describe
it in nearly the same words. Almost every word of the figure's label must stand
in the row (its label and unit), and at least half of the row's label words in
the figure's label, and no word of the figure's label that the row lacks may stand
in another row of its table (that word tells the rows apart: "một cửa liên thông"
is not row "một cửa"). Rows that fit equally well are taken together: "302 hồ sơ
tiếp nhận trực tuyến" agrees with sub-rows "trực tuyến mức độ 3" (222) and "mức
độ 4" (80) because 222 + 80 = 302. Nothing is reported when the values agree.
"""

from __future__ import annotations

import math

import regex

from .. import patternbook
from ..models import Check, Figure, Report, Table, TableRow
from ..vietnamese import fold_tones

_WORD = regex.compile(r"[\p{L}\d]+")
_FIGURE_COVERED = 0.8
_ROW_COVERED = 0.5


@patternbook.derived
def _abbreviations() -> tuple[regex.Pattern[str], dict[str, str]]:
    table = patternbook.units().label_abbreviations
    pattern = regex.compile(rf"(?<!\p{{L}})(?:{patternbook.alternation(table)})(?!\p{{L}})")
    return pattern, table


@patternbook.derived(maxsize=8192)
def _tokens(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    pattern, table = _abbreviations()
    text = pattern.sub(lambda m: table[m[0]], text)
    stop = patternbook.units().label_stop_words
    return frozenset(w for w in _WORD.findall(fold_tones(text).casefold()) if w not in stop)


def narrative_appendix(report: Report) -> list[Check]:
    book = patternbook.units()
    rows = [
        (t, r, book.family_in(r.unit_resolved), _tokens(r.label), _tokens(r.label) | _tokens(r.unit_resolved))
        for t in report.tables
        for r in t.rows
        if r.number is not None
    ]
    if not rows:
        return []
    checks = []
    for figure in report.figures:
        if figure.unit in (None, "%") or figure.section is None or figure.section.startswith("appendix"):
            continue
        wanted = _tokens(figure.label)
        if len(wanted) < 2:
            continue
        family = figure.unit_family
        matches = []
        kin = [(table, row, label, have) for table, row, row_family, label, have in rows if row_family == family]
        for table, row, label, have in kin if family is not None else []:
            covered = len(wanted & have) / len(wanted)
            if covered >= _FIGURE_COVERED and label and len(wanted & label) / len(label) >= _ROW_COVERED:
                # a word the row lacks that tells its siblings apart ("liên thông" in "một cửa,
                # một cửa liên thông", which row 3.2.1 "một cửa" lacks but 3.2.2 has): another quantity
                missing = wanted - have
                if any(missing & other for t, r, other, _ in kin if t is table and r is not row):
                    continue
                matches.append((covered, table, row))
        if not matches:
            continue
        best = max(m[0] for m in matches)
        group = [(t, r) for c, t, r in matches if c >= best - 1e-9]
        values = [r.number for _, r in group if r.number is not None]
        if any(math.isclose(figure.value, v) for v in values) or math.isclose(figure.value, sum(values)):
            continue
        checks.append(_mismatch(figure, group))
    return checks


def _mismatch(figure: Figure, group: list[tuple[Table, TableRow]]) -> Check:
    said = "; ".join(f"row {r.code or r.parent} '{r.label}' = {r.value}" for _, r in group)
    return Check(
        rule="narrative.appendix_mismatch",
        severity="warning",
        message=(f"The narrative says {figure.text!r} ({figure.label}), but the appendix says {said}."),
        where=[w for w in (figure.section, f"{figure.span[0]}-{figure.span[1]}") if w]
        + [f"appendix:{t.id}" for t, _ in group[:1]]
        + [str(r.code or r.parent) for _, r in group],
    )
