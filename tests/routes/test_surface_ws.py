"""The surface WebSocket: start, instant/play/pause/step/reset, replacement, bad messages."""

from __future__ import annotations

import json

from app.routes.socket_protocol import MAX_MESSAGE_BYTES

EXPERIMENT = {"surface": "rosenbrock", "start": [-1.5, 2.0], "steps": 40,
              "runs": [{"optimizer": "adam", "learning_rate": 0.02},
                       {"optimizer": "sgd", "learning_rate": 0.001}]}


def collect_until_done(ws, gen):
    frames = []
    while True:
        msg = ws.receive_json()
        if msg["type"] == "frame" and msg["gen"] == gen:
            frames.append(msg)
            if msg["done"]:
                return frames


def test_ws_instant_sends_whole_race_in_one_frame(client):
    with client.websocket_connect("/ws/surface") as ws:
        ws.send_json({"type": "start", "gen": 1, "experiment": EXPERIMENT, "mode": "instant"})
        started = ws.receive_json()
        assert started["type"] == "started" and started["start"] == [-1.5, 2.0]
        (frame,) = collect_until_done(ws, 1)
        assert frame["from"] == 0 and frame["step"] == 40
        assert [len(r["points"]) for r in frame["runs"]] == [41, 41]
        assert frame["runs"][0]["summary"]["final_loss"] == frame["runs"][0]["losses"][-1]


def test_ws_play_streams_the_same_trajectory_in_order(client):
    with client.websocket_connect("/ws/surface") as ws:
        ws.send_json({"type": "start", "gen": 2, "experiment": EXPERIMENT, "mode": "play",
                      "speed": 2000})
        assert ws.receive_json()["type"] == "started"
        frames = collect_until_done(ws, 2)
    assert len(frames) > 1
    steps = [f["step"] for f in frames]
    assert steps == sorted(steps) and steps[-1] == 40
    streamed = [p for f in frames for p in f["runs"][0]["points"]]
    whole = client.post("/api/surface/run", json=EXPERIMENT).json()["runs"][0]["points"]
    assert streamed == whole


def test_ws_pause_step_reset(client):
    with client.websocket_connect("/ws/surface") as ws:
        ws.send_json({"type": "start", "gen": 3, "experiment": EXPERIMENT, "mode": "pause"})
        assert ws.receive_json()["type"] == "started"
        first = ws.receive_json()
        assert first["step"] == 0 and len(first["runs"][0]["points"]) == 1
        ws.send_json({"type": "step", "count": 1})
        one = ws.receive_json()
        assert one["from"] == 1 and one["step"] == 1
        ws.send_json({"type": "step", "count": 5})
        assert ws.receive_json()["step"] == 6
        ws.send_json({"type": "reset"})
        again = ws.receive_json()
        assert again["step"] == 0 and again["reset"] is True
        assert again["runs"][0]["points"] == first["runs"][0]["points"]


def test_ws_new_experiment_replaces_running_one(client):
    with client.websocket_connect("/ws/surface") as ws:
        slow = {**EXPERIMENT, "steps": 5000}
        ws.send_json({"type": "start", "gen": 4, "experiment": slow, "mode": "play",
                      "speed": 1})
        ws.send_json({"type": "start", "gen": 5, "experiment": EXPERIMENT, "mode": "instant"})
        frames = collect_until_done(ws, 5)
        assert frames[-1]["step"] == 40


def test_ws_invalid_experiment_reports_error_and_keeps_socket(client):
    with client.websocket_connect("/ws/surface") as ws:
        bad = {**EXPERIMENT, "runs": [{"optimizer": "adam", "learning_rate": -1}]}
        ws.send_json({"type": "start", "gen": 6, "experiment": bad})
        error = ws.receive_json()
        assert error["type"] == "error" and error["gen"] == 6
        assert error["errors"][0]["field"] == "runs.0.learning_rate"
        ws.send_json({"type": "start", "gen": 7, "experiment": EXPERIMENT})
        assert ws.receive_json()["type"] == "started"


def test_ws_malformed_and_oversized_messages_close_with_reason(client):
    for payload, code in (("{not json", 1003), (json.dumps({"type": "launch"}), 1008),
                          ("x" * (MAX_MESSAGE_BYTES + 1), 1009)):
        with client.websocket_connect("/ws/surface") as ws:
            ws.send_text(payload)
            error = ws.receive_json()
            assert error["type"] == "error" and error["gen"] is None
            assert error["errors"][0]["code"].startswith(("ws.", "error.")), error
            message = ws.receive()
            assert message["type"] == "websocket.close"
            assert message["code"] == code and message.get("reason")


def test_ws_past_the_job_cap_clients_get_busy_not_a_queue(client, monkeypatch):
    from app.jobs.workers import JOB_SLOTS

    monkeypatch.setattr(JOB_SLOTS, "capacity", 1)
    with client.websocket_connect("/ws/surface") as first:
        first.send_json({"type": "start", "gen": 1, "experiment": EXPERIMENT, "mode": "pause"})
        assert first.receive_json()["type"] == "started"
        with client.websocket_connect("/ws/surface") as second:
            assert second.receive_json()["type"] == "busy"
            closed = second.receive()
            assert closed["type"] == "websocket.close" and closed["code"] == 1013
    assert JOB_SLOTS.running == 0
