"""The surface instruments' routes: explain agrees with the race, the schedule curve with the
optimizer that trains, the tuner with the race at the tuned rates; bad bodies are 422s."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.core.optimizers import OPTIMIZERS, SGD
from app.schema.instruments import MAX_SCHEDULE_STEPS
from app.schema.optimizer_spec import ScheduleSpec
from app.schema.surface_experiment import MAX_STEPS, page_default_experiment

RUN_CASES: list[dict[str, Any]] = [
    {"optimizer": "adam", "learning_rate": 0.1},
    {"optimizer": "nesterov", "learning_rate": 5e-4, "clipnorm": 5.0},
    {"optimizer": "rmsprop", "learning_rate": 0.05, "centered": True, "momentum": 0.5,
     "schedule": {"name": "cosine", "decay_steps": 50}},
    {"optimizer": "lion", "learning_rate": 0.01, "weight_decay": 0.01},
    {"optimizer": "sgd", "learning_rate": 0.01},  # diverges on Rosenbrock
]


def _run_points(client, body: dict[str, Any]) -> tuple[np.ndarray, dict[str, Any]]:
    response = client.post("/api/surface/run", json=body)
    assert response.status_code == 200, response.text
    run = response.json()["runs"][0]
    return np.array(run["points"]), run


@pytest.mark.parametrize("noise", [0.0, 3.0])
@pytest.mark.parametrize("run", RUN_CASES, ids=[r["optimizer"] for r in RUN_CASES])
def test_explain_points_are_the_race_points(client, run: dict[str, Any], noise: float) -> None:
    body = {"surface": "rosenbrock", "steps": 120, "noise": noise, "seed": 7, "runs": [run]}
    response = client.post("/api/surface/explain", json=body)
    assert response.status_code == 200, response.text
    explained = response.json()
    steps = explained["steps"]
    points, race = _run_points(client, body)
    assert [s["step"] for s in steps] == list(range(1, len(steps) + 1))
    ours = np.array([s["point"] for s in steps] + [np.add(steps[-1]["point"],
                                                          steps[-1]["update"]).tolist()])
    assert ours.shape == points.shape
    np.testing.assert_allclose(ours, points, rtol=1e-12, atol=1e-15)
    assert explained["status"] == race["status"]
    assert explained["diverged_at"] == race["diverged_at"]


def test_explain_run_index_picks_the_race_noise(client) -> None:
    """Run 2 of a noisy race, explained alone with its index, walks the race's path."""
    runs = [{"optimizer": "sgd", "learning_rate": 1e-3}, {"optimizer": "adam"},
            {"optimizer": "rmsprop", "learning_rate": 0.01}]
    race = {"surface": "rosenbrock", "steps": 60, "noise": 2.0, "seed": 5, "runs": runs}
    path = np.array(client.post("/api/surface/run", json=race).json()["runs"][2]["points"])
    alone = dict(race, runs=[runs[2]], run_index=2)
    steps = client.post("/api/surface/explain", json=alone).json()["steps"]
    np.testing.assert_allclose([s["point"] for s in steps], path[:-1], rtol=1e-12)
    other = client.post("/api/surface/explain", json=dict(alone, run_index=0)).json()["steps"]
    assert not np.allclose([s["point"] for s in other], path[:-1])


def test_explain_learning_rate_follows_the_schedule(client) -> None:
    schedule = {"name": "piecewise", "boundaries": [3, 6], "factors": [1.0, 0.5, 0.1]}
    body = {"steps": 10, "runs": [{"optimizer": "adam", "learning_rate": 0.1,
                                   "schedule": schedule}]}
    steps = client.post("/api/surface/explain", json=body).json()["steps"]
    curve = client.post("/api/schedule", json={"learning_rate": 0.1, "schedule": schedule,
                                               "steps": 10}).json()["learning_rate"]
    assert [s["learning_rate"] for s in steps] == pytest.approx(curve, rel=1e-15)


def test_explain_gradient_is_clipped_as_the_update_used_it(client) -> None:
    body = {"steps": 5, "runs": [{"optimizer": "sgd", "learning_rate": 1e-3, "clipnorm": 0.5}]}
    for step in client.post("/api/surface/explain", json=body).json()["steps"]:
        assert np.hypot(*step["gradient"]) == pytest.approx(0.5)
        # plain SGD: the update is −η·g with the clipped gradient
        np.testing.assert_allclose(step["update"], -1e-3 * np.array(step["gradient"]),
                                   rtol=1e-9)


