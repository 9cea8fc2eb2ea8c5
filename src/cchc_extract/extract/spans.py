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
        spans = self.spans
        i = bisect.bisect_left(spans, (a, a))
        # disjoint and sorted: only the span at i and the one before can reach [a, b)
        if i < len(spans) and spans[i][0] < b and a < spans[i][1]:
            return True
        return i > 0 and spans[i - 1][0] < b and a < spans[i - 1][1]

    def add(self, a: int, b: int) -> None:
        """Claim a span that overlaps none already claimed."""
        bisect.insort(self.spans, (a, b))
