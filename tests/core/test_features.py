"""Tests for app/core/features.py: Playground's input features against hand-worked values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core.features import DEFAULT_FEATURES, FEATURES, transform

POINTS = np.array([[0.0, 0.0], [1.0, 2.0], [-3.0, 0.5], [math.pi / 2, -math.pi / 6]])

HAND = {  # feature -> its value at each of POINTS, worked out by hand
    "x1": [0.0, 1.0, -3.0, math.pi / 2],
    "x2": [0.0, 2.0, 0.5, -math.pi / 6],
    "x1_sq": [0.0, 1.0, 9.0, math.pi**2 / 4],
    "x2_sq": [0.0, 4.0, 0.25, math.pi**2 / 36],
    "x1x2": [0.0, 2.0, -1.5, -math.pi**2 / 12],
    "sin_x1": [0.0, 0.8414709848078965, -0.1411200080598672, 1.0],
    "sin_x2": [0.0, 0.9092974268256817, 0.479425538604203, -0.5],
}


def test_features_registry_matches_playground_inputs():
    assert list(FEATURES) == ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]
    assert DEFAULT_FEATURES == ("x1", "x2")


def test_features_labels_are_unicode_maths():
    assert [f.label for f in FEATURES.values()] == ["x₁", "x₂", "x₁²", "x₂²", "x₁x₂",
                                                    "sin(x₁)", "sin(x₂)"]


@pytest.mark.parametrize("name", list(HAND))
def test_transform_single_feature_hand_values(name):
    out = transform(POINTS, [name])
    assert out.shape == (4, 1) and out.dtype == np.float64
    np.testing.assert_allclose(out[:, 0], HAND[name], rtol=1e-15, atol=1e-15)


def test_transform_all_features_in_given_order():
    names = ["sin_x2", "x1", "x1x2", "x2_sq", "x2", "sin_x1", "x1_sq"]
    out = transform(POINTS, names)
    assert out.shape == (4, 7)
    np.testing.assert_allclose(out, np.array([HAND[n] for n in names]).T, atol=1e-15)


def test_transform_accepts_tuples_integer_points_and_empty_batch():
    np.testing.assert_array_equal(transform(np.array([[2, 3]]), ("x1x2", "x2_sq")), [[6.0, 9.0]])
    assert transform(np.zeros((0, 2)), ["x1", "sin_x2"]).shape == (0, 2)


@pytest.mark.parametrize(("names", "match"), [
    ([], r"Invalid names: \[\]"),
    (["x3"], "unknown \\['x3'\\]"),
    (["x1", "X1"], "unknown \\['X1'\\]"),
    (["x1", "x2", "x1"], "duplicated \\['x1'\\]"),
    ("x1", "not a single string"),
])
def test_transform_rejects_bad_names(names, match):
    with pytest.raises(ValueError, match=match):
        transform(POINTS, names)


@pytest.mark.parametrize("points", [np.zeros(4), np.zeros((4, 3)), np.zeros((2, 2, 2))])
def test_transform_rejects_non_n_by_2_points(points):
    with pytest.raises(ValueError, match="Invalid points: shape"):
        transform(points, ["x1"])
