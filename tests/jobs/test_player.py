"""The player: pacing, steps, reset, replacement, and JSON that never carries NaN."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from app.jobs.player import Player, _message
from tests.async_helpers import run_async


@dataclass
class Frame:
    step: int
    done: bool = False


def frames(n: int):
    for k in range(n + 1):
        yield Frame(k, done=k == n)


def encode(batch: list[Frame], generation: int) -> dict[str, Any]:
    return {"gen": generation, "steps": [f.step for f in batch], "value": float("nan")}


def test_player_message_replaces_non_finite_numbers():
    text = _message(encode, [Frame(1)], 3, done=False, reset=False)
    assert json.loads(text) == {"gen": 3, "steps": [1], "value": None, "done": False,
                                "reset": False, "playing": False}


def run(coro):
    return run_async(coro)


def recorder(ticks_per_second: float) -> tuple[Player[Frame], list[dict[str, Any]]]:
    """A player whose messages are recorded, decoded, in ``sent``."""
    sent: list[dict[str, Any]] = []

    async def send(text: str) -> None:
        sent.append(json.loads(text))

    return Player(send, ticks_per_second=ticks_per_second), sent


async def until_done(player: Player[Frame]) -> None:
    """Wait (at most a second) for the playing job to end."""
    for _ in range(100):
        if player.done:
            return
        await asyncio.sleep(0.01)


def test_player_instant_pause_step_reset_and_play():
    async def scenario() -> list[dict[str, Any]]:
        player, sent = recorder(ticks_per_second=100)
        await player.load(1, lambda: frames(5), encode, "instant", 60)
        await player.load(2, lambda: frames(5), encode, "pause", 60)
        await player.step(2)
        await player.reset()
        player.set_speed(1000)
        await player.play()
        await until_done(player)
        await player.close()
        return sent

    sent = run(scenario())
    assert sent[0]["steps"] == [0, 1, 2, 3, 4, 5] and sent[0]["done"]
    assert sent[1]["gen"] == 2 and sent[1]["steps"] == [0]
    assert sent[2]["steps"] == [1, 2]
    assert sent[3]["steps"] == [0] and sent[3]["reset"]
    played = [s for m in sent[4:] for s in m["steps"]]
    assert played == [1, 2, 3, 4, 5] and sent[-1]["done"]
    # every frame says whether it was sent playing; the one that ends the job does not play on
    assert [m["playing"] for m in sent[:4]] == [False] * 4
    assert all(m["playing"] for m in sent[4:-1]) and not sent[-1]["playing"]


def test_player_frames_of_a_playing_load_and_of_a_replay_say_playing():
    async def scenario() -> list[dict[str, Any]]:
        player, sent = recorder(ticks_per_second=100)
        await player.load(1, lambda: frames(3), encode, "play", 1000)
        await until_done(player)
        assert not player.playing
        start = len(sent)
        await player.play()  # finished: playing again starts over, playing from its first frame
        assert player.playing
        await player.close()
        return sent[:1] + sent[start:start + 1]

    first, replay = run(scenario())
    assert first["steps"] == [0] and first["playing"]
    assert replay["steps"] == [0] and replay["reset"] and replay["playing"]


def test_player_new_job_replaces_the_playing_one():
    async def scenario() -> list[dict[str, Any]]:
        player, sent = recorder(ticks_per_second=100)
        await player.load(1, lambda: frames(10_000), encode, "play", 10)
        await asyncio.sleep(0.05)
        await player.load(2, lambda: frames(3), encode, "instant", 10)
        await asyncio.sleep(0.05)
        await player.close()
        return sent

    sent = run(scenario())
    assert sent[-1]["gen"] == 2 and sent[-1]["steps"] == [0, 1, 2, 3]


def slow_frames(n: int, seconds: float):
    import time
    for k in range(n + 1):
        time.sleep(seconds)  # a worker computing: pause lands while a message is in flight
        yield Frame(k, done=k == n)


def test_player_pause_mid_message_loses_no_frame():
    """Pausing while a message is computed sends it, so the next step is the very next frame
    (a cancelled message used to drop the frames already taken off the generator)."""
    async def scenario() -> list[dict[str, Any]]:
        player, sent = recorder(ticks_per_second=30)
        await player.load(1, lambda: slow_frames(10_000, 0.004), encode, "pause", 600)
        for wait in (0.03, 0.05, 0.07, 0.11, 0.02):
            await player.play()
            await asyncio.sleep(wait)
            await player.pause()
            await player.step(1)
        await player.close()
        return sent

    sent = run(scenario())
    steps = [s for m in sent for s in m["steps"]]
    assert steps == list(range(len(steps)))
    assert len(steps) > 10
