"""Tests for app.core.nn.constraints: Keras MaxNorm."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.nn.constraints import EPSILON, MaxNorm, make_constraint


def test_max_norm_rescales_only_columns_above_max_value():
    # kernel (in=2, units=3): column norms 5, 1, 0
    w = np.array([[3.0, 0.6, 0.0], [4.0, 0.8, 0.0]])
    MaxNorm(max_value=2.0).apply(w)
    np.testing.assert_allclose(np.linalg.norm(w, axis=0), [2.0, 1.0, 0.0], rtol=1e-6)
    np.testing.assert_allclose(w[:, 0], [3.0 * 2.0 / (5.0 + EPSILON), 4.0 * 2.0 / (5.0 + EPSILON)])
    np.testing.assert_allclose(w[:, 1], [0.6 / (1.0 + EPSILON), 0.8 / (1.0 + EPSILON)])


def test_max_norm_functional_form_does_not_modify_input():
    w = np.array([[3.0], [4.0]])
    out = MaxNorm(1.0)(w)
    assert w.tolist() == [[3.0], [4.0]]
    assert np.linalg.norm(out) == pytest.approx(1.0, rel=1e-6)


def test_max_norm_defaults_and_float32():
    c = make_constraint("max_norm")
    assert isinstance(c, MaxNorm) and (c.max_value, c.axis) == (2.0, 0)
    w = np.full((4, 2), 3.0, dtype=np.float32)
    c.apply(w)
    assert w.dtype == np.float32


def test_make_constraint_rejects_bad_values():
    with pytest.raises(ValueError, match="Invalid max_value: 0"):
        MaxNorm(0)
    with pytest.raises(ValueError, match="Invalid kernel_constraint: 'unit_norm'"):
        make_constraint("unit_norm")
