"""Tests for app.core.nn.regularizers: Keras penalties and their gradients."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.nn.regularizers import L1, L1L2, L2, REGULARIZERS, make_regularizer
from tests.core.nn.gradcheck import numerical_gradient

W = np.array([[0.5, -1.0], [2.0, -0.25]])


def test_regularizer_penalties_follow_keras_formulas():
    assert L1()(W) == pytest.approx(0.01 * 3.75)  # keras.regularizers.L1(l1=0.01)
    assert L2()(W) == pytest.approx(0.01 * 5.3125)  # keras.regularizers.L2(l2=0.01), no 1/2
    assert L1L2()(W) == 0.0  # Keras defaults l1=0.0, l2=0.0
    assert L1L2(l1=0.1, l2=0.2)(W) == pytest.approx(0.1 * 3.75 + 0.2 * 5.3125)


@pytest.mark.parametrize("reg", [L1(0.3), L2(0.2), L1L2(0.1, 0.4)], ids=repr)
def test_regularizer_gradient_matches_finite_differences(reg):
    w = W.copy()
    numeric = numerical_gradient(lambda: reg(w), w)
    np.testing.assert_allclose(reg.gradient(w), numeric, rtol=1e-7)
    grad = np.ones_like(w)
    reg.add_gradient(w, grad)
    np.testing.assert_allclose(grad, 1.0 + numeric, rtol=1e-7)


def test_l1_gradient_is_zero_at_zero_weight():
    assert L1(0.5).gradient(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]


def test_regularizer_penalty_is_computed_in_weight_dtype():
    w = np.full(3, 0.1, dtype=np.float32)
    assert L2(0.01)(w) == float(np.float32(0.01) * np.sum(np.square(w)))
    assert L2(0.01).gradient(w).dtype == np.float32


def test_make_regularizer_from_configs():
    assert make_regularizer(None) is None
    assert isinstance(make_regularizer("l2"), L2)
    reg = make_regularizer({"name": "l1_l2", "l1": 0.01, "l2": 0.02})
    assert isinstance(reg, L1L2) and (reg.l1, reg.l2) == (0.01, 0.02)
    for cls in REGULARIZERS.values():
        again = make_regularizer(cls().get_config())
        assert type(again) is cls and again.get_config() == cls().get_config()


def test_regularizer_rejects_negative_or_bad_factors():
    with pytest.raises(ValueError, match=r"Invalid l2: -0\.1"):
        L2(-0.1)
    with pytest.raises(ValueError, match="Invalid l1"):
        L1(float("nan"))
    with pytest.raises(ValueError, match="Invalid kernel_regularizer config"):
        make_regularizer({"name": "l2", "l1": 0.1})
