"""The initializer lab: a deep stack at initialization, forward and backward once.

The stack is ``depth`` hidden blocks of ``width`` units built by the MLP's own ``build_block``
(Dense with the chosen initializer and activation, optionally BatchNormalization before or after
the activation), float32 like the playground's network. One seeded generator draws, in order,
the weights, the inputs X ~ N(0, 1) of shape (samples, width) and the top gradient
G ~ N(0, 1) of the same shape: the backward pass is that of L = sum(G * output), so the
gradient reaching each layer is what any loss with unit-variance output gradients would send.
Batch normalization uses the batch's statistics (training mode), as in the first training step.

Per hidden block, first to last, of the activation function's output a = f(z):
    activation_mean, activation_std   over every sample and unit
    gradient_std                      std of dL/da (the top block's is G's, about 1)
    saturated                         fraction of entries with |f′(z)| < 0.05
    dead                              fraction of units with f′(z) = 0 for every sample
    histogram                         HISTOGRAM_BINS counts over the activation's histogram
                                      range (values beyond it in the edge bins)
Statistics that overflow (a stack that explodes) are None.

The variance argument it illustrates: Var(z) = fan_in · Var(w) · Var(a_prev), so with
Var(w) = 2 / fan_in (He) ReLU keeps Var(a) constant, and Var(dL/da_prev) = fan_out · Var(w) ·
E[f′²] · Var(dL/da) does the same backwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.nn.activations import ActivationFunction, FloatArray
from app.core.nn.layers import Activation, Dense, Layer
from app.core.nn.model import HISTOGRAM_BINS, BlockSpec, Sequential, build_block

SATURATED_SLOPE = 0.05


@dataclass(frozen=True)
class LayerHealth:
    """What one hidden block looks like at initialization."""

    activation_mean: float | None
    activation_std: float | None
    gradient_std: float | None
    saturated: float
    dead: float
    histogram: list[int]
    bin_edges: tuple[float, float]

    def to_json(self) -> dict[str, Any]:
        return {"activation_mean": self.activation_mean, "activation_std": self.activation_std,
                "gradient_std": self.gradient_std, "saturated": self.saturated,
                "dead": self.dead, "histogram": self.histogram,
                "bin_edges": list(self.bin_edges)}


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None


def _activation_layer(block: list[Layer]) -> Dense | Activation:
    """The layer of a block whose output is f(z): the Activation layer ("before"), else Dense."""
    for layer in block:
        if isinstance(layer, Activation):
            return layer
    first = block[0]
    assert isinstance(first, Dense)
    return first


@dataclass(frozen=True)
class Propagation:
    """The stack's blocks, first to last, and the weights' second moment E[w²] over every
    kernel (Var(w) for the zero-mean initializers): the numbers of the variance argument."""

    layers: list[LayerHealth]
    weight_variance: float


def propagate(initializer: str | dict[str, Any], activation: str, depth: int, width: int,
              samples: int, batch_normalization: str, seed: int) -> list[LayerHealth]:
    """One forward and one backward pass through the fresh stack; one entry per hidden block."""
    return propagate_stack(initializer, activation, depth, width, samples,
                           batch_normalization, seed).layers


def propagate_stack(initializer: str | dict[str, Any], activation: str, depth: int, width: int,
                    samples: int, batch_normalization: str, seed: int) -> Propagation:
    """:func:`propagate` with the weights' second moment."""
    rng = np.random.default_rng(seed)
    spec = BlockSpec(units=width, activation=activation, kernel_initializer=initializer,
                     batch_normalization=batch_normalization)
    blocks = [build_block(spec) for _ in range(depth)]
    model = Sequential([layer for block in blocks for layer in block]).build(width, rng)
    x = rng.standard_normal((samples, width)).astype(model.dtype)
    top = rng.standard_normal((samples, width)).astype(model.dtype)
    watched = [_activation_layer(block) for block in blocks]
    gradients: dict[int, FloatArray] = {}
    with np.errstate(all="ignore"):
        model.forward(x, training=True)
        d = top
        for layer in reversed(model.layers):
            if any(layer is w for w in watched):
                gradients[id(layer)] = d
            d = layer.backward(d)
        layers = [_health(layer.activation, layer.pre_activation, layer.output,
                          gradients[id(layer)]) for layer in watched]
    kernels = [layer.params["kernel"].astype(np.float64) for layer in model.layers
               if isinstance(layer, Dense)]
    second_moment = sum(float(np.sum(k * k)) for k in kernels) / sum(k.size for k in kernels)
    return Propagation(layers, second_moment)


def _health(act: ActivationFunction, z: FloatArray, a: FloatArray,
            grad: FloatArray) -> LayerHealth:
    a64 = a.astype(np.float64)
    slope = np.abs(act.backward(z, a, np.ones_like(z)))
    lo, hi = act.histogram_range
    finite = a64[np.isfinite(a64)]
    counts, _ = np.histogram(np.clip(finite, lo, hi), bins=HISTOGRAM_BINS, range=(lo, hi))
    return LayerHealth(
        activation_mean=_finite(float(a64.mean())), activation_std=_finite(float(a64.std())),
        gradient_std=_finite(float(grad.astype(np.float64).std())),
        saturated=float(np.mean(slope < SATURATED_SLOPE)),
        dead=float(np.mean(np.all(slope == 0.0, axis=0))),
        histogram=counts.astype(int).tolist(), bin_edges=(float(lo), float(hi)))
