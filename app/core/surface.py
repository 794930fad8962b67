"""The base of every 2D loss surface: values, analytic gradients, grids, minima, description.

Every surface broadcasts over NumPy arrays in float64, so the same object evaluates one point,
a batch of optimizer trajectories of shape (..., 2), or a plotting grid.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
TAU = 2.0 * math.pi


@dataclass(frozen=True)
class Minimum:
    """A marked stationary point: kind is "global", "local", "saddle" or "maximum"."""

    x: float
    y: float
    value: float
    kind: str = "global"


class Surface(ABC):
    """A scalar function f(x, y) with its analytic gradient and plotting metadata."""

    name: str
    label_es: str
    label_en: str
    formula: str
    latex: str
    window: tuple[float, float, float, float]
    minima: tuple[Minimum, ...]
    log_scale: bool = False
    default_start: tuple[float, float]
    bounded_below: bool = True
    minima_estimated: bool = False

    @abstractmethod
    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        """f on already-broadcast float64 arrays."""

    @abstractmethod
    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(∂f/∂x, ∂f/∂y) on already-broadcast float64 arrays."""

    def value(self, x: ArrayLike, y: ArrayLike) -> FloatArray:
        """f(x, y), broadcasting; overflow and invalid regions give inf/nan silently."""
        xa, ya = broadcast_xy(x, y)
        with np.errstate(all="ignore"):
            return np.asarray(self._value(xa, ya), dtype=np.float64)

    def gradient(self, x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """(∂f/∂x, ∂f/∂y), analytic, broadcasting."""
        xa, ya = broadcast_xy(x, y)
        with np.errstate(all="ignore"):
            gx, gy = self._gradient(xa, ya)
        return np.asarray(gx, dtype=np.float64), np.asarray(gy, dtype=np.float64)

    def value_at(self, points: ArrayLike) -> FloatArray:
        """f at points of shape (..., 2): points[..., 0] = x, points[..., 1] = y."""
        p = np.asarray(points, dtype=np.float64)
        return self.value(p[..., 0], p[..., 1])

    def gradient_at(self, points: ArrayLike) -> FloatArray:
        """Gradient at points of shape (..., 2), returned with the same shape."""
        p = np.asarray(points, dtype=np.float64)
        return np.stack(self.gradient(p[..., 0], p[..., 1]), axis=-1)

    def grid(self, nx: int, ny: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        """xs (nx,), ys (ny,) spanning the window and z[ny, nx] = f(xs[j], ys[i])."""
        if nx < 2 or ny < 2:
            raise ValueError(f"Invalid grid size: {nx}×{ny} (must be at least 2×2)")
        xmin, xmax, ymin, ymax = self.window
        xs, ys = np.linspace(xmin, xmax, nx), np.linspace(ymin, ymax, ny)
        return xs, ys, self.value(xs[np.newaxis, :], ys[:, np.newaxis])

    def nearest_minimum(self, points: ArrayLike) -> tuple[FloatArray, NDArray[np.int64]]:
        """Distance from points (..., 2) to the nearest global minimum and its index in minima.

        Where the surface has no global minimum (saddles) distances are nan and indices -1.
        """
        p = np.asarray(points, dtype=np.float64)
        indices = [i for i, m in enumerate(self.minima) if m.kind == "global"]
        if not indices:
            return np.full(p.shape[:-1], np.nan), np.full(p.shape[:-1], -1, dtype=np.int64)
        centres = np.array([[self.minima[i].x, self.minima[i].y] for i in indices])
        dist = np.linalg.norm(p[..., np.newaxis, :] - centres, axis=-1)
        nearest = np.argmin(dist, axis=-1)
        return np.min(dist, axis=-1), np.asarray(indices, dtype=np.int64)[nearest]

    def params(self) -> dict[str, Any]:
        """Constructor parameters (empty for the fixed surfaces)."""
        return {}

    def describe(self) -> dict[str, Any]:
        """JSON-able metadata for the API and the page's menus."""
        return {
            "name": self.name,
            "label": {"es": self.label_es, "en": self.label_en},
            "formula": self.formula,
            "latex": self.latex,
            "window": list(self.window),
            "minima": [asdict(m) for m in self.minima],
            "minima_estimated": self.minima_estimated,
            "log_scale": self.log_scale,
            "default_start": list(self.default_start),
            "bounded_below": self.bounded_below,
            "params": self.params(),
        }

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


def broadcast_xy(x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    xa, ya = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    return xa, ya
