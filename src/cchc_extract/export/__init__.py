"""Exporters: a Report out to JSON, a person-readable summary, and the JSON Schema."""

from .csv import table_csv, write_csv
from .json import schema_json, to_json
from .summary import summary

__all__ = ["schema_json", "summary", "table_csv", "to_json", "write_csv"]
