"""Retry delays: exponential, capped, jittered."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cims.adapters.kafka.backoff import Backoff


def test_the_ceiling_doubles_per_failure_up_to_the_maximum() -> None:
    backoff = Backoff(initial=0.5, maximum=4.0, random=lambda: 1.0)

    delays = [backoff.next_delay() for _ in range(6)]

    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_a_success_starts_the_delays_again_from_the_beginning() -> None:
    backoff = Backoff(initial=1.0, maximum=60.0, random=lambda: 1.0)
    for _ in range(5):
        backoff.next_delay()

    backoff.reset()

    assert backoff.next_delay() == 1.0


@given(
    failures=st.integers(min_value=0, max_value=10_000),
    draw=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
)
def test_every_delay_lies_between_zero_and_the_capped_ceiling(
    failures: int, draw: float
) -> None:
    backoff = Backoff(initial=0.2, maximum=30.0, random=lambda: draw)
    backoff.failures = failures

    ceiling = backoff.ceiling()
    delay = backoff.next_delay()

    assert 0.0 <= delay <= ceiling <= 30.0


def test_jitter_spreads_delays_of_relays_that_failed_together() -> None:
    delays = {Backoff(initial=1.0, maximum=1.0).next_delay() for _ in range(50)}

    assert len(delays) > 40


@pytest.mark.parametrize(
    ("initial", "maximum", "multiplier"), [(0, 1, 2), (2, 1, 2), (1, 2, 0.5)]
)
def test_nonsense_settings_are_refused(
    initial: float, maximum: float, multiplier: float
) -> None:
    with pytest.raises(ValueError, match="backoff"):
        Backoff(initial=initial, maximum=maximum, multiplier=multiplier)
