"""date.order: a cited document dated after the report itself, or an impossible date."""

from __future__ import annotations

from ..i18n import t
from ..models import Check, Report


def date_order(report: Report) -> list[Check]:
    checks = []
    own = report.metadata.date
    for ref in report.references:
        where = [w for w in (ref.key, ref.section, f"{ref.span[0]}-{ref.span[1]}") if w]
        if ref.date is None and ref.date_text:
            checks.append(
                Check(
                    rule="date.order",
                    severity="error",
                    message=t("check.date.order.impossible", text=ref.text, date=ref.date_text),
                    where=where,
                )
            )
        elif own and ref.date and ref.date > own:
            checks.append(
                Check(
                    rule="date.order",
                    severity="warning",
                    message=t("check.date.order.after", text=ref.text, date=ref.date, own=own),
                    where=where,
                )
            )
    return checks
