"""Extractors: pure functions from normalized text (and section context) to records."""

from .references import find_references
from .tables import build_table

__all__ = ["build_table", "find_references"]
