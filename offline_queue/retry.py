"""When to try a failed submission again: capped exponential backoff with full jitter.

Why a hand-written function rather than ``backoff`` or ``tenacity``: both are built around a
call they re-run in a loop inside one process (``@backoff.on_exception``, ``Retrying``), keeping
the attempt count in memory. Our retries must survive a power cut, so the attempt count and
the next attempt time live in the outbox row (``attempts``, ``next_attempt_at``) and the worker
only needs "how long to wait before attempt N". That is the one line below, the same formula as
``backoff.full_jitter(backoff.expo)`` / ``tenacity.wait_random_exponential`` (AWS Architecture
Blog, "Exponential Backoff And Jitter"), without a dependency for it.

Never gives up: time passing is not a reason to drop a citizen's submission.
"""
from __future__ import annotations

import random

DEFAULT_BASE_S = 2.0
DEFAULT_CAP_S = 300.0
#: A ``Retry-After`` longer than this is treated as this (a misconfigured proxy must not
#: park the whole queue for days).
MAX_RETRY_AFTER_S = 3600.0


def backoff_delay(
    attempt: int,
    *,
    base: float = DEFAULT_BASE_S,
    cap: float = DEFAULT_CAP_S,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before the next try, after ``attempt`` failures in a row (0 = first).

    Full jitter, ``uniform(0, min(cap, base * 2**attempt))``, spreads many kiosks that lost
    the network together over the whole window instead of stampeding the server when it comes
    back. ``retry_after`` (the server's ``Retry-After``, in seconds) is a lower bound.
    """
    ceiling = min(cap, base * 2.0 ** min(max(attempt, 0), 62))
    delay = (rng or random).uniform(0.0, ceiling)
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER_S))
    return delay
