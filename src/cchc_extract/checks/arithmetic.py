"""The report's own arithmetic: parts against totals, shares against counts, ranges.

- ``sum.parts``: the parts listed under a total ("Trong đó") do not add up to it,
  in the narrative or in an appendix table (a row's "Trong đó" sub-rows; the rows
  beside a "Tổng số ..." row).
- ``percent.recompute``: a stated share differs from count / total by more than the
  rounding people do (one unit of the last digit written: "87 %" for 7 of 8 passes).
- ``percent.range``: a percentage below 0 or above 100.
"""

from __future__ import annotations

import math

import regex

from .. import patternbook
from ..i18n import number, t
from ..models import Check, Figure, Report, Table, TableRow

_PERCENT = regex.compile(r"(\d+(?:[.,]\d+)?)\s?%")


@patternbook.derived
def _of_a_target() -> regex.Pattern[str]:
    words = patternbook.units().target_words
    return regex.compile(rf"(?i)(?<!\p{{L}})(?:{patternbook.alternation(words, ignore_case=True)})(?!\p{{L}})")


def _part_of_whole(figure: Figure) -> bool:
    """ "= 99 %" and "chiếm" give a part of a whole; "đạt 105,1%", "bằng 117,6% dự toán" the
    share of a target reached, which may pass 100 (patterns/units.yaml ``target_words``)."""
    return not _of_a_target().search(figure.text)


def _is_money(figure: Figure) -> bool:
    return figure.unit_family == "đồng"


def _where(figure: Figure) -> list[str]:
    return [w for w in (figure.section, f"{figure.span[0]}-{figure.span[1]}") if w]


def sum_parts(report: Report) -> list[Check]:
    return _narrative_sums(report.figures) + [c for table in report.tables for c in _table_sums(table)]


def _narrative_sums(figures: list[Figure]) -> list[Check]:
    checks = []
    by_span = {f.span: f for f in figures}
    groups: dict[tuple[int, int], list[Figure]] = {}
    for f in figures:
        if f.part_of:
            groups.setdefault(f.part_of, []).append(f)
    for span, parts in groups.items():
        total = by_span.get(span)
        if total is None or len(parts) < 2:
            continue
        added = sum(p.value for p in parts)
        if math.isclose(added, total.value, abs_tol=1e-6):
            continue
        if added < total.value and _is_money(total):
            continue  # amounts listed "trong đó" are often a selection, not every part
        checks.append(
            Check(
                rule="sum.parts",
                severity="error",
                message=t(
                    "check.sum.parts.narrative",
                    label=total.label or t("word.total"),
                    terms=" + ".join(number(p.value) for p in parts),
                    added=added,
                    total=total.value,
                    unit=total.unit,
                    text=total.text,
                ),
                where=_where(total) + [f"{p.span[0]}-{p.span[1]}" for p in parts],
            )
        )
    return checks


def _same_unit(a: TableRow, b: TableRow) -> bool:
    ua, ub = (a.unit_resolved or "").casefold(), (b.unit_resolved or "").casefold()
    return ua == ub and ua != "%"


def _table_sums(table: Table) -> list[Check]:
    checks = []
    rows = table.rows
    count = len(rows)
    # a coded row against its "Trong đó" sub-rows
    for i, row in enumerate(rows):
        if row.code is None or row.number is None:
            continue
        subs = []
        k = i + 1  # the rows up to the next coded one, read in place: no copy of the rest per row
        while k < count and rows[k].code is None:
            if rows[k].parent == row.code:
                subs.append(rows[k])
            k += 1
        counted = [s for s in subs if s.number is not None and _same_unit(s, row)]
        if len(counted) < 2 or len(counted) != len([s for s in subs if s.number is not None]):
            continue
        checks.extend(_row_sum_check(table, row, counted, "check.sum.parts.subrows"))
    # rows beside a "Tổng số ..." row of the same parent
    by_parent: dict[str | None, list[TableRow]] = {}
    for row in rows:
        if row.code is not None:
            by_parent.setdefault(row.parent, []).append(row)
    total_row = patternbook.layout("total_row")
    for siblings in by_parent.values():
        totals = [r for r in siblings if r.label and total_row.match(r.label)]
        if len(totals) != 1 or totals[0].number is None:
            continue
        total = totals[0]
        parts = [r for r in siblings if r is not total and r.number is not None and _same_unit(r, total)]
        if len(parts) >= 2:
            checks.extend(_row_sum_check(table, total, parts, "check.sum.parts.siblings"))
    return checks


def _row_sum_check(table: Table, total: TableRow, parts: list[TableRow], message_id: str) -> list[Check]:
    """``message_id``: check.sum.parts.subrows (its "Trong đó" rows) or .siblings (the rows beside it)."""
    added = sum(p.number or 0 for p in parts)
    if total.number is None or math.isclose(added, total.number, abs_tol=1e-6):
        return []
    codes = [p.code or f"{p.parent} / {p.label}" for p in parts]
    return [
        Check(
            rule="sum.parts",
            severity="error",
            message=t(
                message_id,
                table=table.id,
                code=total.code,
                label=total.label,
                terms=" + ".join(number(p.number or 0) for p in parts),
                added=added,
                value=total.value,
            ),
            where=[
                f"appendix:{table.id}" if table.section and table.section.startswith("appendix") else table.id,
                str(total.code),
                *codes,
            ],
        )
    ]


def _decimals(value: float, text: str) -> int:
    m = _PERCENT.search(text)
    written = m[1] if m else str(value)
    if "," in written:
        return len(written.split(",")[1])
    return 0


def percent_recompute(report: Report) -> list[Check]:
    checks = []
    by_span = {f.span: f for f in report.figures}
    for f in report.figures:
        if f.share_percent is None:
            continue
        base = by_span.get(f.share_base) if f.share_base else None
        total = base.value if base else f.of_total
        if not total or (not _part_of_whole(f) and _is_money(f)):
            continue
        computed = f.value / total * 100
        tolerance = 10 ** -_decimals(f.share_percent, f.text) + 1e-9
        if abs(computed - f.share_percent) <= tolerance:
            continue
        checks.append(
            Check(
                rule="percent.recompute",
                severity="warning",
                message=t(
                    "check.percent.recompute.base" if base else "check.percent.recompute",
                    label=f.label or t("word.share"),
                    value=f.value,
                    total=total,
                    base=base.text if base else None,
                    computed=round(computed, 2),
                    share=f.share_percent,
                    text=f.text,
                ),
                where=_where(f) + ([f"{base.span[0]}-{base.span[1]}"] if base else []),
            )
        )
    return checks


def percent_range(report: Report) -> list[Check]:
    checks = []
    for f in report.figures:
        share = f.share_percent
        if share is not None and _part_of_whole(f) and not 0 <= share <= 100:
            checks.append(
                Check(
                    rule="percent.range",
                    severity="error",
                    message=t("check.percent.range.figure", label=f.label or t("word.share"), share=share, text=f.text),
                    where=_where(f),
                )
            )
    for table in report.tables:
        for row in table.rows:
            unit = (row.unit_resolved or "").strip()
            if unit == "%" and row.number is not None and not 0 <= row.number <= 100:
                checks.append(
                    Check(
                        rule="percent.range",
                        severity="error",
                        message=t(
                            "check.percent.range.row",
                            table=table.id,
                            code=row.code or row.parent,
                            label=row.label,
                            value=row.value,
                        ),
                        where=[f"appendix:{table.id}", row.code or str(row.parent), row.label or ""],
                    )
                )
    return checks
