"""The classroom socket: order, late joiners, privacy, the teacher's token, caps."""

from __future__ import annotations

import json

import pytest
from starlette.websockets import WebSocketDisconnect

from app.core.rooms import MAX_STATE_BYTES


@pytest.fixture
def room(client) -> dict:
    return client.post("/api/rooms").json()


def teacher_url(room: dict, token: str | None = None) -> str:
    return f"/ws/room/{room['code']}?role=teacher&token={token or room['teacher_token']}"


def student_url(room: dict, name: str = "") -> str:
    return f"/ws/room/{room['code']}?role=student&name={name}"


def receive_type(ws, kind: str) -> dict:
    while True:
        message = ws.receive_json()
        if message["type"] == kind:
            return message


def test_forty_students_receive_twenty_states_in_order(client, room):
    from contextlib import ExitStack
    with ExitStack() as stack:
        teacher = stack.enter_context(client.websocket_connect(teacher_url(room)))
        assert teacher.receive_json()["type"] == "hello"
        students = [stack.enter_context(client.websocket_connect(student_url(room, f"s{i}")))
                    for i in range(40)]
        for ws in students:
            assert ws.receive_json()["type"] == "hello"
        for i in range(20):
            teacher.send_json({"type": "state", "state": {"step": i, "page": "mlp"}})
        for ws in students:
            got = [ws.receive_json() for _ in range(20)]
            assert [m["seq"] for m in got] == list(range(1, 21))
            assert [m["state"]["step"] for m in got] == list(range(20))
            assert all(m["type"] == "state" for m in got)


def test_a_late_joiner_gets_the_latest_state_first(client, room):
    with client.websocket_connect(teacher_url(room)) as teacher:
        teacher.receive_json()
        for i in range(3):
            teacher.send_json({"type": "state", "state": {"step": i}})
        with client.websocket_connect(student_url(room)) as early:
            early.receive_json()
        # the teacher's states are kept even with no student in the room
        with client.websocket_connect(student_url(room, "Luz")) as late:
            hello = late.receive_json()
            assert hello == {"type": "hello", "role": "student", "code": room["code"],
                             "name": "Luz"}
            assert late.receive_json() == {"type": "state", "state": {"step": 2}, "seq": 3}
            teacher.send_json({"type": "state", "state": {"step": 3}})
            assert late.receive_json()["seq"] == 4


def test_a_students_state_is_refused_and_reaches_nobody(client, room):
    with client.websocket_connect(teacher_url(room)) as teacher, \
            client.websocket_connect(student_url(room, "a")) as a, \
            client.websocket_connect(student_url(room, "b")) as b:
        teacher.receive_json()
        a.receive_json(), b.receive_json()
        a.send_json({"type": "state", "state": {"page": "hijack"}})
        error = a.receive_json()
        assert error["type"] == "error" and error["code"] == "room.not_allowed"
        with pytest.raises(WebSocketDisconnect) as closed:
            a.receive_json()
        assert closed.value.code == 1008
        # the next thing b and the teacher see is the teacher's own state, not a's
        teacher.send_json({"type": "state", "state": {"page": "mlp"}})
        assert b.receive_json() == {"type": "state", "state": {"page": "mlp"}, "seq": 1}
        presence = receive_type(teacher, "presence")
        assert presence["students"] in (1, 2)


@pytest.mark.parametrize("token", ["wrong", "", None])
def test_a_wrong_or_missing_token_cannot_act_as_teacher(client, room, token):
    url = (f"/ws/room/{room['code']}?role=teacher" if token is None
           else teacher_url(room, token) if token else
           f"/ws/room/{room['code']}?role=teacher&token=")
    with client.websocket_connect(student_url(room)) as student:
        student.receive_json()
        with client.websocket_connect(url) as fake:
            error = fake.receive_json()
            assert error["code"] == "room.not_teacher"
            with pytest.raises(WebSocketDisconnect) as closed:
                fake.receive_json()
            assert closed.value.code == 1008
        # nothing reached the student: the next message is the real teacher's
        with client.websocket_connect(teacher_url(room)) as teacher:
            teacher.receive_json()
            teacher.send_json({"type": "state", "state": {"real": True}})
            assert student.receive_json()["state"] == {"real": True}


def test_another_rooms_token_is_not_this_rooms(client, room):
    other = client.post("/api/rooms").json()
    with client.websocket_connect(teacher_url(room, other["teacher_token"])) as fake:
        assert fake.receive_json()["code"] == "room.not_teacher"


