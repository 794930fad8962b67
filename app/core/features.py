"""Input features of the MLP playground, as in TensorFlow Playground's ``INPUTS`` map.

Each feature is a vectorized function of the (n, 2) points ``p`` (columns x1, x2) returning
one column; ``transform`` stacks the chosen ones in the order given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Points = NDArray[np.float64]


@dataclass(frozen=True)
class Feature:
    """One input feature: a display label, a function of the (n, 2) points, and the same
    function as NumPy code of the columns ``x1`` and ``x2`` (what the page's code shows)."""

    label: str
    fn: Callable[[Points], NDArray[np.float64]]
    code: str


def transform(points: NDArray, names: Sequence[str]) -> NDArray[np.float64]:
    """Map (n, 2) points to the (n, len(names)) matrix of the named features, in that order."""
    if isinstance(names, str):
        raise ValueError(f"Invalid names: {names!r} (must be a sequence of feature names, "
                         "not a single string)")
    names = list(names)
    if not names:
        raise ValueError(f"Invalid names: [] (must name at least one of: {', '.join(FEATURES)})")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"Invalid names: unknown {unknown} (must be among: {', '.join(FEATURES)})")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"Invalid names: duplicated {duplicates} (each feature at most once)")
    p = np.asarray(points, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"Invalid points: shape {p.shape} (must be (n, 2))")
    return np.column_stack([FEATURES[n].fn(p) for n in names]).reshape(len(p), len(names))


DEFAULT_FEATURES: tuple[str, ...] = ("x1", "x2")  # Playground's starting inputs

FEATURES: dict[str, Feature] = {
    "x1": Feature("x₁", lambda p: p[:, 0], "x1"),
    "x2": Feature("x₂", lambda p: p[:, 1], "x2"),
    "x1_sq": Feature("x₁²", lambda p: p[:, 0] ** 2, "x1 ** 2"),
    "x2_sq": Feature("x₂²", lambda p: p[:, 1] ** 2, "x2 ** 2"),
    "x1x2": Feature("x₁x₂", lambda p: p[:, 0] * p[:, 1], "x1 * x2"),
    "sin_x1": Feature("sin(x₁)", lambda p: np.sin(p[:, 0]), "np.sin(x1)"),
    "sin_x2": Feature("sin(x₂)", lambda p: np.sin(p[:, 1]), "np.sin(x2)"),
}
