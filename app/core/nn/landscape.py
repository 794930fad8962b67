"""The loss landscape of a trained network: random slices, the PCA plane of its path and linear
interpolations (Li, Xu, Taylor, Studer, Goldstein, *Visualizing the Loss Landscape of Neural
Nets*, NeurIPS 2018; Goodfellow, Vinyals, Saxe, ICLR 2015).

Every function works on flat weight vectors (:mod:`app.core.nn.flat`) and a :class:`BatchedLoss`,
so a whole grid is one batched forward pass.

Filter-normalized direction (Li et al.), drawn d ~ N(0, I) from the caller's generator: for each
Dense kernel, every column j (neuron j's incoming weights, a "filter")
    d[:, j] = d[:, j] / ||d[:, j]|| * ||θ[:, j]||
and for biases and BatchNormalization's gamma/beta, by ``bias``:
    ignore     d = 0 (Li et al.'s default)
    normalize  d = d / ||d|| * ||θ||  (per vector)
    keep       d = θ  (the parameter itself, Li et al.'s code without ``ignore='biasbn'``)
BatchNormalization's moving statistics are never moved (d = 0 there).

PCA of the path (Li et al. section 7): rows m_i = θ_i − θ_n of the trainable weights; the SVD
M = U S Vᵀ gives the directions v_1, v_2 (the first two rows of Vᵀ) and the explained-variance
ratios s_k² / Σ s². Point i projects to (m_i · v_1, m_i · v_2); its off-plane residual is
||m_i − x_i v_1 − y_i v_2||, 0 for the last point (m_n = 0). The plane's loss at point i is
L(θ_n + x_i v_1 + y_i v_2), equal to the true L(θ_i) where the residual is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from app.core.nn.batched import BatchedLoss
from app.core.nn.flat import Vector, WeightLayout

BiasMode = Literal["ignore", "normalize", "keep"]
BIAS_MODES: tuple[BiasMode, ...] = ("ignore", "normalize", "keep")
PCA_MARGIN = 0.25
"""The PCA plane spans the path's box widened on each side by ``span × PCA_MARGIN`` × its size."""
Matrix = npt.NDArray[np.float64]


def filter_normalized(layout: WeightLayout, theta: Vector, rng: np.random.Generator,
                      bias: BiasMode = "ignore") -> Vector:
    """A random direction scaled filter by filter to θ (module docstring)."""
    if bias not in BIAS_MODES:
        raise ValueError(f"Invalid bias: {bias!r} (must be one of {list(BIAS_MODES)})")
    d = rng.standard_normal(layout.size)
    for entry in layout.entries:
        part, own = d[entry.start:entry.stop], theta[entry.start:entry.stop]
        if not entry.trainable:
            part[...] = 0.0
        elif entry.filtered:
            cols, target = part.reshape(entry.shape), own.reshape(entry.shape)
            norms = np.linalg.norm(cols, axis=0)
            cols *= np.linalg.norm(target, axis=0) / np.where(norms > 0, norms, 1.0)
        elif bias == "ignore":
            part[...] = 0.0
        elif bias == "normalize":
            norm = np.linalg.norm(part)
            part *= np.linalg.norm(own) / (norm if norm > 0 else 1.0)
        else:
            part[...] = own
    return d


def axis(span: float, points: int) -> Vector:
    """``points`` values from −span to span (0 in the middle when ``points`` is odd)."""
    return np.linspace(-span, span, points)


def plane_losses(evaluate: BatchedLoss, theta: Vector, d1: Vector, d2: Vector | None,
                 alpha: Vector, beta: Vector) -> Matrix:
    """L(θ + α d1 + β d2) on the grid: shape (len(beta), len(alpha)), row-major in beta.

    The stack of grid points is built chunk by chunk (``evaluate.chunk`` rows at a time)."""
    grid_a, grid_b = np.meshgrid(alpha, beta)  # (len(beta), len(alpha))
    a, b = grid_a.ravel(), grid_b.ravel()
    out = np.empty(a.size)
    step = evaluate.chunk
    for start in range(0, a.size, step):
        stack = theta + np.outer(a[start:start + step], d1)
        if d2 is not None:
            stack += np.outer(b[start:start + step], d2)
        out[start:start + step] = evaluate(stack)
    return out.reshape(len(beta), len(alpha))


