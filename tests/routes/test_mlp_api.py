"""JSON API and WebSocket of the MLP playground."""

from __future__ import annotations

import numpy as np
import pytest

from tests.decoders import float32s

ISSUE_EXAMPLE = {
    "dataset": {"name": "spiral", "samples": 500, "noise": 0.1, "train_ratio": 0.5, "seed": 1},
    "features": ["x1", "x2"],
    "layers": [{"units": 8, "activation": "tanh", "kernel_initializer": "glorot_uniform",
                "batch_normalization": "none", "dropout": 0.0, "kernel_regularizer": None,
                "max_norm": None}],
    "loss": "binary_crossentropy",
    "optimizer": {"optimizer": "adam", "learning_rate": 0.01},
    "batch_size": 10, "epochs": 5, "shuffle": True, "seed": 0,
}


def test_mlp_run_issue_example_returns_every_epoch(client):
    response = client.post("/api/mlp/run", json=ISSUE_EXAMPLE)
    assert response.status_code == 200
    body = response.json()
    assert body["task"] == "binary" and body["status"] == "ok"
    assert [e["epoch"] for e in body["epochs"]] == list(range(6))
    assert body["epochs"][-1]["step"] == 5 * 25


@pytest.mark.parametrize(("patch", "field"), [
    ({"layers": [{"units": 10_000}]}, "layers.0.units"),
    ({"layers": [{"activation": "swishy"}]}, "layers.0.activation"),
    ({"layers": [{"dropout": -0.5}]}, "layers.0.dropout"),
    ({"features": ["x3"]}, "features.0"),
    ({"batch_size": 0}, "batch_size"),
    ({"dataset": {"name": "spiral", "samples": 10**6}}, "dataset.samples"),
])
def test_mlp_run_bad_input_is_422_with_field(client, patch, field):
    response = client.post("/api/mlp/run", json={**ISSUE_EXAMPLE, **patch})
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_mlp_csv_upload_good_and_bad_rows(client):
    rows = "\n".join(f"{i / 10},{(i % 7) / 3},{i % 2}" for i in range(30))
    ok = client.post("/api/mlp/csv", content="x1,x2,label\n" + rows)
    assert ok.status_code == 200 and ok.json()["rows"] == 30 and ok.json()["task"] == "binary"
    bad = client.post("/api/mlp/csv", content="1,2,0\n3,x,1\n" + rows)
    assert bad.status_code == 422
    errors = bad.json()["detail"]["errors"]
    assert {"row": 2, "column": 2, "code": "csv.number",
            "params": {"row": 2, "column": 2}}.items() <= errors[0].items()
    huge = client.post("/api/mlp/csv", content=b"1,2,0\n" * 50_000)
    assert huge.status_code == 413


def test_mlp_csv_points_train_end_to_end(client):
    rng = np.random.default_rng(0)
    pts = rng.uniform(-3, 3, size=(80, 2))
    rows = "\n".join(f"{x},{y},{int(x * y > 0)}" for x, y in pts)
    points = client.post("/api/mlp/csv", content=rows).json()["points"]
    body = {**ISSUE_EXAMPLE, "dataset": {"name": "csv", "points": points, "train_ratio": 0.5},
            "epochs": 3}
    response = client.post("/api/mlp/run", json=body)
    assert response.status_code == 200, response.text


def test_mlp_ws_streams_frames_with_binary_grid_and_continues_after_change(client):
    with client.websocket_connect("/ws/mlp") as ws:
        ws.send_json({"type": "start", "gen": 1, "mode": "instant",
                      "experiment": {**ISSUE_EXAMPLE, "epochs": 4, "grid": 12}})
        started = ws.receive_json()
        assert started["type"] == "started" and len(started["data"]["train"]["x"]) == 250
        frame = ws.receive_json()
        assert frame["type"] == "frame" and frame["done"]
        assert [e["epoch"] for e in frame["epochs"]] == [0, 1, 2, 3, 4]
        z = float32s(frame["grid"]["z"])
        assert z.shape == (144,)
        assert {"grad_norm", "weight_norm", "histogram", "dead_fraction"} <= set(frame["layers"][0])
        # a new learning rate continues training from epoch 4
        changed = {**ISSUE_EXAMPLE, "epochs": 6, "grid": 12,
                   "optimizer": {"optimizer": "adam", "learning_rate": 0.001}}
        ws.send_json({"type": "start", "gen": 2, "mode": "play", "speed": 1000,
                      "experiment": changed})
        assert ws.receive_json() == {"type": "updated", "gen": 2}
        epochs = []
        while True:
            msg = ws.receive_json()
            epochs += [e["epoch"] for e in msg["epochs"]]
            if msg["done"]:
                break
        assert epochs == [5, 6]
        assert msg["epochs"][-1]["learning_rate"] == pytest.approx(0.001)
        # a structural change starts again from epoch 0
        ws.send_json({"type": "start", "gen": 3, "mode": "pause",
                      "experiment": {**changed, "layers": [{"units": 4}]}})
        assert ws.receive_json()["type"] == "started"
        assert ws.receive_json()["epochs"][0]["epoch"] == 0


def test_mlp_ws_bad_experiment_keeps_running_job(client):
    with client.websocket_connect("/ws/mlp") as ws:
        ws.send_json({"type": "start", "gen": 1, "mode": "pause",
                      "experiment": {**ISSUE_EXAMPLE, "epochs": 3}})
        assert ws.receive_json()["type"] == "started"
        ws.receive_json()
        ws.send_json({"type": "start", "gen": 2,
                      "experiment": {**ISSUE_EXAMPLE, "layers": [{"units": 10_000}]}})
        error = ws.receive_json()
        assert error["type"] == "error" and error["errors"][0]["field"] == "layers.0.units"
        ws.send_json({"type": "step", "count": 1})
        assert ws.receive_json()["epochs"][0]["epoch"] == 1


def test_mlp_schema_lists_controls(client):
    schema = client.get("/api/mlp/schema").json()
    names = [f["name"] for f in schema["experiment"]]
    assert {"dataset", "layers", "optimizer", "batch_size", "epochs"} <= set(names)


def test_mlp_ws_trains_on_the_largest_upload(client):
    rng = np.random.default_rng(1)
    pts = rng.uniform(-5, 5, size=(2000, 2))
    points = [[float(x), float(y), float(x * y > 0)] for x, y in pts]
    experiment = {**ISSUE_EXAMPLE, "dataset": {"name": "csv", "points": points,
                                               "train_ratio": 0.5}, "epochs": 1}
    with client.websocket_connect("/ws/mlp") as ws:
        ws.send_json({"type": "start", "gen": 1, "mode": "instant", "experiment": experiment})
        assert ws.receive_json()["type"] == "started"
        assert ws.receive_json()["done"]
