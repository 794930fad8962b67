"""The in-process store: fan-out in order, late joiners, expiry, caps, overflow."""

from __future__ import annotations

import asyncio

import pytest

from app.core.rooms import RoomError
from app.rooms.hub import QUEUE_SIZE, Overflow
from app.rooms.memory import MemoryRoomStore
from tests.async_helpers import run_async


def test_states_reach_every_subscriber_in_order():
    async def scenario() -> list[list[int]]:
        store = MemoryRoomStore()
        code, _ = await store.create()
        subs = [await store.subscribe(code, "students") for _ in range(5)]
        for i in range(20):
            await store.set_state(code, f'{{"i":{i}}}')
        return [[(await s.get())[0] for _ in range(20)] for s in subs]
    assert run_async(scenario()) == [list(range(1, 21))] * 5


def test_latest_state_and_poll_for_a_late_joiner():
    async def scenario() -> tuple:
        store = MemoryRoomStore()
        code, _ = await store.create()
        assert await store.latest(code) == (0, None, None)
        await store.set_state(code, '{"page":"mlp"}')
        await store.open_poll(code, "¿?", ["a", "b"])
        return await store.latest(code)
    seq, text, poll = run_async(scenario())
    assert seq == 1 and text == '{"type":"state","state":{"page":"mlp"},"seq":1}'
    assert poll is not None and poll.choices == ("a", "b")


def test_rooms_expire_when_idle_and_are_capped():
    now = [0.0]

    async def scenario() -> None:
        store = MemoryRoomStore(clock=lambda: now[0], max_rooms=2, ttl=100)
        first, _ = await store.create()
        await store.create()
        with pytest.raises(RoomError) as error:
            await store.create()
        assert error.value.code == "room.too_many" and error.value.params == {"max": 2}
        now[0] = 90.0
        await store.set_state(first, "{}")  # activity keeps the first one open
        now[0] = 150.0
        await store.create()  # the second expired: room for a new one
        assert await store.students(first) == 0
        now[0] = 260.0
        assert await store.students(first) is None
        with pytest.raises(RoomError, match="no such room"):
            await store.set_state(first, "{}")
    run_async(scenario())


def test_submissions_and_votes_go_to_the_teacher_channel_only():
    async def scenario() -> tuple[list[str], bool]:
        store = MemoryRoomStore()
        code, _ = await store.create()
        teacher = await store.subscribe(code, "teacher")
        students = await store.subscribe(code, "students")
        ana = await store.join(code, "Ana")
        await store.submit(code, "Ana", {"loss": 0.1})
        await store.open_poll(code, "q", ["a", "b"])
        await store.vote(code, ana, 1)
        got = [(await teacher.get())[1] for _ in range(4)]
        poll_only = (await students.get())[1]
        return got, students._queue.empty() and '"poll"' in poll_only
    got, only_poll = run_async(scenario())
    assert [g.split('"type":"')[1].split('"')[0] for g in got] == [
        "presence", "submission", "tally", "tally"]
    assert '"counts":[0,1]' in got[3] and only_poll


def test_a_reader_a_whole_queue_behind_is_cut_off():
    async def scenario() -> None:
        store = MemoryRoomStore()
        code, _ = await store.create()
        slow = await store.subscribe(code, "stream")
        for _ in range(QUEUE_SIZE + 1):
            await store.stream(code, "{}", start=False)
        with pytest.raises(Overflow):
            await asyncio.wait_for(slow.get(), 1)
    run_async(scenario())


def test_stream_replay_starts_at_the_last_start_and_is_capped():
    async def scenario() -> list[tuple[int, str]]:
        store = MemoryRoomStore()
        code, _ = await store.create()
        await store.stream(code, "old", start=True)
        await store.stream(code, "start", start=True)
        for i in range(700):
            await store.stream(code, str(i), start=False)
        return await store.replay(code)
    replay = run_async(scenario())
    assert replay[0] == (2, "start") and replay[-1] == (702, "699") and len(replay) == 600
    assert [s for s, _ in replay[1:]] == list(range(104, 703))
