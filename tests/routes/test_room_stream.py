"""Followers receive the teacher's stream: computed once, every message to every follower."""

from __future__ import annotations

from contextlib import ExitStack

EXPERIMENT = {"epochs": 30, "dataset": {"name": "spiral", "samples": 100}, "grid": 12}


def collect_until_done(ws) -> list[dict]:
    messages = []
    while True:
        message = ws.receive_json()
        if message["type"] == "teacher_stream":  # a follower's marker: the teacher's new stream
            assert message["path"] in ("/ws/mlp", "/ws/surface")
            continue
        messages.append(message)
        if message["type"] == "frame" and message["done"]:
            return messages


def epochs(messages: list[dict]) -> list[int]:
    return [e["epoch"] for m in messages if m["type"] == "frame" for e in m["epochs"]]


def test_every_follower_receives_every_frame_of_the_teachers_training(client):
    room = client.post("/api/rooms").json()
    code, token = room["code"], room["teacher_token"]
    with ExitStack() as stack:
        followers = [stack.enter_context(client.websocket_connect(f"/ws/room/{code}/stream"))
                     for _ in range(6)]
        teacher = stack.enter_context(
            client.websocket_connect(f"/ws/mlp?room={code}&token={token}"))
        teacher.send_json({"type": "start", "gen": 7, "experiment": EXPERIMENT, "mode": "play",
                           "speed": 600})
        seen = collect_until_done(teacher)
        assert seen[0]["type"] == "started" and len(seen) > 3
        assert epochs(seen) == list(range(31))
        for ws in followers:
            assert collect_until_done(ws) == seen
        # a follower who comes late gets the stream so far, then the rest
        late = stack.enter_context(client.websocket_connect(f"/ws/room/{code}/stream"))
        assert collect_until_done(late) == seen
        teacher.send_json({"type": "reset"})
        reset = teacher.receive_json()
        assert reset["type"] == "frame" and [e["epoch"] for e in reset["epochs"]] == [0]
        assert late.receive_json() == reset and followers[0].receive_json() == reset


def test_the_training_is_computed_once(client, monkeypatch):
    from app.jobs import mlp_training
    built = []
    original = mlp_training.MlpTraining.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)
    monkeypatch.setattr(mlp_training.MlpTraining, "__init__", counting)
    room = client.post("/api/rooms").json()
    with ExitStack() as stack:
        followers = [stack.enter_context(
            client.websocket_connect(f"/ws/room/{room['code']}/stream")) for _ in range(10)]
        teacher = stack.enter_context(client.websocket_connect(
            f"/ws/mlp?room={room['code']}&token={room['teacher_token']}"))
        teacher.send_json({"type": "start", "gen": 1, "experiment": EXPERIMENT,
                           "mode": "instant"})
        seen = collect_until_done(teacher)
        for ws in followers:
            assert collect_until_done(ws) == seen
    assert len(built) == 1


def test_a_wrong_token_streams_only_to_itself(client):
    room = client.post("/api/rooms").json()
    with client.websocket_connect(f"/ws/mlp?room={room['code']}&token=nope") as fake:
        fake.send_json({"type": "start", "gen": 1, "experiment": EXPERIMENT, "mode": "instant"})
        collect_until_done(fake)
    with client.websocket_connect(f"/ws/room/{room['code']}/stream") as follower, \
            client.websocket_connect(
                f"/ws/mlp?room={room['code']}&token={room['teacher_token']}") as teacher:
        teacher.send_json({"type": "start", "gen": 99, "experiment": EXPERIMENT,
                           "mode": "instant"})
        seen = collect_until_done(teacher)
        got = collect_until_done(follower)
    assert got == seen and {m["gen"] for m in got} == {99}


def test_a_follower_of_an_unknown_room_is_refused(client):
    with client.websocket_connect("/ws/room/ZZZZZZ/stream") as ws:
        assert ws.receive_json()["code"] == "room.unknown"


def test_surface_races_are_followed_too(client):
    room = client.post("/api/rooms").json()
    race = {"surface": "rosenbrock", "steps": 40, "runs": [{"optimizer": "adam"}]}
    with client.websocket_connect(f"/ws/room/{room['code']}/stream") as follower, \
            client.websocket_connect(
                f"/ws/surface?room={room['code']}&token={room['teacher_token']}") as teacher:
        teacher.send_json({"type": "start", "gen": 2, "experiment": race, "mode": "instant"})
        seen = collect_until_done(teacher)
        assert collect_until_done(follower) == seen

