"""Reference checks of app.core.nn.initializers against keras.initializers (configs and draws)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from app.core.nn.initializers import INITIALIZERS, VarianceScaling, make_initializer

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras", reason="Keras 3 not installed: reference checks skipped")
pytestmark = pytest.mark.keras

SHAPE = (200, 300)


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_initializer_config_matches_keras(name):
    # keras.initializers.get("constant") fails in Keras itself (from_config needs a value)
    theirs = keras.initializers.Constant() if name == "constant" else keras.initializers.get(name)
    ours = make_initializer(name)
    if isinstance(ours, VarianceScaling):
        assert (ours.scale, ours.mode, ours.distribution) == (
            theirs.scale,
            theirs.mode,
            theirs.distribution,
        )
    config = theirs.get_config()
    for key, value in ours.get_config().items():
        if key != "name" and key in config:
            assert value == pytest.approx(config[key]), key


@pytest.mark.parametrize("name", sorted(set(INITIALIZERS) - {"zeros", "ones", "constant"}))
def test_initializer_draws_match_keras_statistics(name):
    theirs = np.asarray(keras.initializers.get(name)(SHAPE, dtype="float32"), dtype=np.float64)
    ours = make_initializer(name)(SHAPE, np.random.default_rng(0), np.float64)
    assert ours.std() == pytest.approx(theirs.std(), rel=0.03)
    # same support; a quantile, not the max: Keras' torch truncated_normal keeps the rare sample
    # (p = 0.0455**4) whose 4 candidate draws all fall beyond 2 sigma
    q_ours, q_theirs = np.quantile(abs(ours), 0.999), np.quantile(abs(theirs), 0.999)
    assert q_ours == pytest.approx(q_theirs, rel=0.05)