def random_slice(evaluate: BatchedLoss, theta: Vector, rng: np.random.Generator,
                 bias: BiasMode, span: float, points: int, dims: int = 2
                 ) -> tuple[Vector, Vector, Matrix]:
    """α, β and L(θ + α δ + β η) around θ: two filter-normalized directions (δ alone, β = [0],
    when ``dims`` is 1)."""
    delta = filter_normalized(evaluate.layout, theta, rng, bias)
    eta = filter_normalized(evaluate.layout, theta, rng, bias) if dims == 2 else None
    alpha = axis(span, points)
    beta = axis(span, points) if dims == 2 else np.zeros(1)
    return alpha, beta, plane_losses(evaluate, theta, delta, eta, alpha, beta)


@dataclass(frozen=True)
class PathPlane:
    """The path's top two principal directions and its projection on them."""

    directions: Matrix  # (2, P), orthonormal rows, zero on the buffers
    explained_variance: Vector  # (2,), sorted, each in [0, 1], sum ≤ 1
    coords: Matrix  # (m, 2): the projected path, last row (0, 0)
    residual: Vector  # (m,): distance of each snapshot from the plane


def pca_plane(layout: WeightLayout, snapshots: Matrix) -> PathPlane:
    """PCA of the rows θ_i − θ_n of the trainable weights (module docstring)."""
    snapshots = np.asarray(snapshots, dtype=np.float64)
    if snapshots.ndim != 2 or snapshots.shape[1] != layout.size or len(snapshots) < 2:
        raise ValueError(f"Invalid snapshots shape: {snapshots.shape} "
                         f"(must be (m ≥ 2, {layout.size}))")
    mask = layout.trainable_mask()
    rows = (snapshots - snapshots[-1])[:, mask]
    if not np.all(np.isfinite(rows)):
        raise ValueError("Invalid snapshots: not finite (cut the path before divergence)")
    scale = float(np.abs(rows).max()) or 1.0  # SVD of the rescaled rows: no overflow
    _, s, vt = np.linalg.svd(rows / scale, full_matrices=False)
    top = np.zeros((2, int(mask.sum())))
    top[:len(vt[:2])] = vt[:2]
    energy = s * s
    total = float(energy.sum())
    ratios = np.zeros(2)
    if total > 0:
        ratios[:min(2, len(s))] = np.clip(energy[:2] / total, 0.0, 1.0)
    coords = rows @ top.T
    residual = np.linalg.norm(rows - coords @ top, axis=1)
    residual[-1] = 0.0  # θ_n − θ_n is exactly 0; keep the rounding out
    coords[-1] = 0.0
    directions = np.zeros((2, layout.size))
    directions[:, mask] = top
    return PathPlane(directions, ratios, coords, residual)


def pca_axes(coords: Matrix, span: float, points: int) -> tuple[Vector, Vector]:
    """Grid axes over the path's box widened by ``span × PCA_MARGIN`` of its size per side
    (a path of no extent gets a box of ±span)."""
    axes = []
    for k in range(2):
        lo, hi = float(coords[:, k].min()), float(coords[:, k].max())
        size = hi - lo
        if not (np.isfinite(size) and size > 0):
            lo, hi, size = -span, span, 0.0
        pad = span * PCA_MARGIN * size
        axes.append(np.linspace(lo - pad, hi + pad, points))
    return axes[0], axes[1]


def path_honesty(evaluate: BatchedLoss, snapshots: Matrix, plane: PathPlane
                 ) -> tuple[Vector, Vector]:
    """The true loss L(θ_i) of each snapshot (its trainable weights with θ_n's moving
    statistics) and the plane's loss at its projected point."""
    theta = snapshots[-1]
    mask = evaluate.layout.trainable_mask()
    true_points = np.where(mask, snapshots, theta)
    on_plane = theta + plane.coords @ plane.directions
    return evaluate(true_points), evaluate(on_plane)


def interpolation(evaluate: BatchedLoss, theta_a: Vector, theta_b: Vector,
                  alpha: Vector) -> Vector:
    """L((1 − α) θ_a + α θ_b): every weight interpolated, the moving statistics included, so
    α = 0 is network a and α = 1 network b exactly."""
    alpha = np.asarray(alpha, dtype=np.float64)
    return evaluate(np.outer(1.0 - alpha, theta_a) + np.outer(alpha, theta_b))
