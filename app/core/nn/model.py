"""Sequential model, the MLP builder and per-layer statistics for the playground.

``Sequential(layers).build(n_inputs, rng, dtype)`` wires a stack of layers; ``train_step`` is one
Keras training step: forward in training mode, loss + regularization penalty, backward,
``optimizer.apply(grads, params)``, then the weight constraints (MaxNorm), as Keras'
``optimizer.apply`` does. ``parameters()`` and ``gradients()`` list the trainable arrays in a fixed
order (Keras' ``trainable_weights``: layer by layer, kernel then bias, gamma then beta); the
optimizer keys its slots by list position and updates the arrays in place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from app.core.nn.activations import ActivationFunction, FloatArray
from app.core.nn.initializers import Initializer
from app.core.nn.layers import Activation, BatchNormalization, Dense, Dropout, Layer
from app.core.nn.losses import Loss, make_loss

HISTOGRAM_BINS = 30
BATCH_NORMALIZATION_MODES = ("none", "before", "after")


class SupportsApply(Protocol):
    """What ``train_step`` needs from an ``app.core.optimizers`` optimizer: in-place updates."""

    def apply(self, grads: list[FloatArray], params: list[FloatArray]) -> Any: ...


@dataclass(frozen=True)
class DenseStats:
    """Statistics of one Dense layer's block for the last forward/backward pass."""

    layer: int  # index of the Dense layer in Sequential.layers
    units: int
    activation: str
    mean: float
    std: float
    histogram: npt.NDArray[np.int64]  # HISTOGRAM_BINS counts over bin_edges
    bin_edges: npt.NDArray[np.float64]
    kernel_grad_norm: float
    kernel_norm: float
    dead_fraction: float | None  # where counts_dead_units: units that output 0 for every sample


