"""Imported by the fork server of a local Dask cluster (``batch --engine dask``), once, before
the workers are forked from it: the patterns are compiled here, and every worker starts with
them ready, as the built-in pool's workers do."""

from .pipeline import warm_up

warm_up()

# what exists now lives as long as every worker forked from here, as in the built-in pool:
# their cycle collector need not go through it again and again
import gc  # noqa: E402

gc.freeze()
