"""Tests for app.jobs.lr_find: fastai's range test, its smoothing, stop rule and suggestions."""

from __future__ import annotations

import numpy as np
import pytest

from app.jobs.lr_find import BETA, lr_find, steep, suggestions, sweep_rate, valley
from app.jobs.mlp_run import run_training
from app.schema.mlp_experiment import MlpExperiment
from app.schema.served import page_default_mlp


def _fastai_valley(lrs, losses):
    """fastai.callback.schedule.valley, transcribed as a reference."""
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if (losses[i] < losses[j]) and (lds[i] < lds[j] + 1):
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    idx = max_start + int(sections) + int(sections / 2)
    return float(lrs[idx])


def test_sweep_is_fastai_exponential_schedule():
    assert sweep_rate(1e-7, 10.0, 0, 100) == pytest.approx(1e-7)
    assert sweep_rate(1e-7, 10.0, 50, 100) == pytest.approx(1e-7 * 1e4)
    assert sweep_rate(1e-7, 10.0, 99, 100) == pytest.approx(10.0 * 1e-8 ** (1 / 100))


def test_valley_is_fastai_on_a_u_shaped_curve():
    lrs = np.logspace(-6, 0, 60)
    losses = 1.0 + (np.log10(lrs) + 2.0) ** 2 * 0.1
    losses[45:] += np.linspace(0, 5, 15)
    want = _fastai_valley(lrs, losses)
    assert valley(lrs, losses) == want
    # the longest decreasing run goes from the start to the minimum at 1e-2: the suggestion
    # sits half-way along it
    assert 1e-5 < want < 1e-3


def test_valley_matches_fastai_on_a_noisy_curve():
    rng = np.random.default_rng(3)
    lrs = np.logspace(-7, 1, 80)
    losses = np.cumsum(rng.normal(size=80))
    assert valley(lrs, losses) == _fastai_valley(lrs, losses)


def test_steep_and_minimum():
    lrs = np.array([1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    losses = np.array([1.0, 0.9, 0.4, 0.3, 2.0])
    assert steep(lrs, losses) == 1e-3  # the pair (1e-3, 1e-2) falls fastest
    out = suggestions(list(lrs) + [2.0] * 5, list(losses) + [9.0] * 5, num_it=5)
    assert out["minimum"] == pytest.approx(1e-1 / 10)
    assert out["steep"] == 1e-3


def test_too_short_a_sweep_suggests_nothing():
    assert suggestions([1e-3] * 6, [1.0] * 6, num_it=100) == {
        "valley": None, "steep": None, "minimum": None}


def test_smoothed_is_the_debiased_moving_average_of_the_losses():
    result = lr_find(page_default_mlp(), 1e-5, 1e-2, 30)
    avg, want = 0.0, []
    for i, loss in enumerate(result.losses):
        avg = BETA * avg + (1 - BETA) * loss
        want.append(avg / (1 - BETA ** (i + 1)))
    np.testing.assert_allclose(result.smoothed, want, rtol=1e-12)
    assert result.smoothed[0] == pytest.approx(result.losses[0])
    assert result.learning_rates == [sweep_rate(1e-5, 1e-2, i, 30) for i in range(30)]


def test_sweep_stops_once_the_smoothed_loss_passes_four_times_its_best():
    experiment = MlpExperiment.model_validate({
        "dataset": {"name": "reg_plane", "samples": 200}, "batch_size": 10,
        "optimizer": {"optimizer": "sgd"}, "dtype": "float64"})
    result = lr_find(experiment, 1e-4, 10.0, 300)
    assert len(result.smoothed) < 300
    best = np.minimum.accumulate(result.smoothed)
    assert result.smoothed[-1] > 4 * best[-2]
    assert all(s <= 4 * b for s, b in zip(result.smoothed[:-1], best[:-1], strict=True))


def test_valley_rate_trains_the_default_spiral_better_than_too_small_or_too_large():
    """The acceptance check: 30 epochs at the suggested rate beat 1e-4 and 1.0."""
    default = page_default_mlp()
    rate = lr_find(default).suggestions["valley"]
    assert rate is not None

    def final_loss(learning_rate: float) -> float:
        optimizer = default.optimizer.model_copy(update={"learning_rate": learning_rate})
        run = run_training(default.model_copy(update={"epochs": 30, "optimizer": optimizer}))
        loss = run["epochs"][-1]["train_loss"]
        return float("inf") if loss is None else loss

    at_valley = final_loss(rate)
    assert at_valley < final_loss(1e-4)
    assert at_valley < final_loss(1.0)
