"""Rooms in Redis (``DESCENSO_REDIS_URL``), so a class spans uvicorn workers and replicas.

Per room, keys that expire together after :data:`ROOM_TTL_SECONDS` without activity (every use
renews them): ``meta`` (the token's digest), ``seq`` and ``state`` (the latest state message),
``students`` (id → display name), ``subs`` (submissions), ``poll`` and ``votes``, ``sseq`` and
``stream`` (the teacher's experiment stream since its last start). A sorted set of open rooms
enforces the per-server cap. Messages go through pub/sub channels, one per room and
:data:`Channel`, as ``"<seq>:<json>"``; each process holds one pub/sub connection and fans the
messages out to its own readers (``LocalHub``). Numbered writes (a state, a stream message) are
Lua scripts, so numbering, keeping and publishing happen in one step and in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from typing import Any

import redis.asyncio as aioredis

from app.core.rooms import (
    MAX_ROOMS,
    MAX_STUDENTS,
    MAX_SUBMISSIONS,
    ROOM_TTL_SECONDS,
    Poll,
    RoomError,
    new_code,
    new_token,
    token_digest,
    token_matches,
)
from app.core.rooms.room import check_poll_size, check_vote, tally
from app.rooms.hub import LocalHub, Subscription
from app.rooms.memory import unknown_room
from app.rooms.store import MAX_STREAM_MESSAGES, Channel, RoomStore, dumps

PREFIX = "descenso:room:"
INDEX = "descenso:rooms"
FIELDS = ("meta", "seq", "state", "students", "subs", "subseq", "poll", "votes", "sseq",
          "stream")
TOUCH_EVERY = 30.0  # seconds between renewals of a room's keys by one process

SET_STATE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local n = redis.call('INCR', KEYS[2])
local msg = '{"type":"state","state":' .. ARGV[1] .. ',"seq":' .. n .. '}'
redis.call('SET', KEYS[3], msg, 'EX', ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('PUBLISH', KEYS[4], n .. ':' .. msg)
return n
"""

STREAM = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local n = redis.call('INCR', KEYS[2])
if ARGV[2] == '1' then redis.call('DEL', KEYS[3]) end
local item = n .. ':' .. ARGV[1]
local length = redis.call('RPUSH', KEYS[3], item)
local cap = tonumber(ARGV[3])
if length > cap then
  local first = redis.call('LINDEX', KEYS[3], 0)
  redis.call('LTRIM', KEYS[3], length - cap + 1, -1)
  redis.call('LPUSH', KEYS[3], first)
