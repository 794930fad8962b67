"""CSV exports of runs: the same numbers as the JSON run routes, diverged runs included."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)

RACE = {
    "surface": "rosenbrock", "start": [-1.5, 2.0], "steps": 60,
    "runs": [{"optimizer": "adam", "learning_rate": 0.02},
             {"optimizer": "sgd", "learning_rate": 0.01},  # diverges on Rosenbrock from here
             {"optimizer": "momentum", "learning_rate": 0.001, "enabled": False},
             {"optimizer": "rmsprop", "learning_rate": 0.01}],
}
TRAINING = {
    "dataset": {"name": "xor", "samples": 200, "noise": 0.1, "train_ratio": 0.5, "seed": 1},
    "layers": [{"units": 8, "activation": "tanh"}], "epochs": 6,
    "optimizer": {"optimizer": "adam", "learning_rate": 0.03},
}
DIVERGING = {
    "dataset": {"name": "reg_plane", "samples": 200, "noise": 0.0, "train_ratio": 0.5, "seed": 1},
    "layers": [{"units": 8, "activation": "relu", "kernel_initializer": "he_normal"}],
    "optimizer": {"optimizer": "sgd", "learning_rate": 5.0}, "epochs": 50,
}


def read_csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.text)))


def number(text: str) -> float | None:
    return None if text == "" else float(text)


def test_surface_csv_equals_the_json_of_the_same_race():
    race = client.post("/api/surface/run", json=RACE).json()
    rows = read_csv(client.post("/api/surface/export/csv", json=RACE))
    assert list(rows[0]) == ["run", "optimizer", "step", "x", "y", "loss"]
    statuses = [run["status"] for run in race["runs"]]
    assert statuses == ["ok", "diverged", "off", "ok"]  # the case this test is about
    expected = [(str(i), run["optimizer"], str(step), x, y, loss)
                for i, run in enumerate(race["runs"])
                for step, ((x, y), loss) in enumerate(zip(run["points"], run["losses"],
                                                           strict=True))]
    got = [(r["run"], r["optimizer"], r["step"], float(r["x"]), float(r["y"]), float(r["loss"]))
           for r in rows]
    assert got == expected  # repr-exact: the text reads back to the JSON's floats
    diverged = race["runs"][1]
    assert max(int(r["step"]) for r in rows if r["run"] == "1") == diverged["diverged_at"] - 1
    assert not [r for r in rows if r["run"] == "2"]  # a run that is off has no rows
    assert [int(r["step"]) for r in rows if r["run"] == "0"] == list(range(61))


@pytest.mark.parametrize("body", [TRAINING, DIVERGING], ids=["ok", "diverged"])
def test_mlp_csv_equals_the_json_of_the_same_training(body):
    training = client.post("/api/mlp/run", json=body).json()
    rows = read_csv(client.post("/api/mlp/export/csv", json=body))
    columns = ["epoch", "step", "train_loss", "test_loss", "train_metric", "test_metric",
               "learning_rate"]
    assert list(rows[0]) == columns and len(rows) == len(training["epochs"])
    for row, epoch in zip(rows, training["epochs"], strict=True):
        assert [number(row[c]) for c in columns] == [epoch[c] for c in columns]
    if body is DIVERGING:
        assert training["status"] == "diverged" and rows[-1]["train_loss"] == ""


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/surface/export/csv", {**RACE, "steps": 0}, "steps"),
    ("/api/surface/export/csv", {**RACE, "runs": [{"optimizer": "adamz"}]}, "runs.0.optimizer"),
    ("/api/mlp/export/csv", {**TRAINING, "batch_size": 0}, "batch_size"),
    ("/api/mlp/export/csv", {**TRAINING, "epochs": 3000, "batch_size": 1}, "epochs"),
])
def test_csv_export_bad_body_is_422_with_field(path, body, field):
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
