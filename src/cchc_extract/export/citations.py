"""The citation index of a database: who cites a document, and what is cited most.

Both count reports, not files: the renderings of one report (``report_key``, see
``identity``) are one citing report, and mentions of a report's own number are no
citation (the ``citations`` view leaves them out).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..identity import canonical_key
from .database import Store


@dataclass
class CitingReport:
    """One report that cites a key: its identity, its mentions of the key, its files."""

    report_key: str
    date: dt.date | None
    issuer: str | None
    doc_type: str | None
    number: str | None
    symbol: str | None
    mentions: int
    paths: list[str] = field(default_factory=list)


@dataclass
class Cited:
    """A document key with the number of reports that cite it."""

    key: str
    doc_type: str | None
    reports: int
    mentions: int
    date: dt.date | None
    issuer: str | None


def cites(store: Store, key: str) -> tuple[str, list[CitingReport]]:
    """The key as looked up (``canonical_key`` of what was typed) and the reports citing it,
    oldest first."""
    key = canonical_key(key)
    mark = store.mark
    with store.transaction() as cursor:
        cursor.execute(
            "SELECT c.report_key, c.date, c.issuer, d.doc_type, d.number, d.symbol, c.mentions"
            f" FROM citations c JOIN documents d ON d.sha256 = c.document WHERE c.cited_key = {mark}",
            (key,),
        )
        found: dict[str, CitingReport] = {}
        for report_key, date, issuer, doc_type, number, symbol, mentions in cursor.fetchall():
            known = found.get(report_key)
            if known is None:  # the same report under a second spelling of the type: one report
                found[report_key] = CitingReport(
                    report_key, _date(date), issuer, doc_type, number, symbol, int(mentions)
                )
            else:
                known.mentions = max(known.mentions, int(mentions))
        keys = list(found)
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            cursor.execute(
                "SELECT COALESCE(report_key, sha256), path FROM documents WHERE COALESCE(report_key, sha256) IN"
                f" ({', '.join([mark] * len(part))}) ORDER BY path",
                part,
            )
            for report_key, path in cursor.fetchall():
                found[report_key].paths.append(path)
    reports = sorted(found.values(), key=lambda r: (r.date or dt.date.max, r.issuer or "", r.report_key))
    return key, reports


def cited(store: Store, limit: int = 20) -> list[Cited]:
    """The ``limit`` keys cited by the most reports (then by the most mentions), with the
    type, date and issuer the citations give them most often."""
    with store.transaction() as cursor:
        cursor.execute(
            "SELECT cited_key, COUNT(DISTINCT report_key) AS reports, SUM(mentions) AS mentions FROM citations"
            f" GROUP BY cited_key ORDER BY reports DESC, mentions DESC, cited_key LIMIT {int(limit)}"
        )
        ranked = [(key, int(reports), int(mentions)) for key, reports, mentions in cursor.fetchall()]
        out = []
        for key, reports, mentions in ranked:
            cursor.execute(
                "SELECT doc_type, date, issuer_normalized, COUNT(*) AS n FROM doc_references"
                f" WHERE key = {store.mark} AND self_mention = 0 GROUP BY doc_type, date, issuer_normalized"
                " ORDER BY n DESC",
                (key,),
            )
            rows = cursor.fetchall()
            doc_type, date, issuer = (_most(rows, column) for column in range(3))
            out.append(Cited(key, _text(doc_type), reports, mentions, _date(date), _text(issuer)))
    return out


def _most(rows: list[tuple[object, ...]], column: int) -> object:
    """The value of ``column`` given by the most mentions, nulls aside."""
    counts: dict[object, int] = {}
    for row in rows:
        if row[column] is not None:
            counts[row[column]] = counts.get(row[column], 0) + int(row[-1])  # type: ignore[call-overload]
    return max(counts, key=lambda value: counts[value]) if counts else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
