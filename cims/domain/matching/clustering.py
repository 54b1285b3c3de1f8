"""Grouping matched pairs into people without chaining strangers together.

Single linkage (take every match edge, join components) lets one weak link
chain two different people through a third record. Here the edges are taken
strongest first and two groups merge only if *every* record of one scores at
least the possible-match floor with *every* record of the other, and the
average over those cross pairs reaches the match threshold (complete-linkage
floor plus an average-linkage bar). Cross pairs are scored afresh, so pairs
that no blocking rule brought together still count as evidence. Edges that
fail the test are returned for review instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def cluster(
    record_count: int,
    edges: Sequence[tuple[float, int, int]],
    probability: Callable[[int, int], float],
    floor: float,
    bar: float,
    max_group_size: int,
) -> tuple[list[list[int]], list[tuple[float, int, int]]]:
    """Return groups (each sorted, at least two records) and refused edges.

    `edges` must already be in a deterministic order (strongest first).
    """
    group_of = list(range(record_count))
    members: dict[int, list[int]] = {}
    refused: list[tuple[float, int, int]] = []

    for edge in edges:
        _, i, j = edge
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        left = members.get(gi, [i])
        right = members.get(gj, [j])
        if len(left) + len(right) > max_group_size or not _may_merge(
            left, right, probability, floor, bar
        ):
            refused.append(edge)
            continue
        if len(left) < len(right):
            gi, gj, left, right = gj, gi, right, left
        left.extend(right)
        members[gi] = left
        members.pop(gj, None)
        for r in right:
            group_of[r] = gi

    groups = [sorted(g) for g in members.values() if len(g) > 1]
    return groups, refused


def _may_merge(
    left: list[int],
    right: list[int],
    probability: Callable[[int, int], float],
    floor: float,
    bar: float,
) -> bool:
    if len(left) == 1 and len(right) == 1:
        return True
    total = 0.0
    for a in left:
        for b in right:
            p = probability(a, b)
            if p < floor:
                return False
            total += p
    return total / (len(left) * len(right)) >= bar
