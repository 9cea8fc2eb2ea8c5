"""The worker plugin of ``batch --engine dask`` for workers started apart (``--scheduler``).

A module of its own because it imports ``distributed`` as it loads: ``dask_engine`` must not,
so that a batch imports it once, where ``get_ready`` chooses (before the fork server is forked
from the batch, or in a thread while the files are hashed).
"""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin


class WarmUp(WorkerPlugin):
    """The patterns are compiled as a worker joins, not in its first task."""

    name = "cchc-extract-warm-up"

    def setup(self, worker: Any) -> None:
        from .pipeline import warm_up

        warm_up()
