"""Imported by the fork server of a local Dask cluster (``batch --engine dask``), once, before
the workers are forked from it: the patterns are compiled here, and every worker starts with
them ready, as the built-in pool's workers do."""

from .pipeline import warm_up

warm_up()
