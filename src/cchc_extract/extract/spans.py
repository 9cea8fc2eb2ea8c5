"""Stretches of text already claimed (a reference, a table, a figure), for overlap tests by bisection."""

from __future__ import annotations

import bisect

Span = tuple[int, int]


class Spans:
    """Sorted, disjoint spans: overlapping ones are merged (a table's span swallows the references in it)."""

    def __init__(self, spans: list[Span]):
        merged: list[Span] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        self.spans = merged

    def overlaps(self, a: int, b: int) -> bool:
        i = bisect.bisect_left(self.spans, (a, a))
        return any(x < b and a < y for x, y in self.spans[max(0, i - 1) : i + 1])

    def add(self, a: int, b: int) -> None:
        """Claim a span that overlaps none already claimed."""
        bisect.insort(self.spans, (a, b))
