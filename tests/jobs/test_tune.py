"""The tuner's sweep: every candidate rate scores what the race would give it."""

from __future__ import annotations

import numpy as np
import pytest

from app.jobs.surface_race import run_race
from app.jobs.tune import TUNE_GRID, candidate_rates, sweep
from app.schema.surface_experiment import RunSpec, SurfaceExperiment


@pytest.mark.parametrize("run", [
    {"optimizer": "nadam"},
    {"optimizer": "rmsprop", "clipvalue": 1.0, "schedule": {"name": "exponential"}},
    {"optimizer": "lion", "weight_decay": 0.1},
    {"optimizer": "adagrad", "schedule": {"name": "piecewise", "boundaries": [10],
                                          "factors": [1.0, 0.1]}},
])
def test_sweep_scores_each_rate_as_the_race(run: dict[str, object]) -> None:
    experiment = SurfaceExperiment.model_validate(
        {"surface": "rosenbrock", "steps": 40, "noise": 0.5, "runs": [run]})
    rates = np.array([1e-4, 3e-3, 0.1, 2.0, 10.0])
    scores = sweep(experiment, 0, rates)
    for rate, score in zip(rates, scores, strict=True):
        single = experiment.model_copy(update={"runs": [
            experiment.runs[0].model_copy(update={"learning_rate": float(rate)})]})
        (result,) = run_race(single)
        if result.status == "diverged":
            assert score == np.inf
        else:
            assert score == pytest.approx(result.summary.final_loss, rel=1e-12, abs=1e-15)


def test_candidates_hold_the_grid_the_run_rate_and_the_page_rate() -> None:
    rates = candidate_rates(RunSpec(optimizer="adamax", learning_rate=0.0123))
    assert len(TUNE_GRID) >= 40 and set(TUNE_GRID) <= set(rates)
    assert {0.0123, 0.5} <= set(rates)
    assert np.all(np.diff(rates) > 0)
