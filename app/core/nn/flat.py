"""A Sequential model's weights as one flat vector, and back.

``WeightLayout.of(model)`` lists every weight array of the model in Keras ``get_weights()``
order (per layer: the trainable parameters, kernel then bias, gamma then beta; then the
buffers, BatchNormalization's moving mean and variance), each with its slice of the flat
vector. ``flatten(model)`` copies them into one float64 vector θ, ``assign(model, θ)`` writes
them back in place. The loss landscape works on these vectors: directions, paths and
interpolations are vectors of the same layout, and ``trainable`` masks what a direction may move.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from app.core.nn.model import Sequential

Kind = Literal["kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance"]
Vector = npt.NDArray[np.float64]


@dataclass(frozen=True)
class WeightEntry:
    """One weight array: its layer, name, shape and place in the flat vector."""

    layer: int
    kind: Kind
    shape: tuple[int, ...]
    start: int
    stop: int

    @property
    def trainable(self) -> bool:
        return self.kind not in ("moving_mean", "moving_variance")

    @property
    def filtered(self) -> bool:
        """A Dense kernel: its columns are the filters (one neuron's incoming weights)."""
        return self.kind == "kernel"


@dataclass(frozen=True)
class WeightLayout:
    """Where each weight array of a model sits in the flat vector."""

    entries: tuple[WeightEntry, ...]
    size: int

    @classmethod
    def of(cls, model: Sequential) -> WeightLayout:
        entries: list[WeightEntry] = []
        offset = 0
        for index, layer in enumerate(model.layers):
            for kind, array in (*layer.params.items(), *layer.buffers.items()):
                entries.append(WeightEntry(index, kind, tuple(array.shape),  # type: ignore[arg-type]
                                           offset, offset + array.size))
                offset += array.size
        return cls(tuple(entries), offset)

    def trainable_mask(self) -> npt.NDArray[np.bool_]:
        """True on the entries of trainable parameters (directions leave the buffers alone)."""
        mask = np.zeros(self.size, dtype=bool)
        for entry in self.entries:
            mask[entry.start:entry.stop] = entry.trainable
        return mask

    def view(self, vectors: npt.NDArray[np.floating],
             entry: WeightEntry) -> npt.NDArray[np.floating]:
        """``vectors[..., entry]`` reshaped to (leading axes …, *entry.shape) (a view)."""
        part = vectors[..., entry.start:entry.stop]
        return part.reshape(*vectors.shape[:-1], *entry.shape)

    def of_layer(self, layer: int) -> list[WeightEntry]:
        return [e for e in self.entries if e.layer == layer]


def _arrays(model: Sequential) -> list[npt.NDArray[np.floating]]:
    return [a for layer in model.layers for a in (*layer.params.values(), *layer.buffers.values())]


def flatten(model: Sequential) -> Vector:
    """θ: every weight of the model (layout order) in one float64 vector."""
    arrays = _arrays(model)
    if not arrays:
        return np.zeros(0)
    return np.concatenate([a.ravel() for a in arrays]).astype(np.float64)


def assign(model: Sequential, theta: npt.ArrayLike) -> None:
    """Write θ back into the model's arrays in place (cast to the model's dtype)."""
    vector = np.asarray(theta)
    layout = WeightLayout.of(model)
    if vector.shape != (layout.size,):
        raise ValueError(f"Invalid theta shape: {vector.shape} (must be ({layout.size},))")
    for entry, array in zip(layout.entries, _arrays(model), strict=True):
        array[...] = vector[entry.start:entry.stop].reshape(entry.shape)
