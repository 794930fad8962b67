"""The race generator: trajectories, divergence, noise, the typed-formula equivalence."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.optimizers import OPTIMIZERS
from app.core.surfaces import make_surface
from app.jobs.surface_race import race, run_race
from app.schema.surface_experiment import RunSpec, SurfaceExperiment

NINE = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamax", "nadam", "adamw"]


def experiment(**kw) -> SurfaceExperiment:
    kw.setdefault("runs", [RunSpec(optimizer="adam", learning_rate=0.02)])
    return SurfaceExperiment(**kw)


def test_race_points_start_and_losses_match_surface():
    exp = experiment(surface="rosenbrock", start=(-1.5, 2.0), steps=50)
    (result,) = run_race(exp)
    assert result.status == "ok" and result.diverged_at is None
    assert len(result.points) == 51 and len(result.losses) == 51
    assert result.points[0] == (-1.5, 2.0)
    surface = make_surface("rosenbrock")
    values = surface.value_at(np.array(result.points))
    np.testing.assert_allclose(result.losses, values, rtol=1e-12)


def test_race_matches_core_optimizer_directly():
    exp = experiment(surface="beale", start=(1.0, 1.0), steps=40,
                     runs=[RunSpec(optimizer="nadam", learning_rate=0.05)])
    (result,) = run_race(exp)
    surface = make_surface("beale")
    opt = OPTIMIZERS["nadam"].factory(learning_rate=0.05)
    p = np.array([1.0, 1.0])
    for k in range(1, 41):
        opt.apply([surface.gradient_at(p)], [p])
        np.testing.assert_allclose(result.points[k], p, rtol=1e-13)


def test_race_custom_formula_gives_rosenbrock_trajectory():
    runs = [RunSpec.model_validate({"optimizer": name,
                                    "learning_rate": 1e-3 if name in NINE[:3] else 0.02})
            for name in NINE]
    builtin = run_race(experiment(surface="rosenbrock", start=(-1.5, 2.0), steps=150,
                                  runs=runs))
    typed = run_race(experiment(surface="custom", expression="(1-x)**2 + 100*(y-x**2)**2",
                                start=(-1.5, 2.0), steps=150, runs=runs))
    for a, b in zip(builtin, typed, strict=True):
        assert a.status == b.status == "ok"
        np.testing.assert_allclose(a.points, b.points, rtol=1e-10, atol=1e-12)


def test_race_divergence_is_flagged_at_the_step_and_stops():
    exp = experiment(surface="rosenbrock", start=(-1.5, 2.0), steps=100,
                     runs=[RunSpec(optimizer="sgd", learning_rate=0.05)])
    (result,) = run_race(exp)
    assert result.status == "diverged"
    k = result.diverged_at
    assert k is not None and 1 <= k <= 100
    assert len(result.points) == k  # points[0..k-1] are finite, the k-th update broke it
    assert all(np.isfinite(result.losses))


def test_race_disabled_runs_are_off_and_empty():
    exp = experiment(runs=[RunSpec(optimizer="adam", enabled=False),
                           RunSpec(optimizer="sgd")], surface="sphere", steps=5)
    off, on = run_race(exp)
    assert off.status == "off" and off.points == []
    assert on.status == "ok" and len(on.points) == 6


def test_race_noise_is_seeded_and_per_run():
    def points(seed: int, runs: list[RunSpec]) -> list:
        return [r.points for r in run_race(experiment(surface="sphere", start=(1.0, 1.0),
                                                       steps=20, noise=0.5, seed=seed,
                                                       runs=runs))]
    runs = [RunSpec(optimizer="sgd", learning_rate=0.1), RunSpec(optimizer="adam")]
    assert points(3, runs) == points(3, runs)
    assert points(3, runs) != points(4, runs)
    # toggling the first run off does not change the noise the second one sees
    runs_off = [RunSpec(optimizer="sgd", learning_rate=0.1, enabled=False),
                RunSpec(optimizer="adam")]
    assert points(3, runs)[1] == points(3, runs_off)[1]


def test_race_summary_steps_to_tolerance_and_distance():
    exp = experiment(surface="sphere", start=(1.0, 1.0), steps=200, tolerance=1e-6,
                     runs=[RunSpec(optimizer="sgd", learning_rate=0.1)])
    (result,) = run_race(exp)
    # f = x²+y², SGD: p_k = 0.8^k p_0 → f_k = 2·0.64^k ≤ 1e-6 first at k = 33
    assert result.summary.steps_to_tolerance == 33
    assert result.summary.distance_to_minimum == pytest.approx(np.sqrt(2) * 0.8**200, abs=1e-12)


def test_race_frames_are_one_per_step():
    exp = experiment(steps=7)
    frames = list(race(exp))
    assert [f.step for f in frames] == list(range(8))
    assert frames[-1].done and not frames[0].done
