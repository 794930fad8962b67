"""Room codes, tokens, names, the rate limit and a room's rules (no sockets)."""

from __future__ import annotations

import pytest

from app.core.rooms import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_NAME,
    MAX_STUDENTS,
    RateLimiter,
    Room,
    RoomError,
    clean_name,
    json_size,
    new_code,
    new_token,
    normalize_code,
    token_digest,
    token_matches,
)


def test_alphabet_has_no_look_alikes():
    assert not set("0O1Il") & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 31


def test_codes_are_six_characters_of_the_alphabet_and_vary():
    codes = {new_code() for _ in range(500)}
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert len(codes) > 490  # 31**6 codes: collisions in 500 draws are rare
    seen = set("".join(codes))
    assert seen == set(CODE_ALPHABET)  # 3,000 draws reach every character


@pytest.mark.parametrize("text, code", [("k7p2qd", "K7P2QD"), (" K7P-2QD ", "K7P2QD"),
                                        ("K7P2Q0", None), ("K7P2QI", None), ("K7P2Q", None),
                                        ("K7P2QDD", None), ("", None)])
def test_normalize_code(text, code):
    assert normalize_code(text) == code


def test_tokens_are_secret_and_checked_by_digest():
    token = new_token()
    assert len(token) >= 32 and token != new_token()
    digest = token_digest(token)
    assert token not in digest
    assert token_matches(token, digest)
    assert not token_matches(token + "x", digest)
    assert not token_matches(None, digest) and not token_matches("", digest)


def test_names_are_cleaned_and_capped():
    assert clean_name("  Ana\u200b  María\n ") == "Ana María"
    assert clean_name("<b>x</b>") == "<b>x</b>"  # kept as text; pages never use it as HTML
    assert clean_name(None) == ""
    assert clean_name("x" * MAX_NAME) == "x" * MAX_NAME
    with pytest.raises(RoomError) as error:
        clean_name("x" * (MAX_NAME + 1))
    assert error.value.code == "room.name_too_long" and error.value.params == {"max": MAX_NAME}


def test_rate_limiter_allows_a_burst_then_the_rate():
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=3.0, clock=lambda: now[0])
    assert [limiter.allow() for _ in range(4)] == [True, True, True, False]
    now[0] = 0.5  # one token back
    assert limiter.allow() and not limiter.allow()
    now[0] = 100.0  # never more than the burst
    assert sum(limiter.allow() for _ in range(10)) == 3


def test_room_numbers_states_and_keeps_the_latest():
    room = Room("K7P2QD", token_digest("t"), 0.0)
    assert room.set_state('{"a":1}') == 1
    assert room.set_state('{"a":2}') == 2
    assert room.state == '{"type":"state","state":{"a":2},"seq":2}'


def test_room_caps_students():
    room = Room("K7P2QD", "d", 0.0)
    for i in range(MAX_STUDENTS):
        room.join(str(i), "")
    with pytest.raises(RoomError) as error:
        room.join("one more", "")
    assert error.value.code == "room.full"
    room.leave("0")
    room.join("one more", "")


def test_polls_count_one_vote_per_student():
    room = Room("K7P2QD", "d", 0.0)
    with pytest.raises(RoomError, match="no open poll"):
        room.vote("a", 0)
    poll = room.open_poll("¿Cuál llega antes?", ["SGD", "Adam", "RMSprop"])
    assert poll.poll == 1
    room.vote("a", 1)
    room.vote("b", 1)
    tally = room.vote("a", 2)  # a changes her mind
    assert tally == {"type": "tally", "poll": 1, "counts": [0, 1, 1], "votes": 2}
    with pytest.raises(RoomError) as error:
        room.vote("c", 3)
    assert error.value.code == "room.bad_choice"
    assert room.open_poll("otra", ["sí", "no"]).poll == 2 and room.votes == {}
    with pytest.raises(RoomError):
        room.open_poll("una sola", ["sí"])


def test_room_expires_after_its_idle_time():
    room = Room("K7P2QD", "d", touched=100.0)
    assert not room.expired(100.0 + 4 * 3600)
    assert room.expired(100.0 + 4 * 3600 + 1)


def test_json_size_counts_utf8_bytes():
    assert json_size({"a": "é"}) == len('{"a":"é"}'.encode())
