"""Exporters: a Report out to JSON, a person-readable summary, and the JSON Schema."""

from .json import schema_json, to_json
from .summary import summary

__all__ = ["schema_json", "summary", "to_json"]
