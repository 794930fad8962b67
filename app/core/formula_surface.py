"""A surface the user types as a formula: values and exact gradients from the parsed
expression, the minimum estimated on a grid."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.core.formula import parse_formula
from app.core.surface import FloatArray, Minimum, Surface

Window = tuple[float, float, float, float]
DEFAULT_WINDOW: Window = (-2.0, 2.0, -2.0, 2.0)
"""The window (xmin, xmax, ymin, ymax) of a typed formula that names none."""


def default_start(window: Window = DEFAULT_WINDOW) -> tuple[float, float]:
    """Where a typed formula's race starts unless told: upper-left of the window, off the centre
    (where many formulas have their minimum)."""
    xmin, xmax, ymin, ymax = (float(v) for v in window)
    return round(0.8 * xmin + 0.2 * xmax, 12), round(0.2 * ymin + 0.8 * ymax, 12)


class FormulaSurface(Surface):
    """A surface typed by the user as a formula in x and y; minima estimated on a grid."""

    name, label_es, label_en = "custom", "Fórmula personalizada", "Custom formula"
    minima_estimated = True

    def __init__(
        self,
        text: str,
        window: Window = DEFAULT_WINDOW,
        grid_size: int = 201,
    ) -> None:
        xmin, xmax, ymin, ymax = (float(v) for v in window)
        if not (np.all(np.isfinite(window)) and xmin < xmax and ymin < ymax):
            raise ValueError(f"Invalid window: {window} (must be finite, xmin < xmax, ymin < ymax)")
        if not 3 <= grid_size <= 2001:
            raise ValueError(f"Invalid grid_size: {grid_size} (must be in [3, 2001])")
        self.text, self.expr = text, parse_formula(text)
        self.formula, self.latex = str(self.expr), self.expr.to_latex()
        self.window = (xmin, xmax, ymin, ymax)
        self.default_start = default_start(self.window)
        self.minima, self.bounded_below, self.log_scale = self._scan(grid_size)

    def params(self) -> dict[str, Any]:
        return {"text": self.text}

    def _value(self, x: FloatArray, y: FloatArray) -> FloatArray:
        return self.expr.value(x, y)

    def _gradient(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        _, gx, gy = self.expr.value_and_gradient(x, y)
        return gx, gy

    def _scan(self, n: int) -> tuple[tuple[Minimum, ...], bool, bool]:
        """Grid search: (estimated global minimum, bounded_below, log_scale).

        A lowest grid value on the window's edge (or a value of -inf) is no minimum: the surface
        is then reported as unbounded below within the window, with no minimum marked.
        """
        xs, ys, z = self.grid(n, n)
        finite = np.isfinite(z)
        if not finite.any():
            return (), False, False
        values = z[finite]
        positive = values[values > 0]
        log_scale = bool(
            values.min() >= 0
            and positive.size > 0
            and np.log10(positive.max()) - np.log10(positive.min()) > 3  # no overflow
        )
        i, j = np.unravel_index(np.argmin(np.where(finite, z, np.inf)), z.shape)
        if np.any(z == -np.inf) or i in (0, n - 1) or j in (0, n - 1):
            return (), False, log_scale
        # one parabolic step along each axis through the three grid values around the minimum
        best = (float(xs[j]), float(ys[i]), float(z[i, j]))
        step = []
        for lo, mid, hi, h in (
            (z[i, j - 1], z[i, j], z[i, j + 1], xs[1] - xs[0]),
            (z[i - 1, j], z[i, j], z[i + 1, j], ys[1] - ys[0]),
        ):
            with np.errstate(all="ignore"):  # huge or non-finite neighbours: no step, no warning
                curv = lo - 2.0 * mid + hi
                step.append(0.5 * h * (lo - hi) / curv if np.isfinite(curv) and curv > 0 else 0.0)
        x, y = best[0] + step[0], best[1] + step[1]
        refined = float(self.value(x, y))
        if refined < best[2]:
            best = (x, y, refined)
        return (Minimum(*best, kind="global"),), True, log_scale
