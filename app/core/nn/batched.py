"""The inference-mode loss of many weight vectors of one model at once.

``BatchedLoss(model, x, y, loss)(thetas)`` takes a stack of flat weight vectors (g, P) in the
model's layout (:mod:`app.core.nn.flat`) and returns the loss of each, as ``model.evaluate``
computes it (inference mode: Dropout off, BatchNormalization on its moving statistics; the
kernel penalties added), without touching the model. The weights get a leading grid axis and
every layer runs once for the whole stack:

    Dense       z[g] = h[g] @ kernel[g] + bias[g]  (np.matmul broadcasts the shared inputs
                of the first one), h = activation(z)
    BatchNorm   h = (h - moving_mean[g]) / sqrt(moving_variance[g] + epsilon) * gamma[g] + beta[g]
    Activation  h = activation(h);  Dropout: identity
    loss        Loss.values(h, y) + sum of l1 * sum|kernel[g]| + l2 * sum kernel[g]**2

The stack is cut into chunks of at most ``max_elements`` activations (g × samples × widest
layer), which bounds the memory whatever the grid.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from app.core.nn.activations import FloatArray
from app.core.nn.flat import WeightLayout
from app.core.nn.layers import Activation, BatchNormalization, Dense, Dropout
from app.core.nn.losses import Loss, make_loss
from app.core.nn.model import Sequential

MAX_ELEMENTS = 1 << 17  # ~0.5 MB per float32 array: the chunk stays in cache


class BatchedLoss:
    """L(θ) for a stack of θ on fixed data (``__call__``), in the model's dtype."""

    def __init__(self, model: Sequential, x: npt.ArrayLike, y: Any, loss: Loss | str,
                 max_elements: int = MAX_ELEMENTS) -> None:
        self.model = model
        self.layout = WeightLayout.of(model)
        self.dtype = model.dtype
        self.x: FloatArray = np.asarray(x, dtype=self.dtype)
        self.y = y
        self.loss = make_loss(loss)
        widest = max([self.x.shape[1], *(layer.output_dim for layer in model.layers)])
        self.chunk = max(1, max_elements // max(1, len(self.x) * widest))
        self._weights = [{e.kind: e for e in self.layout.of_layer(i)}
                         for i in range(len(model.layers))]

    def __call__(self, thetas: npt.ArrayLike) -> npt.NDArray[np.float64]:
        stack = np.asarray(thetas)
        if stack.ndim != 2 or stack.shape[1] != self.layout.size:
            raise ValueError(f"Invalid thetas shape: {stack.shape} "
                             f"(must be (g, {self.layout.size}))")
        out = np.empty(len(stack), dtype=np.float64)
        with np.errstate(all="ignore"):
            for start in range(0, len(stack), self.chunk):
                part = stack[start:start + self.chunk].astype(self.dtype, copy=False)
                out[start:start + len(part)] = self._losses(part)
        return out

    def _losses(self, w: FloatArray) -> FloatArray:
        g = len(w)
        h = self.x  # shared by the stack until the first Dense
        penalty = np.zeros(g, dtype=self.dtype)
        for layer, entries in zip(self.model.layers, self._weights, strict=True):
            p: dict[str, FloatArray] = {kind: self.layout.view(w, entry)
                                       for kind, entry in entries.items()}
            if isinstance(layer, Dense):
                h = layer.activation.forward(self._dense(h, p))
                reg = layer.kernel_regularizer
                if reg is not None:
                    kernel = p["kernel"]
                    if reg.l1:
                        penalty += self.dtype.type(reg.l1) * np.abs(kernel).sum(axis=(1, 2))
                    if reg.l2:
                        penalty += self.dtype.type(reg.l2) * np.square(kernel).sum(axis=(1, 2))
            elif isinstance(layer, BatchNormalization):
                h = _batch_norm(layer, h, p)
            elif isinstance(layer, Activation):
                h = layer.activation.forward(h)
            elif not isinstance(layer, Dropout):
                raise ValueError(f"Invalid layer for the landscape: {layer!r}")
        if h.ndim == 2:
            h = np.broadcast_to(h, (g, *h.shape))
        return np.asarray(self.loss.values(h, self.y), dtype=np.float64) + penalty

    @staticmethod
    def _dense(h: FloatArray, p: dict[str, FloatArray]) -> FloatArray:
        z = np.matmul(h, p["kernel"])  # (n, d) or (g, n, d) @ (g, d, u) -> (g, n, u)
        if "bias" in p:
            z += p["bias"][:, None, :]
        return z


def _batch_norm(layer: BatchNormalization, h: FloatArray, p: dict[str, FloatArray]) -> FloatArray:
    # a variance interpolated past its ends can go negative: clip it at 0
    inv_std = 1.0 / np.sqrt(np.maximum(p["moving_variance"], 0.0) + layer.epsilon)
    out = (h - p["moving_mean"][:, None, :]) * inv_std[:, None, :].astype(h.dtype)
    if layer.scale:
        out = out * p["gamma"][:, None, :]
    if layer.center:
        out = out + p["beta"][:, None, :]
    return out


def losses_of(model: Sequential, x: npt.ArrayLike, y: Any, loss: Loss | str,
              thetas: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """One-shot form of :class:`BatchedLoss`."""
    return BatchedLoss(model, x, y, loss)(thetas)

