"""Exporters: a Report out to JSON, a person-readable summary, and the JSON Schema.

Each name is imported from its module on first use (PEP 562): writing JSON does not load the
CSV writer and the review page's grid code, nor the other way round.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {"table_csv": "csv", "write_csv": "csv", "schema_json": "json", "to_json": "json", "summary": "summary"}

if TYPE_CHECKING:
    from .csv import table_csv, write_csv
    from .json import schema_json, to_json
    from .summary import summary

__all__ = ["schema_json", "summary", "table_csv", "to_json", "write_csv"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