def test_explain_undefined_start_has_no_steps(client) -> None:
    body = {"surface": "custom", "expression": "log(x)", "start": [-1.0, 0.0], "steps": 5}
    data = client.post("/api/surface/explain", json=body).json()
    assert data == {"steps": [], "status": "diverged", "diverged_at": 0,
                    "has_bias_correction": True, "keras": True}  # the default run: Adam


@pytest.mark.parametrize("name", ["adam", "adamw", "adamax", "nadam"])
def test_explain_without_bias_correction_is_the_uncorrected_twin(client, name: str) -> None:
    """The ghost path: the uncorrected twin (tested against its closed form in
    tests/core/test_optimizer_anatomy.py) stepped by the race, labelled not Keras."""
    from app.core.optimizers.anatomy import without_bias_correction
    from app.jobs.surface_race import build_surface, start_point
    from app.schema.instruments import ExplainExperiment

    body = {"surface": "himmelblau", "steps": 40, "runs": [{"optimizer": name,
                                                             "learning_rate": 0.05}]}
    keras_form = client.post("/api/surface/explain", json=body).json()
    ghost = client.post("/api/surface/explain", json=dict(body, bias_correction=False)).json()
    assert keras_form["has_bias_correction"] and keras_form["keras"]
    assert ghost["has_bias_correction"] and not ghost["keras"]
    experiment = ExplainExperiment.model_validate(body)
    surface = build_surface(experiment)
    twin = without_bias_correction(experiment.runs[0].build(total_steps=40))
    point = np.array(start_point(experiment, surface), dtype=np.float64)
    for step in ghost["steps"]:
        np.testing.assert_allclose(step["point"], point, rtol=1e-12)
        twin.apply([surface.gradient_at(point[None, :])[0]], [point])
    assert not np.allclose(ghost["steps"][-1]["point"], keras_form["steps"][-1]["point"])
    assert "m_hat" in ghost["steps"][0]["parts"] and "m_hat" in keras_form["steps"][0]["parts"]


def test_explain_without_bias_correction_changes_nothing_for_sgd(client) -> None:
    body = {"steps": 20, "runs": [{"optimizer": "momentum", "learning_rate": 1e-3}]}
    keras_form = client.post("/api/surface/explain", json=body).json()
    same = client.post("/api/surface/explain", json=dict(body, bias_correction=False)).json()
    assert same == keras_form and same["keras"] and not same["has_bias_correction"]


def test_explain_parts_rebuild_the_update(client) -> None:
    """moment × scale is Adam's update (no weight decay), at every step of a race."""
    body = {"steps": 50, "runs": [{"optimizer": "adam", "learning_rate": 0.1}]}
    for step in client.post("/api/surface/explain", json=body).json()["steps"]:
        parts = step["parts"]
        assert set(parts) == {"m_hat", "v_hat", "moment", "scale"}
        np.testing.assert_allclose(np.multiply(parts["moment"], parts["scale"]), step["update"],
                                   rtol=1e-10)
        np.testing.assert_allclose(parts["moment"],
                                   -step["learning_rate"] * np.array(parts["m_hat"]), rtol=1e-12)


@pytest.mark.parametrize("runs", [[], [{"optimizer": "adam"}, {"optimizer": "sgd"}]])
def test_explain_needs_exactly_one_run(client, runs: list[dict[str, Any]]) -> None:
    response = client.post("/api/surface/explain", json={"runs": runs})
    assert response.status_code == 422
    assert any(e["field"] == "runs" for e in response.json()["errors"])


def test_explain_two_runs_error_has_its_catalog_code(client) -> None:
    body = {"runs": [{"optimizer": "adam"}] * 2}
    (error,) = client.post("/api/surface/explain", json=body).json()["errors"]
    assert error["code"] == "error.explain_one_run" and error["params"]["count"] == 2


def test_explain_steps_are_capped_as_the_race(client) -> None:
    response = client.post("/api/surface/explain", json={"steps": MAX_STEPS + 1})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "steps"


# -- /api/schedule ----------------------------------------------------------------------------

