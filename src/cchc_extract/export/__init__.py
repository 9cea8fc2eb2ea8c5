"""Exporters: a Report out to JSON, a person-readable summary, and the JSON Schema.

Each name is imported from its module on first use (PEP 562): writing JSON does not load the
CSV writer and the review page's grid code, nor the other way round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_package

_WHERE = {"table_csv": "csv", "write_csv": "csv", "schema_json": "json", "to_json": "json", "summary": "summary"}

if TYPE_CHECKING:
    from .csv import table_csv, write_csv
    from .json import schema_json, to_json
    from .summary import summary

__all__ = ["schema_json", "summary", "table_csv", "to_json", "write_csv"]

lazy_package(__name__)
