"""One room's state, as the in-process store keeps it (the Redis store keeps the same facts in
keys): the latest teacher state and its sequence number, the students, the submissions and the
open poll with its votes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.rooms.limits import (
    MAX_POLL_CHOICES,
    MAX_STUDENTS,
    MAX_SUBMISSIONS,
    ROOM_TTL_SECONDS,
    RoomError,
)


def state_message(seq: int, state_json: str) -> str:
    """``{"type": "state", "state": {…}, "seq": n}`` around an already encoded state."""
    return f'{{"type":"state","state":{state_json},"seq":{seq}}}'


@dataclass(frozen=True)
class Poll:
    """A quick question: ``choices`` are its answers, ``poll`` numbers it within the room."""

    poll: int
    question: str
    choices: tuple[str, ...]

    def to_message(self) -> dict[str, Any]:
        return {"type": "poll", "poll": self.poll, "question": self.question,
                "choices": list(self.choices)}


def tally(poll: Poll, votes: dict[str, int]) -> dict[str, Any]:
    """The teacher's view of a poll: how many chose each answer."""
    counts = [0] * len(poll.choices)
    for choice in votes.values():
        if 0 <= choice < len(counts):
            counts[choice] += 1
    return {"type": "tally", "poll": poll.poll, "counts": counts, "votes": sum(counts)}


def check_vote(poll: Poll | None, choice: int) -> Poll:
    """The poll a vote for ``choice`` goes to; refuses a vote with no poll or out of range."""
    if poll is None:
        raise RoomError("room.no_poll", "there is no open poll")
    if not 0 <= choice < len(poll.choices):
        raise RoomError("room.bad_choice", f"choice must be between 0 and {len(poll.choices) - 1}",
                        max=len(poll.choices) - 1)
    return poll


def check_poll_size(choices: int) -> None:
    if not 2 <= choices <= MAX_POLL_CHOICES:
        raise RoomError("room.poll_choices", f"a poll has 2 to {MAX_POLL_CHOICES} choices",
                        max=MAX_POLL_CHOICES)


@dataclass
class Room:
    """A room in memory; ``touched`` (seconds, the store's clock) is its last activity."""

    code: str
    digest: str
    touched: float
    seq: int = 0
    state: str | None = None
    """The latest state message, as the students receive it."""
    students: dict[str, str] = field(default_factory=dict)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    poll: Poll | None = None
    votes: dict[str, int] = field(default_factory=dict)
    stream_seq: int = 0
    stream: list[tuple[int, str]] = field(default_factory=list)

    def expired(self, now: float, ttl: float = ROOM_TTL_SECONDS) -> bool:
        return now - self.touched > ttl

    def join(self, student: str, name: str) -> None:
        if len(self.students) >= MAX_STUDENTS:
            raise RoomError("room.full", f"the room is full ({MAX_STUDENTS} students)",
                            max=MAX_STUDENTS)
        self.students[student] = name

    def leave(self, student: str) -> None:
        self.students.pop(student, None)
        self.votes.pop(student, None)

    def set_state(self, state_json: str) -> int:
        """Keep the state (compact JSON) as the latest; its sequence number (1, 2, …)."""
        self.seq += 1
        self.state = state_message(self.seq, state_json)
        return self.seq

    def submit(self, submission: dict[str, Any]) -> dict[str, Any]:
        if len(self.submissions) >= MAX_SUBMISSIONS:
            raise RoomError("room.submissions_full",
                            f"this room keeps at most {MAX_SUBMISSIONS} submissions",
                            max=MAX_SUBMISSIONS)
        numbered = {**submission, "id": len(self.submissions) + 1}
        self.submissions.append(numbered)
        return numbered

    def open_poll(self, question: str, choices: list[str]) -> Poll:
        check_poll_size(len(choices))
        self.poll = Poll((self.poll.poll + 1) if self.poll else 1, question, tuple(choices))
        self.votes = {}
        return self.poll

    def vote(self, student: str, choice: int) -> dict[str, Any]:
        poll = check_vote(self.poll, choice)
        self.votes[student] = choice
        return tally(poll, self.votes)
