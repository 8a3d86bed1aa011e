"""`make soak` walks the real app through citizen sessions: a few of them here, so a change to
the flow that the soak's walker no longer follows fails the suite, not the next soak."""
from __future__ import annotations

import pytest


@pytest.mark.slow
def test_soak_walker_files_prints_and_delivers_a_few_sessions(monkeypatch):
    from bench.soak import soak

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    result = soak(sessions=6, warmup=2, log=lambda s: None)
    assert result["sessions"] == 6
    counts = result["counts"]
    assert counts.get("sent", 0) == 6
    assert counts.get("dead", 0) == 0
