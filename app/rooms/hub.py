"""Fan-out inside one process: each subscriber has a bounded queue; a publish puts the same
text in every queue of its channel, in order.

A subscriber that falls a whole queue behind is cut off (its next ``get`` raises
:class:`Overflow`) rather than slowing everyone else or growing memory without bound.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

QUEUE_SIZE = 2048


class Overflow(Exception):
    """The subscriber could not keep up and was dropped."""


class Subscription:
    """Messages of one channel for one reader: ``(seq, text)`` pairs (seq 0 when unnumbered)."""

    def __init__(self, channel: str, on_close: Callable[[Subscription], None]) -> None:
        self.channel = channel
        self._queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue(QUEUE_SIZE)
        self._on_close = on_close
        self.overflowed = False
        self.closed = False

    def put(self, seq: int, text: str) -> None:
        if self.overflowed:
            return
        try:
            self._queue.put_nowait((seq, text))
        except asyncio.QueueFull:
            self.overflowed = True  # the reader is a queue behind: its next get raises

    async def get(self) -> tuple[int, str]:
        if self.overflowed:
            raise Overflow(self.channel)
        return await self._queue.get()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._on_close(self)


class LocalHub:
    """Channels of this process: name → subscribers."""

    def __init__(self) -> None:
        self._channels: dict[str, set[Subscription]] = {}

    def subscribe(self, channel: str) -> Subscription:
        sub = Subscription(channel, self._remove)
        self._channels.setdefault(channel, set()).add(sub)
        return sub

    def _remove(self, sub: Subscription) -> None:
        subs = self._channels.get(sub.channel)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._channels[sub.channel]

    def publish(self, channel: str, seq: int, text: str) -> None:
        for sub in list(self._channels.get(channel, ())):
            sub.put(seq, text)

    def has(self, channel: str) -> bool:
        return channel in self._channels

    def count(self, channel: str) -> int:
        return len(self._channels.get(channel, ()))
