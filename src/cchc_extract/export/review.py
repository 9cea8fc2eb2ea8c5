"""What a person reviewing a report looks at, shared by the summary and the review page.

- the documents it cites, one entry per key with the number of mentions;
- where each check points: the spans of the text and the table rows its ``where`` names.

A check's ``where`` lists section ids ("II.4"), spans ("1234-1250"), a table
("appendix:phu-luc-01b", or a body table's id) followed by the codes of its rows
("3.2.1", or "3.2 / Trong đó ..." for a row without a code), and reference keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import regex

from ..models import Check, Reference, Report, Span, Table

_SPAN = regex.compile(r"^(\d+)-(\d+)$")
_ADDED_YEAR = regex.compile(r"/\d{4}$")


@dataclass
class CitedDocument:
    """One cited document: every mention of the same key (or, without a key, the same words)."""

    key: str | None
    doc_type: str | None
    number: str | None
    symbol: str | None
    date: dt.date | None
    issuer: str | None
    mentions: list[Reference] = field(default_factory=list)

    @property
    def identity(self) -> str:
        """Its number and symbol as a clerk writes them ("61/2018/NĐ-CP", "22-KH/TU",
        "129/QĐ-UBND": the key without the year an administrative key adds), else the words
        of its first mention."""
        if self.key:
            first = self.mentions[0]
            return _ADDED_YEAR.sub("", self.key) if first.year is None else self.key
        return self.mentions[0].text


def cited_documents(report: Report) -> list[CitedDocument]:
    """The documents the report cites, in the order of their first mention; mentions of the
    report's own number are left out. Mentions without a key are grouped by their words."""
    groups: dict[str, CitedDocument] = {}
    for ref in report.references:
        if ref.self:
            continue
        key = ref.key or ref.resolved_key
        group_key = key or " ".join(ref.text.casefold().split())
        group = groups.get(group_key)
        if group is None:
            group = groups[group_key] = CitedDocument(key, None, None, None, None, None)
        group.mentions.append(ref)
        # the first mention that gives a field gives it for the document
        group.doc_type = group.doc_type or ref.doc_type
        group.number = group.number or ref.number
        group.symbol = group.symbol or ref.symbol
        group.date = group.date or ref.date
        group.issuer = group.issuer or ref.issuer or ref.issuer_normalized
    return list(groups.values())


@dataclass(frozen=True)
class Target:
    """The places a check names: spans of the text, and rows as (table index, row index)."""

    spans: tuple[Span, ...]
    rows: tuple[tuple[int, int], ...]


def check_target(check: Check, report: Report) -> Target:
    """Resolve a check's ``where`` against the report."""
    spans: list[Span] = []
    rows: list[tuple[int, int]] = []
    by_id = {table.id: i for i, table in enumerate(report.tables)}
    table: int | None = None
    for item in check.where:
        if m := _SPAN.match(item):
            spans.append((int(m[1]), int(m[2])))
            continue
        name = item.removeprefix("appendix:")
        if name in by_id:
            table = by_id[name]
            continue
        if table is None:
            continue
        table_rows = report.tables[table].rows
        found = next((r for r, row in enumerate(table_rows) if item in (row.code, f"{row.parent} / {row.label}")), None)
        if found is None:
            # a row without a code is named by its parent's code, then its label (percent.range)
            found = next((r for r, row in enumerate(table_rows) if row.code is None and row.label == item), None)
            if (
                found is not None
                and rows
                and rows[-1][0] == table
                and table_rows[found].parent == table_rows[rows[-1][1]].code
            ):
                rows.pop()
        if found is not None and (table, found) not in rows:
            rows.append((table, found))
    return Target(tuple(spans), tuple(rows))


def flagged_rows(report: Report) -> dict[tuple[int, int], list[int]]:
    """Each table row some check names, with the indexes of those checks, in table order."""
    flagged: dict[tuple[int, int], list[int]] = {}
    for c, check in enumerate(report.checks):
        for row in check_target(check, report).rows:
            flagged.setdefault(row, []).append(c)
    return dict(sorted(flagged.items()))


# the row field that each column role fills
_ROLE_FIELDS = ("code", "label", "unit", "value", "note")


def table_grid(table: Table) -> tuple[list[str], list[str | None], list[list[str | None]]]:
    """The table as the document laid it out: its own column headers, each column's role
    (the row field it fills, or None for a column kept in ``extra``), and each row's cells.

    A table extracted before ``column_roles`` existed is laid out by the row fields, then
    the other columns by name."""
    if len(table.column_roles) == len(table.columns) and table.columns:
        columns, roles = list(table.columns), list(table.column_roles)
    else:
        extra = list(dict.fromkeys(name for row in table.rows for name in row.extra))
        columns, roles = [*_ROLE_FIELDS, *extra], [*_ROLE_FIELDS, *[None] * len(extra)]
    cells = [
        [
            getattr(row, role) if role in _ROLE_FIELDS else row.extra.get(name)
            for name, role in zip(columns, roles, strict=True)
        ]
        for row in table.rows
    ]
    return columns, roles, cells
