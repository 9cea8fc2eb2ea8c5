"""Consistency rules. Each rule is a function from a report's records to findings.

Rule ids are stable (users filter on them): see ``RULES``.
"""

from __future__ import annotations

from collections.abc import Callable

from ..models import Check, Report
from .arithmetic import percent_range, percent_recompute, sum_parts
from .crosscheck import narrative_appendix
from .dates import date_order
from .numbering import numbering_gaps

Rule = Callable[[Report], list[Check]]

RULES: dict[str, Rule] = {
    "numbering.gap": numbering_gaps,
    "date.order": date_order,
    "sum.parts": sum_parts,
    "percent.recompute": percent_recompute,
    "percent.range": percent_range,
    "narrative.appendix_mismatch": narrative_appendix,
}


def run_checks(report: Report) -> list[Check]:
    """Every rule's findings, errors first, then warnings, then info."""
    order = {"error": 0, "warning": 1, "info": 2}
    found = [check for rule in RULES.values() for check in rule(report)]
    return sorted(found, key=lambda c: order[c.severity])


__all__ = ["RULES", "run_checks"]
