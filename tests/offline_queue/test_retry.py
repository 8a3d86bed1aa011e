"""The backoff policy: full jitter inside a window that doubles up to the cap, the server's
Retry-After as a floor, and no attempt count at which it gives up."""
from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from offline_queue.retry import MAX_RETRY_AFTER_S, backoff_delay


@given(attempt=st.integers(min_value=0, max_value=10_000), seed=st.integers(0, 2**32))
def test_the_delay_stays_in_the_full_jitter_window(attempt: int, seed: int) -> None:
    delay = backoff_delay(attempt, base=2.0, cap=300.0, rng=random.Random(seed))
    assert 0.0 <= delay <= min(300.0, 2.0 * 2 ** min(attempt, 20))


def test_the_window_doubles_then_stops_at_the_cap() -> None:
    rng = random.Random(4)
    for attempt, ceiling in [(0, 2), (1, 4), (3, 16), (7, 256), (8, 300), (500, 300)]:
        delays = [backoff_delay(attempt, base=2.0, cap=300.0, rng=rng) for _ in range(400)]
        assert max(delays) <= ceiling
        assert max(delays) > ceiling * 0.9  # jitter covers the whole window...
        assert min(delays) < ceiling * 0.1  # ...from nearly nothing


@given(retry_after=st.floats(min_value=0.0, max_value=10 * MAX_RETRY_AFTER_S), attempt=st.integers(0, 50))
def test_retry_after_is_a_floor_within_reason(retry_after: float, attempt: int) -> None:
    delay = backoff_delay(attempt, base=2.0, cap=300.0, retry_after=retry_after, rng=random.Random(0))
    assert delay >= min(retry_after, MAX_RETRY_AFTER_S)
    assert delay <= max(300.0, min(retry_after, MAX_RETRY_AFTER_S))
