"""A summary for a person: the checks first, then identity, outline and counts."""

from __future__ import annotations

from ..models import Report

_MARK = {"error": "✗", "warning": "!", "info": "·"}


def summary(report: Report) -> str:
    m = report.metadata
    out: list[str] = [f"{report.source.path}  ({report.source.format}, sha256 {report.source.sha256[:12]})"]
    out.append("")
    out.append(f"Checks ({len(report.checks)})")
    if not report.checks:
        out.append("  none: no rule found anything to flag")
    for check in report.checks:
        out.append(f"  {_MARK[check.severity]} {check.severity:<7} {check.rule:<28} {check.message}")
    out.append("")
    party = bool(m.symbol) and "/" in (m.symbol or "") and not (m.symbol or "")[:4].isdigit()
    number = f"{m.number or '(blank)'}{'-' if party else '/'}{m.symbol}" if m.symbol else "-"
    out.append(f"{m.doc_type or 'Văn bản'} số {number}, {m.place or '-'}, {m.date or 'no date'}")
    out.append(f"  issuer:   {m.issuer or '-'}" + (f"  (under {m.parent_body})" if m.parent_body else ""))
    out.append(f"  subject:  {m.subject or '-'}")
    signer = " ".join(x for x in (*m.signing_authority, m.signer_title or "", m.signer or "") if x)
    out.append(f"  signed:   {signer or '-'}")
    out.append(f"  sent to:  {'; '.join(m.recipients) or '-'}")
    out.append("")
    out.append(f"Sections ({len(report.sections)})")
    for section in report.sections:
        title = section.title if len(section.title) <= 70 else section.title[:67] + "..."
        out.append(f"  {'  ' * (section.level - 1)}{section.id:<8} {title}")
    for appendix in report.appendices:
        out.append(f"  [appendix] {appendix.title[:80]}")
    out.append("")
    counts = {
        "references": len(report.references),
        "figures": len(report.figures),
        "tables": len(report.tables),
        "table rows": sum(len(t.rows) for t in report.tables),
        "warnings": len(report.warnings),
    }
    out.append("Records: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    for warning in report.warnings:
        page = f" (page {warning.page})" if warning.page else ""
        out.append(f"  warning {warning.code}{page}: {warning.message}")
    return "\n".join(out)