def test_submissions_reach_only_the_teacher(client, room):
    with client.websocket_connect(teacher_url(room)) as teacher, \
            client.websocket_connect(student_url(room, "Ana")) as ana, \
            client.websocket_connect(student_url(room, "Bea")) as bea:
        teacher.receive_json(), ana.receive_json(), bea.receive_json()
        ana.send_json({"type": "submit", "result": {"link": "/mlp?o.lr=0.1", "loss": 0.2}})
        got = receive_type(teacher, "submission")
        assert got == {"type": "submission", "name": "Ana", "id": 1,
                       "result": {"link": "/mlp?o.lr=0.1", "loss": 0.2}}
        bea.send_json({"type": "submit", "name": "<img src=x onerror=alert(1)>",
                       "result": {"loss": 0.5}})
        assert receive_type(teacher, "submission")["name"] == "<img src=x onerror=alert(1)>"
        bea.send_json({"type": "submit", "name": "x" * 41, "result": {}})
        assert bea.receive_json()["code"] == "room.name_too_long"
        # the teacher's next state is the first thing the students receive
        teacher.send_json({"type": "state", "state": {"n": 1}})
        assert ana.receive_json()["type"] == "state" and bea.receive_json()["type"] == "state"
    # a teacher who reloads gets the submissions so far
    with client.websocket_connect(teacher_url(room)) as teacher:
        hello = teacher.receive_json()
        assert [s["name"] for s in hello["submissions"]] == ["Ana", "<img src=x onerror=alert(1)>"]


def test_polls_go_to_students_and_tallies_to_the_teacher(client, room):
    with client.websocket_connect(teacher_url(room)) as teacher, \
            client.websocket_connect(student_url(room)) as a, \
            client.websocket_connect(student_url(room)) as b:
        teacher.receive_json(), a.receive_json(), b.receive_json()
        teacher.send_json({"type": "poll", "question": "¿Cuál llega antes?",
                           "choices": ["SGD", "Adam"]})
        poll = a.receive_json()
        assert poll == {"type": "poll", "poll": 1, "question": "¿Cuál llega antes?",
                        "choices": ["SGD", "Adam"]}
        assert b.receive_json() == poll
        assert receive_type(teacher, "tally")["counts"] == [0, 0]
        a.send_json({"type": "vote", "choice": 1})
        b.send_json({"type": "vote", "choice": 1})
        receive_type(teacher, "tally")
        assert receive_type(teacher, "tally")["counts"] == [0, 2]
        a.send_json({"type": "vote", "choice": 5})
        assert a.receive_json()["code"] == "room.bad_choice"
        with client.websocket_connect(student_url(room)) as late:
            late.receive_json()
            assert late.receive_json()["type"] == "poll"


def test_state_cap_and_bad_messages(client, room):
    with client.websocket_connect(teacher_url(room)) as teacher:
        teacher.receive_json()
        teacher.send_json({"type": "state", "state": {"x": "a" * MAX_STATE_BYTES}})
        error = teacher.receive_json()
        assert error["code"] == "room.state_too_big" and error["params"] == {"max": MAX_STATE_BYTES}
        teacher.send_json({"type": "poll", "question": "q", "choices": ["only one"]})
        assert teacher.receive_json()["code"] == "room.bad_message"
        teacher.send_text("not json")
        assert teacher.receive_json()["code"] == "ws.bad_json"


def test_unknown_room_and_bad_role_close_with_1008(client, room):
    for url in ("/ws/room/ZZZZZZ?role=student", f"/ws/room/{room['code']}?role=ghost",
                f"/ws/room/{room['code']}?role=student&name={'x' * 41}"):
        with client.websocket_connect(url) as ws:
            code = ws.receive_json()["code"]
            assert code in ("room.unknown", "room.bad_role", "room.name_too_long")
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 1008


def test_a_student_flooding_is_rate_limited(client, room):
    with client.websocket_connect(student_url(room)) as ws:
        ws.receive_json()
        for _ in range(40):
            ws.send_json({"type": "vote", "choice": 0})
        codes = [ws.receive_json()["code"] for _ in range(40)]
        assert "room.rate_limited" in codes and "room.no_poll" in codes


def test_the_teachers_messages_are_json(client, room):
    with client.websocket_connect(teacher_url(room)) as teacher:
        hello = teacher.receive_json()
        assert hello["students"] == 0 and hello["submissions"] == [] and hello["tally"] is None
        json.dumps(hello)
