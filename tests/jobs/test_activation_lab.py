"""Tests for app.jobs.activation_lab: the curves are the network's, the Gaussian's fractions are
the closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import ndtr

from app.core.nn.activations import HIDDEN_ACTIVATIONS
from app.jobs.activation_curves import activation_curves
from app.jobs.activation_lab import (
    DISTRIBUTION_POINTS,
    HISTOGRAM_BINS,
    activation_lab,
    gaussian_quantiles,
)
from app.schema.labs import ActivationLab


def _entry(lab: ActivationLab, name: str) -> dict:
    return next(a for a in activation_lab(lab)["activations"] if a["name"] == name)


def test_gaussian_quantiles_have_the_gaussian_moments():
    z = gaussian_quantiles(0.5, 2.0)
    assert len(z) == DISTRIBUTION_POINTS and np.all(np.diff(z) > 0)
    assert z.mean() == pytest.approx(0.5, abs=1e-9)
    assert z.std() == pytest.approx(2.0, rel=2e-3)


def test_curves_are_the_activation_curves_of_the_network():
    lab = ActivationLab(activations=list(HIDDEN_ACTIVATIONS), negative_slope=0.1, alpha=0.5)
    result = activation_lab(lab)
    assert [a["name"] for a in result["activations"]] == list(HIDDEN_ACTIVATIONS)
    for entry in result["activations"]:
        expected = activation_curves(lab.config(entry["name"]), result["x"])
        assert entry["f"] == expected["f"] and entry["df"] == expected["df"]
    assert result["x"][0] == -6.0 and result["x"][-1] == 6.0


def test_relu_of_a_standard_gaussian_is_half_dead():
    entry = _entry(ActivationLab(activations=["relu"]), "relu")
    assert entry["dead"] == pytest.approx(0.5, abs=1e-4)
    assert entry["saturated"] == pytest.approx(0.5, abs=1e-4)
    # E[relu(x)] = 1/√(2π), Var = 1/2 − 1/(2π)
    assert entry["mean"] == pytest.approx(1 / math.sqrt(2 * math.pi), abs=1e-3)
    assert entry["std"] == pytest.approx(math.sqrt(0.5 - 1 / (2 * math.pi)), abs=1e-3)


@pytest.mark.parametrize("sigma", [0.5, 1.0, 3.0])
def test_tanh_saturation_is_the_gaussian_tail_beyond_the_threshold(sigma):
    # |tanh′(x)| = 1 − tanh²(x) < 0.05  ⇔  |x| > atanh(√0.95)
    edge = math.atanh(math.sqrt(0.95))
    expected = 2 * ndtr(-edge / sigma)
    entry = _entry(ActivationLab(activations=["tanh"], std=sigma), "tanh")
    assert entry["saturated"] == pytest.approx(expected, abs=2e-4)
    assert entry["dead"] == 0.0


def test_leaky_relu_never_dies_unless_its_slope_is_zero():
    assert _entry(ActivationLab(activations=["leaky_relu"]), "leaky_relu")["dead"] == 0.0
    flat = ActivationLab(activations=["leaky_relu"], negative_slope=0.0)
    assert _entry(flat, "leaky_relu")["dead"] == pytest.approx(0.5, abs=1e-4)


def test_histograms_share_their_bins_and_count_every_input():
    result = activation_lab(ActivationLab(activations=["sigmoid", "linear"], mean=1.0, std=2.0))
    edges = result["bin_edges"]
    assert len(edges) == HISTOGRAM_BINS + 1
    for entry in result["activations"]:
        assert sum(entry["histogram"]) == DISTRIBUTION_POINTS
    linear = result["activations"][1]
    assert edges[0] == pytest.approx(min(gaussian_quantiles(1.0, 2.0)))
    assert linear["mean"] == pytest.approx(1.0, abs=1e-9)


def test_a_constant_output_still_gets_bins():
    result = activation_lab(ActivationLab(activations=["relu"], mean=-5.0, std=0.05))
    assert result["bin_edges"][0] < 0.0 < result["bin_edges"][-1]
    assert result["activations"][0]["dead"] == 1.0
