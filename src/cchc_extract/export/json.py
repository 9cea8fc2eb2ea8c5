"""The contract JSON: UTF-8, NFC, ensure_ascii off, ISO dates, nulls kept."""

from __future__ import annotations

import json

from ..models import Report


def to_json(report: Report, *, indent: int | None = 2) -> str:
    data = report.model_dump(mode="json", exclude_none=False)
    if data.get("text") is None:
        data.pop("text", None)
    return json.dumps(data, ensure_ascii=False, indent=indent)


def schema_json() -> str:
    return json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=2)
