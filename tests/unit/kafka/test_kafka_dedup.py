"""The default processed-events store: a bounded set of recent event ids."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cims.adapters.kafka.dedup import ProcessedEvents, RecentEventIds


def test_an_event_is_seen_once_remembered() -> None:
    processed: ProcessedEvents = RecentEventIds()

    before = processed.seen("e1")
    processed.remember("e1")

    assert before is False
    assert processed.seen("e1") is True
    assert processed.seen("e2") is False


def test_the_oldest_ids_are_forgotten_beyond_capacity() -> None:
    processed = RecentEventIds(capacity=3)

    for event_id in ["e1", "e2", "e3", "e4"]:
        processed.remember(event_id)

    assert [processed.seen(e) for e in ["e1", "e2", "e3", "e4"]] == [
        False,
        True,
        True,
        True,
    ]


def test_remembering_again_makes_an_id_recent() -> None:
    processed = RecentEventIds(capacity=2)
    processed.remember("e1")
    processed.remember("e2")

    processed.remember("e1")
    processed.remember("e3")

    assert processed.seen("e1")
    assert not processed.seen("e2")


@given(st.lists(st.text(min_size=1, max_size=8), max_size=200), st.integers(1, 50))
def test_it_never_holds_more_than_its_capacity_and_keeps_the_latest(
    ids: list[str], capacity: int
) -> None:
    processed = RecentEventIds(capacity=capacity)

    for event_id in ids:
        processed.remember(event_id)

    assert len(processed) <= capacity
    if ids:
        assert processed.seen(ids[-1])


def test_a_capacity_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="capacity must be at least 1; got 0"):
        RecentEventIds(capacity=0)
