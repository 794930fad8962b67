"""Followers receive the teacher's stream: computed once, every message to every follower."""

from __future__ import annotations

from contextlib import ExitStack

from tests.fuzz import deadline

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



def until_player(ws) -> tuple[list[dict], dict]:
    """The messages up to the next ``player`` message, and that message."""
    before: list[dict] = []
    while True:
        message = ws.receive_json()
        if message["type"] == "player":
            return before, message
        before.append(message)


def test_followers_are_told_the_teachers_play_state(client):
    """The teacher's race opens paused at step 0, then she plays, pauses and steps: followers
    (and a late one) are told each state, so their Play button reads what hers does."""
    room = client.post("/api/rooms").json()
    code, token = room["code"], room["teacher_token"]
    race = {"surface": "rosenbrock", "steps": 400, "runs": [{"optimizer": "adam"}]}
    with deadline(30, "the play state"), \
            client.websocket_connect(f"/ws/room/{code}/stream") as follower, \
            client.websocket_connect(f"/ws/surface?room={code}&token={token}") as teacher:
        teacher.send_json({"type": "start", "gen": 4, "experiment": race, "mode": "pause",
                           "speed": 30})
        seen, state = until_player(follower)
        assert [m["type"] for m in seen] == ["teacher_stream", "started", "frame"]
        assert seen[1]["mode"] == "pause" and seen[2]["step"] == 0 and not seen[2]["playing"]
        assert state == {"type": "player", "gen": 4, "playing": False}
        assert until_player(teacher) == (seen[1:], state)  # her own socket hears it too

        teacher.send_json({"type": "play"})
        assert until_player(follower)[1] == {"type": "player", "gen": 4, "playing": True}
        teacher.send_json({"type": "pause"})
        played, state = until_player(follower)
        assert state["playing"] is False
        assert all(m["type"] == "frame" and m["playing"] for m in played)

        teacher.send_json({"type": "step", "count": 1})
        stepped, state = until_player(follower)
        assert [m["type"] for m in stepped] == ["frame"] and not stepped[0]["playing"]
        assert state["playing"] is False

        # a late follower gets the stream since `started`: it ends paused, at the same step
        with client.websocket_connect(f"/ws/room/{code}/stream") as late:
            replayed = [late.receive_json() for _ in range(7 + len(played))]
            assert replayed[0]["type"] == "started" and replayed[0]["mode"] == "pause"
            assert replayed[-1] == state and replayed[-2] == stepped[0]
            teacher.send_json({"type": "play"})
            assert until_player(late)[1]["playing"] is True
            assert until_player(follower)[1]["playing"] is True


def test_a_lone_stream_is_not_told_its_player_state(client):
    """Without a class the stream's protocol is unchanged: no ``player`` messages."""
    race = {"surface": "rosenbrock", "steps": 5, "runs": [{"optimizer": "sgd"}]}
    with client.websocket_connect("/ws/surface") as ws:
        ws.send_json({"type": "start", "gen": 1, "experiment": race, "mode": "pause"})
        assert ws.receive_json()["mode"] == "pause"
        assert ws.receive_json()["type"] == "frame"
        ws.send_json({"type": "step", "count": 9})
        last = ws.receive_json()
        assert last["type"] == "frame" and last["done"] and not last["playing"]