class Sequential:
    """A stack of layers run in order (Keras ``Sequential``)."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        if not layers:
            raise ValueError("Invalid layers: [] (must contain at least one layer)")
        self.layers = list(layers)
        self.dtype: np.dtype[Any] = np.dtype(np.float32)
        self._params: list[FloatArray] = []
        self._grads: list[FloatArray] = []
        self._regularized: list[Dense] = []
        self._constrained: list[Dense] = []

    def build(
        self, n_inputs: int, rng: np.random.Generator, dtype: npt.DTypeLike = np.float32
    ) -> Sequential:
        """Build every layer in order (drawing initial weights from ``rng``); returns self."""
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"Invalid dtype: {self.dtype} (must be float32 or float64)")
        dim = int(n_inputs)
        for layer in self.layers:
            dim = layer.build(dim, rng, self.dtype)
        first = self.layers[0]
        if isinstance(first, Dense):
            first.need_input_grad = False  # nothing consumes d loss / d input
        self._params = [p for layer in self.layers for p in layer.params.values()]
        self._grads = [layer.grads[k] for layer in self.layers for k in layer.params]
        dense = [layer for layer in self.layers if isinstance(layer, Dense)]
        self._regularized = [d for d in dense if d.kernel_regularizer is not None]
        self._constrained = [d for d in dense if d.kernel_constraint is not None]
        return self

    def forward(self, x: npt.ArrayLike, training: bool = False, mc: bool = False) -> FloatArray:
        out = np.asarray(x, dtype=self.dtype)
        for layer in self.layers:
            out = layer.forward(out, training, mc)
        return out

    def backward(self, dloss: FloatArray) -> FloatArray:
        """Backpropagate d loss / d output; fills every layer's ``grads``.

        Returns d loss / d input, or an empty array when the first layer is a Dense (built
        models skip that unused product; set ``layers[0].need_input_grad = True`` to get it).
        """
        d = dloss
        for layer in reversed(self.layers):
            d = layer.backward(d)
        return d

    def parameters(self) -> list[FloatArray]:
        return list(self._params)

    def gradients(self) -> list[FloatArray]:
        return list(self._grads)

    def regularization_loss(self) -> float:
        """Sum of the Dense kernel penalties (regularized layers are listed at build)."""
        return float(sum(layer.regularization_loss() for layer in self._regularized))

    def apply_constraints(self) -> None:
        for layer in self._constrained:
            layer.apply_constraints()

    def train_step(
        self, x: npt.ArrayLike, y: npt.ArrayLike, loss: Loss | str, optimizer: SupportsApply
    ) -> float:
        """One step; returns the batch loss as Keras reports it (penalty included)."""
        y_pred = self.forward(x, training=True)
        value, dloss = make_loss(loss).value_and_gradient(y_pred, y)
        penalty = self.regularization_loss()
        if penalty:
            value = float(self.dtype.type(value) + self.dtype.type(penalty))
        self.backward(dloss)
        optimizer.apply(self._grads, self._params)
        self.apply_constraints()
        return value

    def evaluate(self, x: npt.ArrayLike, y: npt.ArrayLike, loss: Loss | str) -> float:
        """Inference-mode loss + regularization penalty (Keras ``evaluate``)."""
        value = make_loss(loss).value(self.predict(x), y)
        return float(self.dtype.type(value) + self.dtype.type(self.regularization_loss()))

    def predict(self, x: npt.ArrayLike) -> FloatArray:
        return self.forward(x, training=False)

    def predict_mc(self, x: npt.ArrayLike, passes: int) -> tuple[FloatArray, FloatArray]:
        """Monte-Carlo dropout: mean and std over ``passes`` predictions with dropout active."""
        if passes < 1:
            raise ValueError(f"Invalid passes: {passes} (must be >= 1)")
        draws = np.stack([self.forward(x, training=False, mc=True) for _ in range(passes)])
        return draws.mean(axis=0), draws.std(axis=0)

    def get_weights(self) -> list[FloatArray]:
        """Copies of all weights in Keras ``model.get_weights()`` order (params, then buffers)."""
        return [w.copy() for layer in self.layers for w in _keras_weights(layer)]

    def set_weights(self, weights: Sequence[npt.ArrayLike]) -> None:
        """Overwrite all weights in place, in ``get_weights()`` order."""
        targets = [w for layer in self.layers for w in _keras_weights(layer)]
        if len(weights) != len(targets):
            raise ValueError(f"Invalid weights: {len(weights)} arrays (must be {len(targets)})")
        for target, w in zip(targets, weights, strict=True):
            arr = np.asarray(w)
            if arr.shape != target.shape:
                raise ValueError(f"Invalid weight shape: {arr.shape} (must be {target.shape})")
            target[...] = arr

    def layer_stats(self) -> list[DenseStats]:
        """Per Dense layer, the last batch's activations (after the block's nonlinearity: the
        Activation layer that follows in "before" mode), the kernel gradient and weight norms.

        Histogram: HISTOGRAM_BINS bins over the activation's ``histogram_range``; values outside
        are counted in the edge bins (so saturation and outliers stay visible).
        """
        stats = []
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, Dense):
                continue
            act, out = _block_output(self.layers, i)
            if out.size == 0:
                raise ValueError("Invalid layer_stats call: run a forward pass first")
            lo, hi = act.histogram_range
            flat = np.clip(out.ravel().astype(np.float64), lo, hi)
            counts, edges = np.histogram(flat, bins=HISTOGRAM_BINS, range=(lo, hi))
            dead = None
            if act.counts_dead_units:
                dead = float(np.mean(np.all(out == 0.0, axis=0)))
            stats.append(
                DenseStats(
                    layer=i,
                    units=layer.units,
                    activation=act.name,
                    mean=float(out.mean()),
                    std=float(out.std()),
                    histogram=counts.astype(np.int64),
                    bin_edges=edges,
                    kernel_grad_norm=float(np.linalg.norm(layer.grads["kernel"])),
                    kernel_norm=float(np.linalg.norm(layer.params["kernel"])),
                    dead_fraction=dead,
                )
            )
        return stats

    def __repr__(self) -> str:
        inner = ",\n".join(f"  {layer!r}" for layer in self.layers)
        return f"Sequential([\n{inner}\n])"


def _keras_weights(layer: Layer) -> list[FloatArray]:
    return [*layer.params.values(), *layer.buffers.values()]


def _block_output(layers: list[Layer], i: int) -> tuple[ActivationFunction, FloatArray]:
    """The activation function and output that follow Dense ``layers[i]`` in its block."""
    dense = layers[i]
    assert isinstance(dense, Dense)
    if dense.activation.name == "linear":
        for layer in layers[i + 1 :]:
            if isinstance(layer, Dense):
                break
            if isinstance(layer, Activation):
                return layer.activation, layer.output
    return dense.activation, dense.output


@dataclass(frozen=True)
class BlockSpec:
    """One hidden block of ``build_mlp`` (the playground's per-layer settings)."""

    units: int = 8
    activation: str = "relu"
    kernel_initializer: str | Mapping[str, Any] = "glorot_uniform"
    batch_normalization: str = "none"  # "none" | "before" | "after"
    dropout: float = 0.0
    kernel_regularizer: Mapping[str, Any] | None = None  # {"name": "l2", "l2": 0.01} ...
    max_norm: float | None = None
    use_bias: bool = True

    def __post_init__(self) -> None:
        if self.batch_normalization not in BATCH_NORMALIZATION_MODES:
            raise ValueError(
                f"Invalid batch_normalization: {self.batch_normalization!r} "
                f"(must be one of {list(BATCH_NORMALIZATION_MODES)})"
            )
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"Invalid dropout: {self.dropout} (must be in [0, 1))")
        if self.max_norm is not None and not self.max_norm > 0:
            raise ValueError(f"Invalid max_norm: {self.max_norm} (must be > 0)")


