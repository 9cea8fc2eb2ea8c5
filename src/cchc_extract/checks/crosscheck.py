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
from collections import Counter

import regex

from .. import patternbook
from ..i18n import t
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
    units: dict[str | None, tuple[str | None, frozenset[str]]] = {}  # a table writes few units, many times
    rows = []
    for each in report.tables:
        for r in each.rows:
            if r.number is None:
                continue
            if r.unit_resolved not in units:
                units[r.unit_resolved] = (book.family_in(r.unit_resolved), _tokens(r.unit_resolved))
            family, unit_words = units[r.unit_resolved]
            label = _tokens(r.label)
            rows.append((each, r, family, label, label | unit_words))
    if not rows:
        return []
    # the rows of each unit family, and in each table of that family how many rows' labels hold
    # each word: built once, not searched again for every figure and every row that fits
    kin_of: dict[str | None, list[tuple[Table, TableRow, frozenset[str], frozenset[str]]]] = {}
    words_of: dict[tuple[str | None, int], Counter[str]] = {}
    for table, row, row_family, label, have in rows:
        kin_of.setdefault(row_family, []).append((table, row, label, have))
        words_of.setdefault((row_family, id(table)), Counter()).update(label)
    checks = []
    for figure in report.figures:
        if figure.unit in (None, "%") or figure.section is None or figure.section.startswith("appendix"):
            continue
        wanted = _tokens(figure.label)
        if len(wanted) < 2:
            continue
        family = figure.unit_family
        matches = []
        for table, row, label, have in kin_of.get(family, []) if family is not None else []:
            covered = len(wanted & have) / len(wanted)
            if covered >= _FIGURE_COVERED and label and len(wanted & label) / len(label) >= _ROW_COVERED:
                # a word the row lacks that tells its siblings apart ("liên thông" in "một cửa,
                # một cửa liên thông", which row 3.2.1 "một cửa" lacks but 3.2.2 has): another
                # quantity. The row's own label holds none of the missing words, so any count
                # of one in the table is another row's.
                words = words_of[(family, id(table))]
                if any(words[w] for w in wanted - have):
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
    said = "; ".join(
        t("check.narrative.appendix_mismatch.row", code=r.code or r.parent, label=r.label, value=r.value)
        for _, r in group
    )
    return Check(
        rule="narrative.appendix_mismatch",
        severity="warning",
        message=t("check.narrative.appendix_mismatch", text=figure.text, label=figure.label, rows=said),
        where=[w for w in (figure.section, f"{figure.span[0]}-{figure.span[1]}") if w]
        + [f"appendix:{t.id}" for t, _ in group[:1]]
        + [str(r.code or r.parent) for _, r in group],
    )
