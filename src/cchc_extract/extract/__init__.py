"""Extractors: pure functions from normalized text (and section context) to records."""

from .references import find_references

__all__ = ["find_references"]
