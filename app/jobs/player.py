"""Pace a frame generator for a live view: play, pause, single step, reset, speed.

The player knows nothing of sockets: it pulls frames from a job generator and encodes them in a
worker thread (CPU-bound work never blocks the event loop), groups the frames due in one tick
into one message (the browser draws at most once per animation frame) and hands messages to an
async ``send`` as JSON text.
Every message carries the generation token of the job it belongs to, so the page drops frames of
a job it has already replaced, and ``playing``: whether it was sent while the job plays (false for
a step, a reset, a paused or instant load, and for the frame that ends the job), so a listener who
only watches (a student following the teacher) can tell the play state from the latest message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from app.jobs.workers import SLICE_SECONDS, run_cpu

F = TypeVar("F")
Mode = Literal["instant", "play", "pause"]
Send = Callable[[str], Awaitable[None]]
Encode = Callable[[list[F], int], dict[str, Any]]

TICKS_PER_SECOND = 30
MAX_FRAMES_PER_MESSAGE = 10_000
MAX_OWED_TICKS = 3
TICK_BUDGET = 0.8  # share of a tick a stream may spend computing before it sends


@dataclass
class _Batch(Generic[F]):
    """Frames gathered for one message, slice by slice."""

    frames: list[F] = field(default_factory=list)
    exhausted: bool = False
    text: str | None = None

    @property
    def done(self) -> bool:
        return self.exhausted or bool(self.frames and getattr(self.frames[-1], "done", False))


def _slice(source: Iterator[F], batch: _Batch[F], count: int, deadline: float | None,
           encode: Encode[F], generation: int, reset: bool, playing: bool) -> None:
    """One time slice on a worker: take up to ``count`` more frames; when the batch is complete
    (count reached, job finished, or ``deadline`` passed) encode it, so a message costs one
    trip to the pool in the common case."""
    end = time.perf_counter() + SLICE_SECONDS
    while len(batch.frames) < count and not batch.done:
        try:
            batch.frames.append(next(source))
        except StopIteration:
            batch.exhausted = True
            break
        if time.perf_counter() > end:
            break
    complete = (len(batch.frames) >= count or batch.done
                or (deadline is not None and time.perf_counter() >= deadline))
    if complete and batch.frames:
        batch.text = _message(encode, batch.frames, generation, batch.done, reset, playing)


def _message(encode: Encode[F], frames: list[F], generation: int, done: bool,
             reset: bool, playing: bool = False) -> str:
    """The frames as one JSON text message (encoded off the event loop too)."""
    message = encode(frames, generation)
    message["done"] = done
    message["reset"] = reset
    message["playing"] = playing and not done
    try:
        return json.dumps(message, allow_nan=False, separators=(",", ":"))
    except ValueError:  # a non-finite number slipped through: never NaN on screen
        return json.dumps(_finite_only(message), allow_nan=False, separators=(",", ":"))


def _finite_only(value: Any) -> Any:
    """``value`` with every non-finite float replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite_only(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_only(v) for v in value]
    return value


