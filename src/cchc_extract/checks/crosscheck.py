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
    checks = []
    # rows of a unit family with the same words are judged together, once per figure (a fuzzed
    # report repeating its appendix 2,000 times took minutes: every figure against every copy),
    # and the tables whose rows hold each word are found once, not searched for every figure
    alike: dict[str | None, dict[tuple[frozenset[str], frozenset[str]], _Alike]] = {}
    holders: dict[tuple[str | None, str], set[int]] = {}  # the tables whose rows of a family hold a word
    for k, (table, row, row_family, label, have) in enumerate(rows):
        alike.setdefault(row_family, {}).setdefault((label, have), _Alike()).add(k, table, row)
        for word in label:
            holders.setdefault((row_family, word), set()).add(id(table))
    for figure in report.figures:
        if figure.unit in (None, "%") or figure.section is None or figure.section.startswith("appendix"):
            continue
        wanted = _tokens(figure.label)
        if len(wanted) < 2:
            continue
        family = figure.unit_family
        matches: list[tuple[float, _Alike]] = []
        for (label, have), rows_alike in alike.get(family, {}).items() if family is not None else []:
            covered = len(wanted & have) / len(wanted)
            if covered >= _FIGURE_COVERED and label and len(wanted & label) / len(label) >= _ROW_COVERED:
                # a word the row lacks that tells its siblings apart ("liên thông" in "một cửa,
                # một cửa liên thông", which row 3.2.1 "một cửa" lacks but 3.2.2 has): another
                # quantity. The row lacks every missing word, so any row of its table may hold it.
                told_apart = set().union(*(holders.get((family, word), ()) for word in wanted - have))
                kept = rows_alike.without(told_apart & rows_alike.tables)
                if kept.members:
                    matches.append((covered, kept))
        if not matches:
            continue
        best = max(c for c, _ in matches)
        group = [kept for c, kept in matches if c >= best - 1e-9]
        numbers = {v for kept in group for v in kept.numbers}
        total = sum(kept.total for kept in group)
        if any(math.isclose(figure.value, v) for v in numbers) or math.isclose(figure.value, total):
            continue
        in_order = sorted((m for kept in group for m in kept.members), key=lambda m: m[0])  # report order
        checks.append(_mismatch(figure, [(t, r) for _, t, r in in_order]))
    return checks


class _Alike:
    """Appendix rows with the same label words and unit family, in report order, with their
    tables, their distinct numbers and the sum of their numbers."""

    def __init__(self) -> None:
        self.members: list[tuple[int, Table, TableRow]] = []
        self.tables: set[int] = set()
        self.numbers: set[float] = set()
        self.total = 0.0

    def add(self, k: int, table: Table, row: TableRow) -> None:
        self.members.append((k, table, row))
        self.tables.add(id(table))
        if row.number is not None:
            self.numbers.add(row.number)
            self.total += row.number

    def without(self, tables: set[int]) -> _Alike:
        if not tables:
            return self
        kept = _Alike()
        if tables >= self.tables:
            return kept
        for k, table, row in self.members:
            if id(table) not in tables:
                kept.add(k, table, row)
        return kept


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
