"""The hyperparameter map: vectorized runs equal single runs, divergence and convergence marked."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from app.jobs.hyper_map import run_map, scalar_reference
from app.schema.map_experiment import MapExperiment


@pytest.mark.parametrize(("optimizer", "second", "lo", "hi", "schedule", "clip"), [
    ("adam", "beta_1", 0.0, 0.99, "constant", {}),
    ("sgd", "momentum", 0.0, 0.95, "power", {}),
    ("rmsprop", "rho", 0.5, 0.99, "exponential", {"clipnorm": 1.0}),
    ("adagrad", "initial_accumulator_value", 0.01, 1.0, "constant", {"clipvalue": 2.0}),
    ("adamw", "weight_decay", 1e-4, 0.1, "cosine", {}),
    ("nadam", "beta_2", 0.9, 0.999, "constant", {"global_clipnorm": 3.0}),
])
def test_hyper_map_cells_equal_single_runs(optimizer, second, lo, hi, schedule, clip):
    exp = MapExperiment.model_validate({
        "surface": "rosenbrock", "start": (-1.5, 2.0), "steps": 60, "nx": 5, "ny": 4,
        "lr_min": 1e-4, "lr_max": 0.05, "second": second, "second_min": lo, "second_max": hi,
        "optimizer": {"optimizer": optimizer, "schedule": {"name": schedule}, **clip}})
    result = run_map(exp)
    for row in range(4):
        for col in range(5):
            expected = scalar_reference(exp, row, col)
            if np.isnan(result.final_loss[row, col]):
                assert not np.all(np.isfinite(expected)) or np.max(np.abs(expected)) > 1e10
                continue
            got_loss = result.final_loss[row, col]
            want_loss = (1 - expected[0]) ** 2 + 100 * (expected[1] - expected[0] ** 2) ** 2
            # vectorized norms and schedules round differently in the last bits: 1e-7 relative
            assert got_loss == pytest.approx(want_loss, rel=1e-7, abs=1e-12)


def test_hyper_map_marks_divergence_and_convergence():
    exp = MapExperiment.model_validate({
        "surface": "sphere", "start": (1.0, 1.0), "steps": 100, "nx": 4, "ny": 2,
        "lr_min": 0.01, "lr_max": 1.5, "second": "momentum", "second_min": 0.0,
        "second_max": 0.5, "optimizer": {"optimizer": "sgd"}, "tolerance": 1e-6})
    result = run_map(exp)
    # plain GD on x²+y² diverges for lr > 1 (factor |1 − 2 lr| > 1) and converges below
    assert result.diverged_at[0, -1] > 0
    assert np.isnan(result.final_loss[0, -1])
    assert result.steps_to_tolerance[0, 1] > 0
    assert result.diverged_at[0, 0] == -1


def test_hyper_map_rejects_inapplicable_axis_and_oversized_work():
    with pytest.raises(ValidationError, match="has no rho"):
        MapExperiment(second="rho")
    with pytest.raises(ValidationError, match="capped"):
        MapExperiment(nx=200, ny=200, steps=2000)
    with pytest.raises(ValidationError):
        MapExperiment(nx=1000)


def test_hyper_map_formula_undefined_at_the_start_says_so_instead_of_diverging():
    # sqrt(x) is not defined at x = -1: no cell takes a step; every cell reads step 0 and the
    # result carries the same outcome code as a race (not "diverged at step 0")
    exp = MapExperiment.model_validate({
        "surface": "custom", "expression": "sqrt(x) + y^2", "start": (-1.0, 1.0), "steps": 20,
        "nx": 3, "ny": 2, "lr_min": 0.01, "lr_max": 0.1, "second": "momentum",
        "second_min": 0.0, "second_max": 0.5, "optimizer": {"optimizer": "sgd"}})
    result = run_map(exp)
    assert (result.diverged_at == 0).all()
    assert np.isnan(result.final_loss).all()
    assert (result.steps_to_tolerance == -1).all()
    assert result.outcome == {"code": "run.undefined_start", "params": {"x": -1.0, "y": 1.0}}
    defined = run_map(exp.model_copy(update={"start": (1.0, 1.0)}))
    assert defined.outcome is None and (defined.diverged_at != 0).all()  # steps were taken