SCHEDULES: list[dict[str, Any]] = [
    {"name": "constant"},
    {"name": "power", "decay_steps": 10, "power": 2.0},
    {"name": "exponential", "decay_steps": 20, "decay_rate": 0.5, "staircase": True},
    {"name": "piecewise", "boundaries": [5, 30], "factors": [1.0, 0.3, 0.01]},
    {"name": "cosine", "decay_steps": 40, "alpha": 0.2},
    {"name": "onecycle"},
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=[s["name"] for s in SCHEDULES])
def test_schedule_curve_is_the_rate_of_each_update(client, schedule: dict[str, Any]) -> None:
    """η_t equals what the training optimizer reads before update t."""
    steps = 60
    response = client.post("/api/schedule", json={"learning_rate": 0.3, "schedule": schedule,
                                                  "steps": steps})
    assert response.status_code == 200, response.text
    curve = response.json()["learning_rate"]
    assert len(curve) == steps
    lr = ScheduleSpec.model_validate(schedule).build(0.3, steps)
    optimizer, point = SGD(learning_rate=lr), np.zeros(1)
    used = []
    for _ in range(steps):
        used.append(float(np.asarray(optimizer.current_learning_rate())))
        optimizer.apply([np.zeros(1)], [point])
    assert curve == pytest.approx(used, rel=1e-15)


@pytest.mark.parametrize("body", [
    {"steps": MAX_SCHEDULE_STEPS + 1}, {"steps": 0}, {"learning_rate": 0},
    {"learning_rate": 11}, {"schedule": {"name": "piecewise", "boundaries": [], "factors": [1]}},
    {"schedule": {"name": "nope"}}, {"extra": 1},
])
def test_schedule_refuses_bad_bodies(client, body: dict[str, Any]) -> None:
    assert client.post("/api/schedule", json=body).status_code == 422


# -- /api/surface/tune ------------------------------------------------------------------------


def test_tune_is_no_worse_than_the_page_rates_and_matches_the_race(client) -> None:
    experiment = page_default_experiment().model_copy(update={"steps": 200})
    body = experiment.model_dump()
    response = client.post("/api/surface/tune", json=body)
    assert response.status_code == 200, response.text
    tuned = response.json()["runs"]
    assert [t["optimizer"] for t in tuned] == [r.optimizer for r in experiment.runs]
    at_page = client.post("/api/surface/run", json=body).json()["runs"]
    for result, default in zip(tuned, at_page, strict=True):
        assert result["status"] == "tuned"
        if default["summary"]["final_loss"] is not None:
            assert result["final_loss"] <= default["summary"]["final_loss"] * (1 + 1e-12)
    retuned = dict(body, runs=[dict(run, learning_rate=t["learning_rate"])
                               for run, t in zip(body["runs"], tuned, strict=True)])
    at_tuned = client.post("/api/surface/run", json=retuned).json()["runs"]
    for result, run in zip(tuned, at_tuned, strict=True):
        assert run["status"] == "ok"
        assert result["final_loss"] == pytest.approx(run["summary"]["final_loss"], rel=1e-9,
                                                     abs=1e-12)


def test_tune_with_noise_clipping_and_a_schedule_matches_the_race(client) -> None:
    runs = [{"optimizer": "adam", "clipnorm": 2.0, "schedule": {"name": "cosine"}},
            {"optimizer": "momentum", "learning_rate": 1e-3, "global_clipnorm": 10.0}]
    body = {"surface": "rosenbrock", "steps": 80, "noise": 2.0, "seed": 3, "runs": runs}
    tuned = client.post("/api/surface/tune", json=body).json()["runs"]
    retuned = dict(body, runs=[dict(run, learning_rate=t["learning_rate"])
                               for run, t in zip(runs, tuned, strict=True)])
    at_tuned = client.post("/api/surface/run", json=retuned).json()["runs"]
    for result, run in zip(tuned, at_tuned, strict=True):
        assert result["final_loss"] == pytest.approx(run["summary"]["final_loss"], rel=1e-9)


def test_tune_reports_off_runs_and_keeps_their_rate(client) -> None:
    runs = [{"optimizer": "sgd", "learning_rate": 0.002, "enabled": False}, {"optimizer": "adam"}]
    tuned = client.post("/api/surface/tune", json={"steps": 20, "runs": runs}).json()["runs"]
    assert tuned[0] == {"optimizer": "sgd", "learning_rate": 0.002, "final_loss": None,
                        "status": "off"}
    assert tuned[1]["status"] == "tuned"


