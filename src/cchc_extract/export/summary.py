"""A summary for a person, in the current language: who issued what, then what to act on.

The identity block (type and number, issuer, place and date, subject, the signing block
line by line, recipients), the checks, the table rows the checks point at, the cited
documents grouped by key with their mentions counted, the outline, and what the readers
noticed. Long texts are wrapped at word boundaries, never cut; long lists stop at a
limit with "… và N nữa" unless ``full``.
"""

from __future__ import annotations

import textwrap

from ..i18n import MISSING, more, show, t
from ..models import Report, Table, TableRow
from .review import cited_documents, flagged_rows

_MARK = {"error": "✗", "warning": "!", "info": "·"}
# how many items of each list a summary shows unless asked for all
LIMITS = {"checks": 20, "rows": 20, "cited": 15, "sections": 40, "warnings": 10}


def summary(report: Report, *, full: bool = False, width: int = 100) -> str:
    """The report for a person to read and act on (see the module's docstring)."""
    out = [f"{report.source.path}  ({report.source.format}, sha256 {report.source.sha256[:12]})", ""]
    out += _identity(report, width)
    out += _checks(report, full, width)
    out += _rows(report, full, width)
    out += _cited(report, full, width)
    out += _outline(report, full, width)
    out += _counts(report, full, width)
    return "\n".join(out).rstrip("\n")


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """``text`` wrapped at spaces (codes such as "QĐ-UBND" and long words are never split)."""
    return textwrap.wrap(
        text or MISSING,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def _field(label: str, values: list[str], width: int) -> list[str]:
    """A labelled field of the identity block; each value on its own line(s)."""
    pad = " " * 2
    head = f"{pad}{label:<18} "
    indent = " " * len(head)
    lines: list[str] = []
    for i, value in enumerate(values or [MISSING]):
        lines += _wrap(value, width, head if i == 0 else indent, indent)
    return lines


def _title(report: Report) -> str:
    m = report.metadata
    party = bool(m.symbol) and "/" in (m.symbol or "") and not (m.symbol or "")[:4].isdigit()
    number = f"{m.number or MISSING}{'-' if party else '/'}{m.symbol}" if m.symbol else m.number or MISSING
    return t("summary.title", doc_type=(m.doc_type or t("summary.document")).upper(), number=number)


def _identity(report: Report, width: int) -> list[str]:
    m = report.metadata
    issuer = show(m.issuer) + (" " + t("summary.under", body=m.parent_body) if m.parent_body else "")
    signing = [*m.signing_authority, m.signer_title or "", m.signer or ""]
    out = [_title(report)]
    out += _field(t("summary.issuer"), [issuer], width)
    out += _field(t("summary.place_date"), [f"{show(m.place)}, {show(m.date)}"], width)
    out += _field(t("summary.subject"), [show(m.subject)], width)
    out += _field(t("summary.signed"), [line for line in signing if line], width)
    out += _field(t("summary.recipients"), m.recipients, width)
    return [*out, ""]


def _cut(items: list, key: str, full: bool) -> tuple[list, str | None]:
    """The items to show, and the "… và N nữa" line for the rest."""
    if full or len(items) <= LIMITS[key]:
        return items, None
    return items[: LIMITS[key]], more(LIMITS[key], len(items))


def _checks(report: Report, full: bool, width: int) -> list[str]:
    out = [t("summary.checks", count=len(report.checks))]
    if not report.checks:
        out.append("  " + t("summary.no_checks"))
    shown, rest = _cut(report.checks, "checks", full)
    for check in shown:
        out.append(f"  {_MARK[check.severity]} {t('severity.' + check.severity)}  {check.rule}")
        out += _wrap(check.message, width, "      ", "      ")
    if rest:
        out.append("  " + rest)
    return [*out, ""]


def _row_line(table: Table, row: TableRow) -> str:
    code = row.code or f"{row.parent or ''} ›"
    unit = f" {row.unit_resolved}" if row.unit_resolved else ""
    return f"{table.id}  {code}  {row.label or MISSING}: {show(row.value)}{unit}"


def _rows(report: Report, full: bool, width: int) -> list[str]:
    flagged = flagged_rows(report)
    if not flagged:
        return []
    out = [t("summary.flagged_rows", count=len(flagged))]
    shown, rest = _cut(list(flagged.items()), "rows", full)
    for (ti, ri), checks in shown:
        table = report.tables[ti]
        rules = ", ".join(dict.fromkeys(report.checks[c].rule for c in checks))
        out += _wrap(f"{_row_line(table, table.rows[ri])}  [{rules}]", width, "  ", "      ")
    if rest:
        out.append("  " + rest)
    return [*out, ""]


def _cited(report: Report, full: bool, width: int) -> list[str]:
    cited = cited_documents(report)
    mentions = sum(len(c.mentions) for c in cited)
    out = [t("summary.cited", count=len(cited), mentions=mentions)]
    if not cited:
        out.append("  " + t("summary.none"))
    shown, rest = _cut(cited, "cited", full)
    for doc in shown:
        parts = [doc.doc_type or t("summary.document"), doc.identity, show(doc.date), show(doc.issuer)]
        count = f"{len(doc.mentions)}×"
        out += _wrap(f"{count:>4}  " + " · ".join(parts), width, "  ", "        ")
    if rest:
        out.append("  " + rest)
    return [*out, ""]


def _outline(report: Report, full: bool, width: int) -> list[str]:
    out = [t("summary.sections", count=len(report.sections))]
    shown, rest = _cut(report.sections, "sections", full)
    for section in shown:
        indent = "  " + "  " * (section.level - 1)
        head = f"{indent}{section.id:<8} "
        out += _wrap(section.title, width, head, " " * len(head))
    if rest:
        out.append("  " + rest)
    for appendix in report.appendices:
        head = f"  [{t('summary.appendix')}] "
        out += _wrap(appendix.title, width, head, " " * len(head))
    return [*out, ""]


def _counts(report: Report, full: bool, width: int) -> list[str]:
    out = [
        t(
            "summary.counts",
            references=len(report.references),
            figures=len(report.figures),
            tables=len(report.tables),
            rows=sum(len(table.rows) for table in report.tables),
            warnings=len(report.warnings),
        )
    ]
    shown, rest = _cut(report.warnings, "warnings", full)
    for warning in shown:
        page = " " + t("summary.page", page=warning.page) if warning.page else ""
        out += _wrap(f"! {warning.code}{page}: {warning.message}", width, "  ", "    ")
    if rest:
        out.append("  " + rest)
    return out
