"""Tests for app.core.nn.activations: closed forms, finite differences, dtype and stability."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from app.core.nn.activations import (
    ACTIVATIONS,
    ELU,
    GELU,
    SELU_ALPHA,
    SELU_SCALE,
    LeakyReLU,
    Softmax,
    make_activation,
)
from tests.core.nn.gradcheck import numerical_gradient

ELEMENTWISE = sorted(set(ACTIVATIONS) - {"softmax"})


def _inputs() -> np.ndarray:
    x = np.random.default_rng(0).normal(scale=2.0, size=(6, 5))
    # keep away from the kinks of relu / leaky_relu / elu / selu at 0
    return np.where(np.abs(x) < 0.05, 0.3, x)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_backward_matches_finite_differences(name):
    act = make_activation(name)
    x = _inputs()
    proj = np.random.default_rng(1).normal(size=x.shape)
    y = act.forward(x)
    analytic = act.backward(x, y, proj)
    numeric = numerical_gradient(lambda: float((act.forward(x) * proj).sum()), x)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_gelu_approximate_backward_matches_finite_differences():
    act = GELU(approximate=True)
    x = _inputs()
    proj = np.ones_like(x)
    analytic = act.backward(x, act.forward(x), proj)
    numeric = numerical_gradient(lambda: float(act.forward(x).sum()), x)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_activation_closed_forms_match_keras_definitions():
    x = np.array([-2.0, -0.5, 0.5, 3.0])
    sig = 1.0 / (1.0 + np.exp(-x))
    softplus = np.log1p(np.exp(x))
    expected = {
        "linear": x,
        "sigmoid": sig,
        "tanh": np.tanh(x),
        "relu": np.maximum(x, 0.0),
        "leaky_relu": np.where(x > 0, x, 0.2 * x),  # Keras 3 default negative_slope=0.2
        "elu": np.where(x > 0, x, np.exp(x) - 1.0),
        "selu": SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1.0)),
        "gelu": np.array([0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0))) for v in x]),
        "swish": x * sig,
        "silu": x * sig,
        "softplus": softplus,
        "mish": x * np.tanh(softplus),
    }
    for name, want in expected.items():
        np.testing.assert_allclose(make_activation(name).forward(x), want, rtol=1e-12, err_msg=name)


def test_selu_constants_are_keras():
    assert pytest.approx(1.67326324, abs=1e-8) == SELU_ALPHA
    assert pytest.approx(1.05070098, abs=1e-8) == SELU_SCALE


def test_activation_parameters_follow_keras_defaults():
    assert LeakyReLU().negative_slope == 0.2
    assert ELU().alpha == 1.0
    assert GELU().approximate is False
    assert make_activation({"name": "leaky_relu", "negative_slope": 0.01}).forward(
        np.array([-1.0])
    )[0] == pytest.approx(-0.01)


def test_gelu_approximate_uses_tanh_formula():
    x = np.array([-1.5, 0.7])
    c = math.sqrt(2.0 / math.pi)
    want = 0.5 * x * (1.0 + np.tanh(c * (x + 0.044715 * x**3)))
    np.testing.assert_allclose(GELU(approximate=True).forward(x), want, rtol=1e-12)


def test_softmax_rows_sum_to_one_and_are_shift_invariant():
    x = np.random.default_rng(2).normal(size=(4, 3))
    y = Softmax().forward(x)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(Softmax().forward(x + 100.0), y, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_is_stable_and_keeps_dtype(name, dtype):
    act = make_activation(name)
    x = np.array([[-1e4, -50.0, -1.0, 0.0, 1.0, 50.0, 1e4]], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y = act.forward(x)
        dx = act.backward(x, y, np.ones_like(x))
    assert y.dtype == dtype and dx.dtype == dtype
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_saturates_to_its_limits(name):
    act = make_activation(name)
    y = act.forward(np.array([-1e4, 1e4]))
    limits = {
        "sigmoid": (0.0, 1.0),
        "tanh": (-1.0, 1.0),
        "relu": (0.0, 1e4),
        "leaky_relu": (-2e3, 1e4),
        "elu": (-1.0, 1e4),
        "selu": (-SELU_SCALE * SELU_ALPHA, SELU_SCALE * 1e4),
        "gelu": (0.0, 1e4),
        "swish": (0.0, 1e4),
        "silu": (0.0, 1e4),
        "softplus": (0.0, 1e4),
        "mish": (0.0, 1e4),
        "linear": (-1e4, 1e4),
    }[name]
    np.testing.assert_allclose(y, limits, rtol=1e-12, atol=1e-12)


def test_make_activation_rejects_unknown_name():
    with pytest.raises(ValueError, match="Invalid activation: 'not_an_activation'"):
        make_activation("not_an_activation")


def test_make_activation_round_trips_config():
    for name in ACTIVATIONS:
        act = make_activation(name)
        again = make_activation(act.get_config())
        assert type(again) is type(act) and again.get_config() == act.get_config()
