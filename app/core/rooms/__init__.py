"""A live classroom's pure parts: room codes and tokens, caps and rate limits, a room's state.

Nothing here knows of sockets, asyncio or Redis: the stores in ``app/rooms`` keep rooms in the
process or in Redis and use these rules.
"""

from app.core.rooms.codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    new_code,
    new_token,
    normalize_code,
    token_digest,
    token_matches,
)
from app.core.rooms.limits import (
    MAX_NAME,
    MAX_RESULT_BYTES,
    MAX_ROOMS,
    MAX_STATE_BYTES,
    MAX_STUDENTS,
    MAX_SUBMISSIONS,
    ROOM_TTL_SECONDS,
    RateLimiter,
    RoomError,
    clean_name,
    json_size,
)
from app.core.rooms.room import Poll, Room

__all__ = ["CODE_ALPHABET", "CODE_LENGTH", "MAX_NAME", "MAX_RESULT_BYTES", "MAX_ROOMS",
           "MAX_STATE_BYTES", "MAX_STUDENTS", "MAX_SUBMISSIONS", "ROOM_TTL_SECONDS", "Poll",
           "RateLimiter", "Room", "RoomError", "clean_name", "json_size", "new_code",
           "new_token", "normalize_code", "token_digest", "token_matches"]