def build_block(spec: BlockSpec) -> list[Layer]:
    """Layers of one hidden block.

    "none":   Dense(activation) [→ Dropout]
    "before": Dense(no bias, linear) → BatchNormalization → Activation [→ Dropout]  (the slide)
    "after":  Dense(activation) → BatchNormalization [→ Dropout]
    """
    before = spec.batch_normalization == "before"
    init: str | dict[str, Any] | Initializer = (
        spec.kernel_initializer
        if isinstance(spec.kernel_initializer, str)
        else dict(spec.kernel_initializer)
    )
    regularizer = None if spec.kernel_regularizer is None else dict(spec.kernel_regularizer)
    constraint = None if spec.max_norm is None else {"name": "max_norm", "max_value": spec.max_norm}
    dense = Dense(
        spec.units,
        activation="linear" if before else spec.activation,
        kernel_initializer=init,
        kernel_regularizer=regularizer,
        kernel_constraint=constraint,
        use_bias=spec.use_bias and not before,
    )
    block: list[Layer] = [dense]
    if before:
        block += [BatchNormalization(), Activation(spec.activation)]
    elif spec.batch_normalization == "after":
        block.append(BatchNormalization())
    if spec.dropout > 0.0:
        block.append(Dropout(spec.dropout))
    return block


def build_mlp(
    n_inputs: int,
    layer_specs: Sequence[BlockSpec | Mapping[str, Any]],
    n_outputs: int,
    output_activation: str,
    rng: np.random.Generator,
    dtype: npt.DTypeLike = np.float32,
) -> Sequential:
    """Hidden blocks from ``layer_specs`` (dicts or BlockSpec), then Dense(n_outputs,
    output_activation, glorot_uniform); built with weights drawn from ``rng``."""
    layers: list[Layer] = []
    for spec in layer_specs:
        layers += build_block(spec if isinstance(spec, BlockSpec) else BlockSpec(**spec))
    layers.append(Dense(n_outputs, output_activation, kernel_initializer="glorot_uniform"))
    return Sequential(layers).build(n_inputs, rng, dtype)
