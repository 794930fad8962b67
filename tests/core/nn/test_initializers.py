"""Tests for app.core.nn.initializers against Keras 3's definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core.nn.initializers import (
    INITIALIZERS,
    TRUNCATED_STDDEV_FACTOR,
    VarianceScaling,
    compute_fans,
    make_initializer,
)

SHAPE = (300, 500)  # fan_in 300, fan_out 500, fan_avg 400; 150,000 samples
FANS = {"fan_in": 300.0, "fan_out": 500.0, "fan_avg": 400.0}

# name -> (scale, mode, distribution) as in keras.initializers
PRESETS = {
    "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
    "glorot_uniform": (1.0, "fan_avg", "uniform"),
    "he_normal": (2.0, "fan_in", "truncated_normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
    "lecun_normal": (1.0, "fan_in", "truncated_normal"),
    "lecun_uniform": (1.0, "fan_in", "uniform"),
}


def _draw(spec, shape=SHAPE, seed=0, dtype=np.float64):
    return make_initializer(spec)(shape, np.random.default_rng(seed), dtype)


def test_truncated_stddev_factor_is_std_of_normal_truncated_at_two_sigma():
    # Var of N(0,1) truncated to [-2, 2] = 1 - 2 * 2 * phi(2) / (Phi(2) - Phi(-2))
    phi = math.exp(-2.0) / math.sqrt(2.0 * math.pi)
    mass = math.erf(2.0 / math.sqrt(2.0))
    assert math.sqrt(1.0 - 4.0 * phi / mass) == pytest.approx(TRUNCATED_STDDEV_FACTOR, rel=1e-12)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_matches_keras_variance_scaling_definition(name):
    scale, mode, distribution = PRESETS[name]
    init = make_initializer(name)
    assert isinstance(init, VarianceScaling)
    assert (init.scale, init.mode, init.distribution) == (scale, mode, distribution)
    w = _draw(name)
    variance = scale / FANS[mode]
    assert abs(w.mean()) < 4.0 * math.sqrt(variance / w.size)
    assert w.var() == pytest.approx(variance, rel=0.02)
    if distribution == "uniform":
        limit = math.sqrt(3.0 * variance)
        assert np.abs(w).max() <= limit
        assert np.abs(w).max() > 0.99 * limit
    else:
        stddev = math.sqrt(variance) / TRUNCATED_STDDEV_FACTOR
        assert np.abs(w).max() <= 2.0 * stddev
        assert np.abs(w).max() > 1.99 * stddev


@pytest.mark.parametrize(
    ("distribution", "mode", "scale"),
    [
        ("truncated_normal", "fan_out", 0.5),
        ("untruncated_normal", "fan_avg", 3.0),
        ("uniform", "fan_avg", 2.0),
    ],
)
def test_variance_scaling_config_gives_scale_over_fan_variance(distribution, mode, scale):
    config = {
        "name": "variance_scaling",
        "scale": scale,
        "mode": mode,
        "distribution": distribution,
    }
    w = _draw(config)
    assert w.var() == pytest.approx(scale / FANS[mode], rel=0.02)
    if distribution == "untruncated_normal":  # tails beyond 2 sigma are kept
        assert np.abs(w).max() > 3.0 * math.sqrt(scale / FANS[mode])


def test_basic_initializers_follow_keras_defaults():
    normal = _draw("random_normal")
    assert normal.mean() == pytest.approx(0.0, abs=0.001)
    assert normal.std() == pytest.approx(0.05, rel=0.01)
    uniform = _draw("random_uniform")
    assert uniform.min() >= -0.05 and uniform.max() <= 0.05
    assert uniform.var() == pytest.approx(0.1**2 / 12.0, rel=0.02)
    truncated = _draw("truncated_normal")
    assert np.abs(truncated).max() <= 0.1
    assert truncated.std() == pytest.approx(0.05 * TRUNCATED_STDDEV_FACTOR, rel=0.01)
    assert np.all(_draw("zeros", (3, 2)) == 0.0)
    assert np.all(_draw("ones", (3, 2)) == 1.0)
    assert np.all(_draw({"name": "constant", "value": 0.3}, (2,)) == 0.3)


def test_compute_fans_matches_keras():
    assert compute_fans(()) == (1, 1)
    assert compute_fans((7,)) == (7, 7)
    assert compute_fans((3, 5)) == (3, 5)
    assert compute_fans((2, 2, 3, 4)) == (12, 16)


def test_variance_uses_at_least_one_as_fan():
    assert VarianceScaling(2.0, "fan_in").variance((0, 4)) == 2.0


def test_initializer_is_deterministic_given_seed_and_dtype_independent():
    a = _draw("he_normal", (20, 30), seed=5, dtype=np.float32)
    b = _draw("he_normal", (20, 30), seed=5, dtype=np.float32)
    c = _draw("he_normal", (20, 30), seed=5, dtype=np.float64)
    d = _draw("he_normal", (20, 30), seed=6, dtype=np.float32)
    assert a.dtype == np.float32 and c.dtype == np.float64
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c.astype(np.float32))
    assert not np.array_equal(a, d)


def test_make_initializer_round_trips_config():
    for name in INITIALIZERS:
        init = make_initializer(name)
        again = make_initializer(init.get_config())
        assert type(again) is type(init) and again.get_config() == init.get_config()
    config = {
        "name": "variance_scaling",
        "scale": 2.0,
        "mode": "fan_avg",
        "distribution": "uniform",
    }
    assert make_initializer(config).get_config() == config


def test_make_initializer_rejects_bad_names_and_arguments():
    with pytest.raises(ValueError, match="Invalid initializer: 'xavier'"):
        make_initializer("xavier")
    with pytest.raises(ValueError, match="Invalid mode: 'fan_max'"):
        make_initializer({"name": "variance_scaling", "mode": "fan_max"})
    with pytest.raises(ValueError, match=r"Invalid scale: 0\.0"):
        make_initializer({"name": "variance_scaling", "scale": 0.0})
    with pytest.raises(ValueError, match="Invalid distribution"):
        make_initializer({"name": "variance_scaling", "distribution": "cauchy"})
    with pytest.raises(ValueError, match="Invalid initializer config"):
        make_initializer({"name": "he_normal", "scale": 3.0})


def test_variance_scaling_accepts_keras_normal_alias():
    assert VarianceScaling(distribution="normal").distribution == "truncated_normal"