end
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[4])
redis.call('PUBLISH', KEYS[4], item)
return n
"""


def _key(code: str, field: str) -> str:
    return f"{PREFIX}{code}:{field}"


def _channel(code: str, channel: Channel) -> str:
    return f"{PREFIX}{code}:ch:{channel}"


class RedisRoomStore(RoomStore):
    """Rooms shared by every process that points at the same Redis."""

    def __init__(self, url: str, max_rooms: int = MAX_ROOMS,
                 ttl: int = ROOM_TTL_SECONDS) -> None:
        self._redis: Any = aioredis.from_url(url, decode_responses=True)
        self.max_rooms, self.ttl = max_rooms, ttl
        self._hub = LocalHub()
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._subscribed: set[str] = set()
        self._confirmed: dict[str, asyncio.Event] = {}
        self._touched: dict[str, float] = {}
        self._set_state = self._redis.register_script(SET_STATE)
        self._stream = self._redis.register_script(STREAM)

    # -- keys -------------------------------------------------------------------------------

    async def _exists(self, code: str) -> None:
        if not await self._redis.exists(_key(code, "meta")):
            raise unknown_room()
        await self._touch(code)

    async def _touch(self, code: str, force: bool = False) -> None:
        """Renew every key of the room (at most every few seconds per process)."""
        now = time.monotonic()
        if not force and now - self._touched.get(code, -TOUCH_EVERY) < TOUCH_EVERY:
            return
        self._touched[code] = now
        async with self._redis.pipeline(transaction=False) as pipe:
            for field in FIELDS:
                pipe.expire(_key(code, field), self.ttl)
            pipe.zadd(INDEX, {code: time.time() + self.ttl})
            await pipe.execute()

    async def _publish(self, code: str, channel: Channel, text: str) -> None:
        await self._redis.publish(_channel(code, channel), "0:" + text)

    # -- rooms ------------------------------------------------------------------------------

    async def create(self) -> tuple[str, str]:
        await self._redis.zremrangebyscore(INDEX, "-inf", time.time())
        if await self._redis.zcard(INDEX) >= self.max_rooms:
            raise RoomError("room.too_many", f"this server has its maximum of {self.max_rooms} "
                            "open rooms; try again later", max=self.max_rooms)
        token = new_token()
        while True:
            code = new_code()
            if await self._redis.set(_key(code, "meta"), token_digest(token), nx=True,
                                     ex=self.ttl):
                break
        await self._touch(code, force=True)
        return code, token

    async def students(self, code: str) -> int | None:
        if not await self._redis.exists(_key(code, "meta")):
            return None
        return int(await self._redis.hlen(_key(code, "students")))

    async def is_teacher(self, code: str, token: str | None) -> bool:
        digest = await self._redis.get(_key(code, "meta"))
        if digest is None:
            raise unknown_room()
        await self._touch(code)
        return token_matches(token, digest)

    async def join(self, code: str, name: str) -> str:
        await self._exists(code)
        key = _key(code, "students")
        if await self._redis.hlen(key) >= MAX_STUDENTS:
            raise RoomError("room.full", f"the room is full ({MAX_STUDENTS} students)",
                            max=MAX_STUDENTS)
        student = secrets.token_hex(8)
        await self._redis.hset(key, student, name)
        await self._redis.expire(key, self.ttl)
        await self._presence(code)
        return student

    async def leave(self, code: str, student: str) -> None:
        removed = await self._redis.hdel(_key(code, "students"), student)
        voted = await self._redis.hdel(_key(code, "votes"), student)
        if removed:
            await self._presence(code)
        if voted:
            current = await self.tally(code)
            if current is not None:
                await self._publish(code, "teacher", dumps(current))

    async def _presence(self, code: str) -> None:
        count = await self._redis.hlen(_key(code, "students"))
        await self._publish(code, "teacher", dumps({"type": "presence", "students": count}))

    # -- states and the stream --------------------------------------------------------------

    async def set_state(self, code: str, state_json: str) -> int:
        seq = int(await self._set_state(
            keys=[_key(code, "meta"), _key(code, "seq"), _key(code, "state"),
                  _channel(code, "students")], args=[state_json, self.ttl]))
        if seq < 0:
            raise unknown_room()
        await self._touch(code)
        return seq

    async def latest(self, code: str) -> tuple[int, str | None, Poll | None]:
        await self._exists(code)
        seq, text, poll = await self._redis.mget(
            [_key(code, "seq"), _key(code, "state"), _key(code, "poll")])
        return int(seq or 0), text, _poll(poll)

    async def stream(self, code: str, text: str, start: bool) -> None:
        seq = int(await self._stream(
            keys=[_key(code, "meta"), _key(code, "sseq"), _key(code, "stream"),
                  _channel(code, "stream")],
            args=[text, "1" if start else "0", MAX_STREAM_MESSAGES, self.ttl]))
        if seq < 0:
            raise unknown_room()
        await self._touch(code)

    async def replay(self, code: str) -> list[tuple[int, str]]:
        await self._exists(code)
        items = await self._redis.lrange(_key(code, "stream"), 0, -1)
        return [_numbered(item) for item in items]

    # -- submissions and polls --------------------------------------------------------------

    async def submit(self, code: str, name: str, result: dict[str, Any]) -> None:
        await self._exists(code)
        if await self._redis.llen(_key(code, "subs")) >= MAX_SUBMISSIONS:
            raise RoomError("room.submissions_full",
                            f"this room keeps at most {MAX_SUBMISSIONS} submissions",
                            max=MAX_SUBMISSIONS)
        number = await self._redis.incr(_key(code, "subseq"))
        text = dumps({"type": "submission", "name": name, "result": result, "id": number})
        await self._redis.rpush(_key(code, "subs"), text)
        await self._touch(code, force=number == 1)
        await self._publish(code, "teacher", text)

    async def submissions(self, code: str) -> list[dict[str, Any]]:
        await self._exists(code)
        return [json.loads(t) for t in await self._redis.lrange(_key(code, "subs"), 0, -1)]

    async def open_poll(self, code: str, question: str, choices: list[str]) -> Poll:
        await self._exists(code)
        check_poll_size(len(choices))
        previous = _poll(await self._redis.get(_key(code, "poll")))
        poll = Poll((previous.poll + 1) if previous else 1, question, tuple(choices))
        await self._redis.delete(_key(code, "votes"))
        await self._redis.set(_key(code, "poll"), dumps(poll.to_message()), ex=self.ttl)
        await self._publish(code, "students", dumps(poll.to_message()))
        await self._publish(code, "teacher", dumps(tally(poll, {})))
        return poll

    async def vote(self, code: str, student: str, choice: int) -> None:
        await self._exists(code)
        poll = check_vote(_poll(await self._redis.get(_key(code, "poll"))), choice)
        await self._redis.hset(_key(code, "votes"), student, choice)
        await self._redis.expire(_key(code, "votes"), self.ttl)
        votes = await self._redis.hgetall(_key(code, "votes"))
        await self._publish(code, "teacher",
                            dumps(tally(poll, {k: int(v) for k, v in votes.items()})))

    async def tally(self, code: str) -> dict[str, Any] | None:
        poll = _poll(await self._redis.get(_key(code, "poll")))
        if poll is None:
            return None
        votes = await self._redis.hgetall(_key(code, "votes"))
        return tally(poll, {k: int(v) for k, v in votes.items()})

    # -- pub/sub ----------------------------------------------------------------------------

    async def subscribe(self, code: str, channel: Channel) -> Subscription:
        await self._exists(code)
        name = _channel(code, channel)
        async with self._lock:
            if name not in self._subscribed:
                event = self._confirmed[name] = asyncio.Event()
                if self._pubsub is None:
                    self._pubsub = self._redis.pubsub()
                await self._pubsub.subscribe(name)
                if self._reader is None or self._reader.done():
                    self._reader = asyncio.create_task(self._read())
                await asyncio.wait_for(event.wait(), timeout=10)
                self._subscribed.add(name)
        sub = self._hub.subscribe(name)
        original = sub._on_close

        def closed(s: Subscription) -> None:
            original(s)
            if not self._hub.has(name):
                asyncio.get_running_loop().create_task(self._unsubscribe(name))
        sub._on_close = closed
        return sub

    async def _unsubscribe(self, name: str) -> None:
        async with self._lock:
            if not self._hub.has(name) and name in self._subscribed and self._pubsub:
                self._subscribed.discard(name)
                await self._pubsub.unsubscribe(name)

    async def _read(self) -> None:
        """Hand every pub/sub message to this process' readers of its channel."""
        while self._pubsub is not None:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except (aioredis.ConnectionError, aioredis.TimeoutError):
                await asyncio.sleep(0.5)  # redis-py subscribes again when it reconnects
                continue
            if message is None:
                continue
            kind, name = message["type"], message["channel"]
            if kind == "subscribe":
                event = self._confirmed.pop(name, None)
                if event is not None:
                    event.set()
            elif kind == "message":
                seq, text = _numbered(message["data"])
                self._hub.publish(name, seq, text)

    async def close(self) -> None:
        reader, self._reader = self._reader, None
        pubsub, self._pubsub = self._pubsub, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
        with contextlib.suppress(Exception):
            await self._redis.aclose()


def _numbered(item: str) -> tuple[int, str]:
    seq, _, text = item.partition(":")
    return int(seq), text


def _poll(text: str | None) -> Poll | None:
    if not text:
        return None
    data = json.loads(text)
    return Poll(int(data["poll"]), str(data["question"]), tuple(data["choices"]))
