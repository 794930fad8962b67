"""The activation lab: f and f′ of each chosen activation on a grid over [−6, 6], and a
Gaussian N(μ, σ) pushed through each one.

The Gaussian is represented by its quantiles x_i = μ + σ·Φ⁻¹((i + ½) / N), i = 0 … N − 1 with
N = DISTRIBUTION_POINTS: there is no random draw, and every fraction is the Gaussian's own up to
1/N. Of the outputs a = f(x), per activation:
    histogram        HISTOGRAM_BINS counts over bin_edges, the same bins for every activation
                     (from the smallest to the largest output of any of them)
    mean, std        of a
    saturated        fraction with |f′(x)| < SATURATED_SLOPE (the initializer lab's threshold)
    dead             fraction with f′(x) = 0 (no gradient passes at all)
f and f′ come from ``activation_curves``, the objects the network's layers use.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import ndtri

from app.jobs.activation_curves import activation_curves
from app.jobs.init_propagation import SATURATED_SLOPE
from app.schema.labs import ActivationLab

CURVE_RANGE = (-6.0, 6.0)
CURVE_POINTS = 481  # a step of 0.025
DISTRIBUTION_POINTS = 10_000
HISTOGRAM_BINS = 60


def gaussian_quantiles(mean: float, std: float, n: int = DISTRIBUTION_POINTS) -> np.ndarray:
    """The n quantiles μ + σ·Φ⁻¹((i + ½)/n) of N(μ, σ²), in increasing order."""
    return mean + std * ndtri((np.arange(n) + 0.5) / n)


def activation_lab(lab: ActivationLab) -> dict[str, Any]:
    """``{"x", "bin_edges", "activations": [{"name", "f", "df", "histogram", "mean", "std",
    "saturated", "dead"}, …]}`` in the lab's order."""
    x = np.linspace(*CURVE_RANGE, CURVE_POINTS)
    z = gaussian_quantiles(lab.mean, lab.std)
    outputs = []
    for name in lab.activations:
        config = lab.config(name)
        curve = activation_curves(config, x.tolist())
        pushed = activation_curves(config, z.tolist())
        outputs.append((name, curve, np.asarray(pushed["f"]), np.asarray(pushed["df"])))
    lo = min(float(a.min()) for *_, a, _ in outputs)
    hi = max(float(a.max()) for *_, a, _ in outputs)
    if hi - lo < 1e-9:  # every output the same value (e.g. relu of a negative Gaussian)
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, HISTOGRAM_BINS + 1)
    entries = []
    for name, curve, a, da in outputs:
        counts, _ = np.histogram(a, bins=edges)
        entries.append({
            "name": name, "f": curve["f"], "df": curve["df"],
            "histogram": counts.astype(int).tolist(), "mean": float(a.mean()),
            "std": float(a.std()), "saturated": float(np.mean(np.abs(da) < SATURATED_SLOPE)),
            "dead": float(np.mean(da == 0.0)),
        })
    return {"x": x.tolist(), "bin_edges": edges.tolist(), "activations": entries}
