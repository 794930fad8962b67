"""The activation lab's curves: f and f′ from the very objects the network's layers use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from app.core.nn.activations import make_activation


def activation_curves(config: str | Mapping[str, Any],
                      x: Sequence[float]) -> dict[str, list[float]]:
    """``{"f": f(x), "df": f′(x)}`` in float64 for an element-wise activation (a registry name
    or ``{"name": …, **Keras arguments}``); f′ is the layer's backward pass with dy = 1."""
    activation = make_activation(config if isinstance(config, str) else dict(config))
    points = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        f = activation.forward(points)
        df = activation.backward(points, f, np.ones_like(points))
    return {"f": f.tolist(), "df": df.tolist()}
