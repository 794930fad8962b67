"""The classroom benchmark runs end to end at a tiny size: every follower gets every message
(no timing asserted; the figure is in bench.run)."""

from __future__ import annotations

from bench import room_follow
from tests.async_helpers import in_fresh_thread


def test_room_follow_bench_runs_and_followers_are_complete():
    table = in_fresh_thread(room_follow.measure, epochs=4, rounds=1, followers=3, full=False)
    (row,) = table.rows
    assert row.rate is not None and row.rate > 0 and row.baseline_rate is not None
    assert any("3 of 3 followers received every one" in note for note in table.notes)