class Player(Generic[F]):
    """Streams one job at a time; loading a new job replaces the running one at once."""

    def __init__(self, send: Send, ticks_per_second: float = TICKS_PER_SECOND) -> None:
        self._send = send
        self._tick = 1.0 / ticks_per_second
        self._factory: Callable[[], Iterator[F]] | None = None
        self._encode: Encode[F] | None = None
        self._frames: Iterator[F] | None = None
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._emitting = False  # the play task is computing or sending a message
        self._stopping = False  # pause() asked the play task to stop after that message
        self.generation = 0
        self.speed = 60.0
        self.done = False
        self.emitted = 0

    @property
    def playing(self) -> bool:
        return self._task is not None and not self._task.done()

    async def load(self, generation: int, factory: Callable[[], Iterator[F]],
                   encode: Encode[F], mode: Mode, speed: float) -> None:
        """Replace the current job; ``instant`` sends everything, ``pause`` only the first frame."""
        await self.pause()
        self.generation, self.speed = generation, speed
        self._factory, self._encode = factory, encode
        self._frames, self.done = factory(), False
        if mode == "instant":
            await self._emit(MAX_FRAMES_PER_MESSAGE)
        elif mode == "pause":
            await self._emit(1)
        else:
            await self._emit(1, playing=True)
            await self.play()

    async def play(self) -> None:
        if self._frames is None or self.playing:
            return
        if self.done:
            await self._rewind(playing=True)
        self._task = asyncio.create_task(self._run())

    async def pause(self) -> None:
        """Stop playing. A message being computed is finished and sent first: cancelling it
        would drop frames already taken off the generator (the next step would skip them) and
        leave a worker still pulling from the generator the next message reads."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        if not self._emitting:
            task.cancel()  # between messages: waiting for the next tick, nothing in flight
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        finally:
            self._stopping = False

    async def step(self, count: int = 1) -> None:
        await self.pause()
        await self._emit(max(1, min(count, MAX_FRAMES_PER_MESSAGE)))

    async def reset(self) -> None:
        """Back to the first frame, paused."""
        await self._rewind(playing=False)

    async def _rewind(self, playing: bool) -> None:
        """Back to the first frame (a message that says ``reset``), then paused or playing."""
        await self.pause()
        if self._factory is None:
            return
        self._frames, self.done = self._factory(), False
        await self._emit(1, reset=True, playing=playing)

    def set_speed(self, speed: float) -> None:
        self.speed = speed

    async def close(self) -> None:
        await self.pause()
        self._frames = None

    async def _emit(self, count: int, reset: bool = False, deadline: float | None = None,
                    playing: bool = False) -> bool:
        """Pull ``count`` frames off the event loop and send them as one message (``playing``:
        sent while the job plays); with a ``deadline``, stop taking slices when it passes (at
        least one slice is always taken)."""
        self.emitted = 0
        async with self._lock:
            frames_iter, encode = self._frames, self._encode
            if frames_iter is None or encode is None or self.done:
                return False
            batch: _Batch[F] = _Batch()
            # short slices on the shared pool, each queued anew, so every client gets its turn
            while batch.text is None and not (batch.done and not batch.frames):
                await run_cpu(_slice, frames_iter, batch, count, deadline, encode,
                              self.generation, reset, playing)
            self.emitted = len(batch.frames)
            if frames_iter is not self._frames:
                return False  # replaced while computing
            self.done = batch.done
            if batch.text is not None:
                await self._send(batch.text)
            return not self.done

    async def mutate(self, change: Callable[[], Iterator[F] | None]) -> None:
        """Run ``change`` between frames (never while a frame is computed); if it returns a
        new frame iterator, the job continues from it under the same generation."""
        async with self._lock:
            frames = change()
            if frames is not None:
                self._frames, self.done = frames, False

    async def _run(self) -> None:
        """Send the frames due each tick until the job ends or is paused.

        Each tick computes, slice by slice, what the speed asks for until most of the tick is
        spent, then sends it as one message. Frames owed are capped at a few ticks' worth: when
        the server is busy, every client's rate drops (slices are shared fairly) instead of a
        backlog growing."""
        owed = 0.0
        last = time.perf_counter()
        cap = MAX_OWED_TICKS * self._tick
        while True:
            tick_start = time.perf_counter()
            owed = min(owed + (tick_start - last) * self.speed, max(1.0, self.speed * cap))
            last = tick_start
            count = int(owed)
            if count >= 1:
                self._emitting = True
                try:
                    going = await self._emit(count, deadline=tick_start + TICK_BUDGET * self._tick,
                                             playing=True)
                finally:
                    self._emitting = False
                owed = max(0.0, owed - self.emitted)
                if not going:
                    break
            if self._stopping:
                return  # pause() is waiting for this message to go out, not for the job's end
            await asyncio.sleep(max(0.0, tick_start + self._tick - time.perf_counter()))
        self._task = None
