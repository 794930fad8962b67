"""A teacher on a lesson step: the step reaches every student and a late joiner, and the server
refuses a lesson or a step that does not exist before any student sees it."""

from __future__ import annotations

import pytest

from app.lessons import find_lesson
from tests.routes.test_rooms_ws import receive_type, student_url, teacher_url

LESSON = "gradient-descent"


@pytest.fixture
def room(client) -> dict:
    return client.post("/api/rooms").json()


def test_a_lesson_step_reaches_the_students_and_a_late_joiner(client, room):
    lesson = find_lesson(LESSON)
    assert lesson is not None and len(lesson.steps) >= 2
    with client.websocket_connect(teacher_url(room)) as teacher, \
            client.websocket_connect(student_url(room, "Ana")) as ana:
        teacher.receive_json(), ana.receive_json()
        teacher.send_json({"type": "state", "state": {"page": "lesson", "lesson": LESSON,
                                                      "step": 1}})
        assert ana.receive_json() == {"type": "state", "seq": 1, "state": {
            "page": "lesson", "lesson": LESSON, "step": 1}}
        # next, with the instrument changed by the teacher (its link rides along)
        moved = {"page": "lesson", "lesson": LESSON, "step": 2,
                 "frame": "f=quadratic&k=10&n=60&r0.o=sgd&r0.lr=0.02"}
        teacher.send_json({"type": "state", "state": moved})
        assert ana.receive_json() == {"type": "state", "seq": 2, "state": moved}
        with client.websocket_connect(student_url(room, "Luz")) as late:
            assert late.receive_json()["type"] == "hello"
            assert late.receive_json() == {"type": "state", "seq": 2, "state": moved}


@pytest.mark.parametrize(("state", "code", "params"), [
    ({"lesson": "no-such-lesson", "step": 1}, "room.unknown_lesson",
     {"lesson": "no-such-lesson"}),
    ({"lesson": LESSON, "step": 0}, "room.bad_step", {"step": 0, "max": 3}),
    ({"lesson": LESSON, "step": 4}, "room.bad_step", {"step": 4, "max": 3}),
    ({"lesson": LESSON, "step": "2"}, "room.bad_message", {"field": "state.step"}),
    ({"lesson": LESSON}, "room.bad_message", {"field": "state.step"}),
    ({"lesson": LESSON, "step": 1, "extra": 1}, "room.bad_message", {"field": "state.extra"}),
])
def test_a_bad_lesson_or_step_is_refused_and_reaches_nobody(client, room, state, code, params):
    assert len(find_lesson(LESSON).steps) == 3  # type: ignore[union-attr]
    with client.websocket_connect(teacher_url(room)) as teacher, \
            client.websocket_connect(student_url(room)) as student:
        teacher.receive_json(), student.receive_json()
        teacher.send_json({"type": "state", "state": {"page": "lesson", **state}})
        teacher.send_json({"type": "state", "state": {"page": "lesson", "lesson": LESSON,
                                                      "step": 3}})
        # the refused state reached nobody: the student's first state is the good one
        assert student.receive_json() == {"type": "state", "seq": 1, "state": {
            "page": "lesson", "lesson": LESSON, "step": 3}}
        error = receive_type(teacher, "error")
        assert (error["code"], error["params"]) == (code, params)
        assert error["message"]