def test_tune_where_every_rate_diverges(client) -> None:
    body = {"surface": "custom", "expression": "log(x)", "start": [-1.0, 0.0], "steps": 5,
            "runs": [{"optimizer": "adam"}]}
    (run,) = client.post("/api/surface/tune", json=body).json()["runs"]
    assert run["status"] == "diverged" and run["final_loss"] is None
    assert run["learning_rate"] == OPTIMIZERS["adam"].defaults["learning_rate"]


def test_tune_every_optimizer_beats_its_card_default_rate(client) -> None:
    """Each registry optimizer, at the rate a new card gets (its page rate): the tuned final
    loss is no worse, and /api/surface/run at the tuned rate ends there."""
    runs = [{"optimizer": name, "learning_rate": entry.page_learning_rate}
            for name, entry in OPTIMIZERS.items()]
    body = {"surface": "rosenbrock", "steps": 150, "runs": runs}
    tuned = client.post("/api/surface/tune", json=body).json()["runs"]
    at_card = client.post("/api/surface/run", json=body).json()["runs"]
    retuned = dict(body, runs=[dict(run, learning_rate=t["learning_rate"])
                               for run, t in zip(runs, tuned, strict=True)])
    at_tuned = client.post("/api/surface/run", json=retuned).json()["runs"]
    for result, card, run in zip(tuned, at_card, at_tuned, strict=True):
        assert result["status"] == "tuned", result
        if card["status"] == "ok":
            assert result["final_loss"] <= card["summary"]["final_loss"] * (1 + 1e-12), result
        assert run["status"] == "ok"
        assert result["final_loss"] == pytest.approx(run["summary"]["final_loss"], rel=1e-9,
                                                     abs=1e-12)


# -- /api/mlp/schedule -------------------------------------------------------------------------


@pytest.mark.parametrize(("dataset", "batch", "schedule"), [
    ({"name": "spiral", "samples": 500, "train_ratio": 0.5}, 10,
     {"name": "piecewise", "boundaries": [400, 600], "factors": [1.0, 0.5, 0.1]}),
    ({"name": "moons", "samples": 333, "train_ratio": 0.7}, 32, {"name": "cosine"}),
    ({"name": "circle", "samples": 100, "train_ratio": 0.29}, 7, {"name": "constant"}),
])
def test_mlp_schedule_is_the_trainers_curve(client, dataset: dict[str, Any], batch: int,
                                             schedule: dict[str, Any]) -> None:
    from app.jobs.mlp_training import MlpTraining
    from app.schema.served import page_default_mlp

    body = page_default_mlp().model_dump()
    body.update(dataset=dict(body["dataset"], **dataset), batch_size=batch, epochs=30)
    body["optimizer"] = {"optimizer": "sgd", "learning_rate": 0.2, "schedule": schedule}
    response = client.post("/api/mlp/schedule", json=body)
    assert response.status_code == 200, response.text
    curve = response.json()
    from app.schema.mlp_experiment import MlpExperiment

    trainer = MlpTraining(MlpExperiment.model_validate(body))
    assert curve["steps_per_epoch"] == trainer.steps_per_epoch
    assert curve["total_steps"] == 30 * trainer.steps_per_epoch
    full = client.post("/api/schedule", json={"learning_rate": 0.2, "schedule": schedule,
                                              "steps": curve["total_steps"]}).json()
    rates = np.array(full["learning_rate"])
    assert curve["updates"][0] == 1 and curve["updates"][-1] == curve["total_steps"]
    np.testing.assert_allclose(curve["learning_rate"], rates[np.array(curve["updates"]) - 1],
                               rtol=1e-15)
    # the rate the trainer's own optimizer reads before each update
    optimizer = trainer.optimizer
    assert float(np.asarray(optimizer.current_learning_rate())) == pytest.approx(rates[0])
    expected = [t + 1 for t in range(1, len(rates)) if rates[t] != rates[t - 1]]
    assert curve["changes"] == (expected if schedule["name"] == "piecewise" else [])
    if schedule["name"] == "piecewise":
        assert len(expected) == 2
