"""Rooms through a real Redis: the store itself, and a class split across two uvicorn
processes (teacher on one, students on the other), and the start-up warning without Redis."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest
from websockets.asyncio.client import connect

from app.core.rooms import RoomError
from app.rooms.redis_store import RedisRoomStore, _key
from bench.server import ROOT, free_port, uvicorn_process
from tests.async_helpers import run_async
from tests.rooms.classroom import create_room, run_class
from tests.rooms.redis_server import redis_server


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


def test_redis_store_numbers_states_and_keeps_keys_with_a_ttl(redis_url):
    async def scenario() -> None:
        store = RedisRoomStore(redis_url)
        try:
            code, token = await store.create()
            assert await store.is_teacher(code, token)
            assert not await store.is_teacher(code, "nope")
            sub = await store.subscribe(code, "students")
            for i in range(5):
                assert await store.set_state(code, f'{{"i":{i}}}') == i + 1
            got = [await asyncio.wait_for(sub.get(), 5) for _ in range(5)]
            assert [s for s, _ in got] == [1, 2, 3, 4, 5]
            assert json.loads(got[-1][1]) == {"type": "state", "state": {"i": 4}, "seq": 5}
            seq, latest, poll = await store.latest(code)
            assert seq == 5 and latest == got[-1][1] and poll is None
            ttl = await store._redis.ttl(_key(code, "state"))
            assert 0 < ttl <= 4 * 3600
            assert 0 < await store._redis.ttl(_key(code, "meta")) <= 4 * 3600
            ana = await store.join(code, "Ana")
            assert await store.students(code) == 1
            await store.open_poll(code, "q", ["a", "b", "c"])
            await store.vote(code, ana, 2)
            tally = await store.tally(code)
            assert tally is not None and tally["counts"] == [0, 0, 1]
            await store.leave(code, ana)
            assert await store.students(code) == 0
            sub.close()
        finally:
            await store.close()
    run_async(scenario())


def test_redis_rooms_expire(redis_url):
    async def scenario() -> None:
        store = RedisRoomStore(redis_url, ttl=1)
        try:
            code, _ = await store.create()
            assert await store.students(code) == 0
            await asyncio.sleep(2.1)
            assert await store.students(code) is None
            with pytest.raises(RoomError, match="no such room"):
                await store.set_state(code, "{}")
        finally:
            await store.close()
    run_async(scenario())


@pytest.fixture(scope="module")
def two_servers(redis_url):
    with uvicorn_process(env={**os.environ, "DESCENSO_REDIS_URL": redis_url,
                              "DESCENSO_DATA_DIR": tempfile.mkdtemp()}) as (a, _), \
            uvicorn_process(env={**os.environ, "DESCENSO_REDIS_URL": redis_url,
                                 "DESCENSO_DATA_DIR": tempfile.mkdtemp()}) as (b, _):
        yield a, b


def test_forty_students_on_another_process_get_every_state_in_order(two_servers):
    a, b = two_servers
    result = run_async(run_class(a, b, students=40, states=20))
    assert result.received == [list(range(1, 21))] * 40
    assert result.steps == [list(range(20))] * 40
    p95 = result.p95()
    print(f"\nthrough Redis, two processes: p95 latency {p95 * 1000:.1f} ms "
          f"over {len(result.latencies)} deliveries")
    assert p95 < 2.5  # generous on a shared machine; the figure is printed above


def test_forty_students_in_one_process_without_redis():
    with uvicorn_process(env={**os.environ, "DESCENSO_DATA_DIR": tempfile.mkdtemp()}) as (a, _):
        result = run_async(run_class(a, a, students=40, states=20))
    assert result.received == [list(range(1, 21))] * 40
    print(f"\nin process: p95 latency {result.p95() * 1000:.1f} ms")
    assert result.p95() < 2.5


def test_submissions_presence_and_counts_cross_processes(two_servers):
    a, b = two_servers
    room = create_room(a)
    code, token = room["code"], room["teacher_token"]

    async def scenario() -> list[dict]:
        async with connect(f"ws://{a}/ws/room/{code}?role=teacher&token={token}") as teacher:
            assert json.loads(await teacher.recv())["type"] == "hello"
            async with connect(f"ws://{b}/ws/room/{code}?role=student&name=Ana") as ana:
                json.loads(await ana.recv())
                with urllib.request.urlopen(f"http://{a}/api/rooms/{code}") as answer:
                    assert json.loads(answer.read()) == {"students": 1}
                await ana.send(json.dumps({"type": "submit", "result": {"loss": 0.25}}))
                got: list[dict] = []
                while not any(m["type"] == "submission" for m in got):
                    got.append(json.loads(await asyncio.wait_for(teacher.recv(), 10)))
                return got
    got = run_async(scenario())
    assert got[0] == {"type": "presence", "students": 1}
    assert got[-1] == {"type": "submission", "name": "Ana", "result": {"loss": 0.25}, "id": 1}


def test_followers_on_another_process_get_the_teachers_stream(two_servers):
    a, b = two_servers
    room = create_room(a)
    code, token = room["code"], room["teacher_token"]
    experiment = {"epochs": 20, "dataset": {"name": "spiral", "samples": 60}, "grid": 10}

    async def until_done(ws) -> list[str]:
        texts = []
        while True:
            text = await asyncio.wait_for(ws.recv(), 30)
            message = json.loads(text)
            if message["type"] == "teacher_stream":
                continue
            texts.append(text)
            if message["type"] == "frame" and message["done"]:
                return texts

    async def scenario() -> tuple[list[str], list[list[str]]]:
        followers = [await connect(f"ws://{b}/ws/room/{code}/stream") for _ in range(5)]
        tasks = [asyncio.create_task(until_done(f)) for f in followers]
        async with connect(f"ws://{a}/ws/mlp?room={code}&token={token}") as teacher:
            await teacher.send(json.dumps({"type": "start", "gen": 3, "mode": "play",
                                           "speed": 200, "experiment": experiment}))
            seen = await until_done(teacher)
        got = await asyncio.gather(*tasks)
        for f in followers:
            await f.close()
        return seen, got
    seen, got = run_async(scenario())
    assert len(seen) > 2 and all(g == seen for g in got)


def test_several_workers_without_redis_say_rooms_need_it():
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DESCENSO_REDIS_URL"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--workers", "2",
         "--log-level", "warning"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(1.0)  # both workers have started
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert b"DESCENSO_REDIS_URL" in err and b"rooms" in err, err[-2000:]
