"""The contract JSON: UTF-8, NFC, ensure_ascii off, ISO dates, nulls kept."""

from __future__ import annotations

import json

from ..models import Report


def to_json(report: Report, *, indent: int | None = 2) -> str:
    """The report as contract JSON; ``indent=None`` for one compact line (JSON Lines)."""
    return report.model_dump_json(indent=indent, exclude={"text"} if report.text is None else None)


def schema_json() -> str:
    return json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=2)
