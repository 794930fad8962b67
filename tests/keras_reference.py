"""The Keras 3 reference for the surface tests: import it first in a test module
(``from tests.keras_reference import keras, float64_keras``) and the module is skipped with a
message where Keras is absent; ``float64_keras`` (autouse there) runs Keras at float64."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip(
    "keras", reason="Keras 3 not installed: pip install torch==2.13.0 keras")

KERAS_MARKS = [
    pytest.mark.keras,
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword"),
]


@pytest.fixture(autouse=True)
def float64_keras(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keras' formulas at float64. Keras maps 64-bit results to 32 bits "to be aligned with
    JAX" (it would round the clip norms to float32); the reference runs without that table."""
    from keras.src.backend.common import dtypes

    monkeypatch.setattr(dtypes, "BIT64_TO_BIT32_DTYPE", {}, raising=False)
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(previous)


def rosenbrock_gradient(point: Any) -> np.ndarray:
    """∇ of Rosenbrock (a = 1, b = 100) at ``point``."""
    x, y = (float(v) for v in point)
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
