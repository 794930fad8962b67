"""Tests for app.schema.labs: the labs' page states, their links and the rules they share with
the instruments' requests."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.core.nn.activations import ELU, HIDDEN_ACTIVATIONS, LeakyReLU
from app.schema.labs import ActivationLab, InitLab, InitSetting, InitSettingB, argument_owners
from app.schema.mlp_experiment import VarianceScalingSpec
from app.schema.nn_instruments import MAX_PROPAGATION_WORK, ActivationParams
from app.schema.url_codec import decode, encode


def test_arguments_default_to_keras_and_keep_the_instrument_bounds():
    lab = ActivationLab()
    assert lab.negative_slope == LeakyReLU().negative_slope
    assert lab.alpha == ELU().alpha
    assert lab.approximate is False
    for name in ("negative_slope", "alpha"):
        ours = ActivationLab.model_fields[name].metadata
        theirs = ActivationParams.model_fields[name].metadata
        assert ours == theirs


def test_each_argument_belongs_to_the_activation_that_takes_it():
    assert argument_owners() == {"negative_slope": "leaky_relu", "alpha": "elu",
                                 "approximate": "gelu"}
    lab = ActivationLab(activations=["elu", "relu"], alpha=0.3)
    assert lab.config("elu") == {"name": "elu", "alpha": 0.3}
    assert lab.config("relu") == {"name": "relu"}


def test_activations_are_chosen_once_and_at_least_one():
    assert ActivationLab(activations=["relu", "tanh", "relu"]).activations == ["relu", "tanh"]
    with pytest.raises(ValidationError):
        ActivationLab(activations=[])
    with pytest.raises(ValidationError):
        ActivationLab(activations=["softmax"])


@pytest.mark.parametrize("model", [
    ActivationLab(activations=list(HIDDEN_ACTIVATIONS), negative_slope=0.05, alpha=2.0,
                  approximate=True, mean=-1.5, std=0.25),
    InitLab(depth=7, width=64, samples=30, seed=4,
            a=InitSetting(initializer="variance_scaling", activation="selu",
                          batch_normalization="before",
                          variance_scaling=VarianceScalingSpec(
                              scale=2.0, mode="fan_avg", distribution="uniform")),
            b=InitSettingB(initializer="zeros", activation="gelu")),
])
def test_a_lab_survives_its_link(model):
    decoded, notices = decode(type(model), dict(encode(model)), type(model)())
    assert notices == []
    assert decoded == model


def test_a_bad_link_value_falls_back_with_a_notice():
    decoded, notices = decode(ActivationLab, {"a": "relu,nope", "sd": "-1", "mu": "0.5"},
                              ActivationLab())
    assert decoded.activations == ActivationLab().activations
    assert decoded.std == ActivationLab().std and decoded.mean == 0.5
    assert {n.key for n in notices} == {"a", "sd"}


def test_init_lab_caps_the_work_and_blames_the_samples():
    with pytest.raises(ValidationError) as error:
        InitLab(depth=50, width=512, samples=5000)
    assert error.value.errors()[0]["type"] == "propagation_too_large"
    decoded, notices = decode(InitLab, {"d": "50", "w": "512", "n": "5000"}, InitLab())
    assert decoded.samples == InitLab().samples
    assert decoded.depth * decoded.samples * decoded.width**2 <= MAX_PROPAGATION_WORK
    assert [n.key for n in notices] == ["n"]


def test_init_lab_sides_are_propagation_requests_on_the_same_stack():
    lab = InitLab()
    a, b = lab.request("a"), lab.request("b")
    assert (a.initializer, a.activation) == ("he_normal", "relu")
    assert (b.initializer, b.activation) == ("random_normal", "tanh")
    assert (a.depth, a.width, a.samples, a.seed) == (b.depth, b.width, b.samples, b.seed)


def test_a_partial_link_fills_each_side_with_its_own_defaults():
    decoded, notices = decode(InitLab, {"b.bn": "after", "a.a": "tanh"}, InitLab())
    assert notices == []
    assert (decoded.a.initializer, decoded.a.activation) == ("he_normal", "tanh")
    assert (decoded.b.initializer, decoded.b.activation, decoded.b.batch_normalization) == (
        "random_normal", "tanh", "after")
