"""Tests for app.jobs.init_propagation: the variance argument on a fresh deep stack."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from app.jobs.init_propagation import propagate

DEPTH, WIDTH, SAMPLES = 20, 256, 500


def _stack(initializer, activation, batch_normalization="none", seed=0, depth=DEPTH,
           width=WIDTH, samples=SAMPLES):
    return propagate(initializer, activation, depth, width, samples, batch_normalization, seed)


def test_he_normal_relu_keeps_the_activation_scale():
    layers = _stack("he_normal", "relu")
    assert len(layers) == DEPTH
    first, last = layers[0].activation_std, layers[-1].activation_std
    assert first is not None and last is not None and first > 0
    assert first / 2 < last < 2 * first
    # the backward pass keeps its scale too: the top gradient is N(0, 1)
    assert layers[-1].gradient_std == pytest.approx(1.0, rel=0.05)
    assert 0.5 < layers[0].gradient_std < 2.0


def test_small_random_normal_tanh_shrinks_each_layer_by_about_0_8():
    layers = _stack("random_normal", "tanh")
    stds = [layer.activation_std for layer in layers]
    assert stds[-1] < 0.05 * stds[0]
    # deep in the stack tanh is linear: each layer multiplies by sqrt(256 * 0.05²) = 0.8
    ratios = [b / a for a, b in itertools.pairwise(stds[10:])]
    assert np.mean(ratios) == pytest.approx(math.sqrt(WIDTH * 0.05**2), rel=0.05)
    # and the gradient vanishes towards the input
    assert layers[0].gradient_std < 0.05 * layers[-1].gradient_std


@pytest.mark.parametrize("batch_normalization", ["none", "before", "after"])
def test_zeros_gives_zero_activations(batch_normalization):
    layers = _stack("zeros", "tanh", batch_normalization, depth=4, width=16, samples=50)
    for layer in layers:
        assert layer.activation_std == 0.0
        assert layer.activation_mean == 0.0


def test_zeros_relu_units_are_all_dead_and_saturated():
    layers = _stack("zeros", "relu", depth=3, width=8, samples=20)
    assert all(layer.dead == 1.0 and layer.saturated == 1.0 for layer in layers)


def test_batch_normalization_before_the_activation_rescues_a_shrinking_stack():
    plain = _stack("random_normal", "tanh", depth=10, width=64, samples=200)
    normalized = _stack("random_normal", "tanh", "before", depth=10, width=64, samples=200)
    assert normalized[-1].activation_std > 0.5 > 10 * plain[-1].activation_std


def test_an_exploding_stack_reports_null_instead_of_overflowing():
    layers = _stack("ones", "relu", depth=50, width=64, samples=10)
    assert layers[0].activation_std is not None
    assert layers[-1].activation_std is None
    assert layers[0].histogram[-1] > 0  # beyond the range: counted in the edge bin


def test_histogram_counts_every_finite_activation():
    layers = _stack("glorot_uniform", "sigmoid", depth=3, width=16, samples=40)
    for layer in layers:
        assert sum(layer.histogram) == 40 * 16
        assert layer.bin_edges == (0.0, 1.0)


def test_same_seed_same_stack_other_seed_other_stack():
    a = _stack("he_uniform", "elu", depth=3, width=32, samples=50, seed=7)
    b = _stack("he_uniform", "elu", depth=3, width=32, samples=50, seed=7)
    c = _stack("he_uniform", "elu", depth=3, width=32, samples=50, seed=8)
    assert a == b
    assert a != c


def test_variance_scaling_config_is_accepted():
    config = {"name": "variance_scaling", "scale": 2.0, "mode": "fan_in",
              "distribution": "untruncated_normal"}
    layers = _stack(config, "relu", depth=10, width=128, samples=200)
    assert layers[0].activation_std / 2 < layers[-1].activation_std < 2 * layers[0].activation_std
