"""Toy 2D data sets for the MLP playground, after TensorFlow Playground's ``src/dataset.ts``.

Geometry, radii, ranges (points in about [-6, 6]^2) and noise semantics follow Playground;
``moons`` and ``blobs`` are additions drawn to the same scale. Differences from Playground:

- Noise: ``noise`` runs over [0, 1] and maps linearly onto Playground's 0..50 % slider, whose
  generators receive ``slider / 100``; so every generator uses ``pg = NOISE_TO_PLAYGROUND * noise``
  (0 <= pg <= 0.5) exactly where Playground uses its ``noise`` argument.
- Labels: Playground's -1/+1 become 0.0/1.0 floats (for binary cross-entropy); ``blobs`` has
  integer classes 0..2; regression targets are clipped to [-1, 1] (Playground's plane is not
  clamped and reaches about +-1.2 at pg = 0, more with noise).
- Odd sample counts: the first class gets the extra point, so there are exactly ``samples`` points.
- Every draw comes from the ``np.random.Generator`` passed in; the data is shuffled with it and
  split like Playground: ``n_train = floor(samples * train_ratio)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
from numpy.typing import NDArray

Task = Literal["binary", "multiclass", "regression"]
Generate = Callable[[int, float, np.random.Generator], tuple[NDArray[np.float64], NDArray]]

MIN_SAMPLES = 10
MAX_SAMPLES = 5000
NOISE_TO_PLAYGROUND = 0.5  # noise = 1.0 is Playground's maximum slider value, 50 %
TASKS: tuple[Task, ...] = ("binary", "multiclass", "regression")


@dataclass(frozen=True)
class Dataset:
    """A train/test split of 2D points with labels (0/1 float, int class, or target in [-1, 1])."""

    x_train: NDArray[np.float64]
    y_train: NDArray
    x_test: NDArray[np.float64]
    y_test: NDArray
    task: Task
    n_classes: int  # 2 for binary, K for multiclass, 0 for regression
    name: str

    @property
    def output_units(self) -> int:
        """Width of the network's output layer: K for multiclass, else 1."""
        return self.n_classes if self.task == "multiclass" else 1


@dataclass(frozen=True)
class DatasetInfo:
    """Registry entry: generator ``(samples, noise, rng) -> (x, y)``, task and menu labels."""

    generate: Generate
    task: Task
    n_classes: int
    labels: Mapping[str, str]  # {"es": ..., "en": ...}


def _split_sizes(samples: int, parts: int) -> list[int]:
    """Sizes of ``parts`` classes adding up to ``samples``; earlier classes get the remainder."""
    return [samples // parts + (1 if i < samples % parts else 0) for i in range(parts)]


def _polar(r: NDArray[np.float64], angle: NDArray[np.float64]) -> NDArray[np.float64]:
    """Playground's (r sin(angle), r cos(angle)) as an (n, 2) array."""
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


def circle(samples: int, noise: float, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Disk r < 2.5 (label 1) inside a ring 3.5 <= r <= 5 (label 0); noise moves the point at
    which the label is read by U(-5, 5) * pg per axis, so it flips labels near the gap."""
    pg = NOISE_TO_PLAYGROUND * noise
    radius = 5.0
    n_in, n_out = _split_sizes(samples, 2)
    r = np.concatenate([rng.uniform(0.0, radius * 0.5, n_in),
                        rng.uniform(radius * 0.7, radius, n_out)])
    x = _polar(r, rng.uniform(0.0, 2 * np.pi, samples))
    shifted = x + rng.uniform(-radius, radius, (samples, 2)) * pg
    y = (np.hypot(shifted[:, 0], shifted[:, 1]) < radius * 0.5).astype(np.float64)
    return x, y


def xor(samples: int, noise: float, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Uniform in [-5, 5]^2 pushed 0.3 away from the axes; label 1 where x1 * x2 >= 0 read at
    the point shifted by U(-5, 5) * pg per axis."""
    pg = NOISE_TO_PLAYGROUND * noise
    padding = 0.3
    x = rng.uniform(-5.0, 5.0, (samples, 2))
    x += np.where(x > 0, padding, -padding)
    shifted = x + rng.uniform(-5.0, 5.0, (samples, 2)) * pg
    y = (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.float64)
    return x, y


def _gauss_std(noise: float) -> float:
    """Playground's variance scale [0, 0.5] -> [0.5, 4] of pg, as a standard deviation."""
    pg = NOISE_TO_PLAYGROUND * noise
    return math.sqrt(0.5 + (4.0 - 0.5) * pg / 0.5)


def gauss(samples: int, noise: float, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Two isotropic Gaussians at (2, 2) (label 1) and (-2, -2) (label 0); noise widens them
    (variance 0.5 at pg = 0 up to 4 at pg = 0.5)."""
    std = _gauss_std(noise)
    sizes = _split_sizes(samples, 2)
    centers = np.repeat(np.array([[2.0, 2.0], [-2.0, -2.0]]), sizes, axis=0)
    x = centers + rng.normal(0.0, std, (samples, 2))
    y = np.repeat(np.array([1.0, 0.0]), sizes)
    return x, y


def spiral(samples: int, noise: float, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Two interleaved spirals r = 5 i/n, t = 1.75 * 2 pi i/n + delta (delta 0: label 1,
    delta pi: label 0), each coordinate jittered by U(-1, 1) * pg."""
    pg = NOISE_TO_PLAYGROUND * noise
    arms = []
    for n, delta in zip(_split_sizes(samples, 2), (0.0, np.pi), strict=True):
        i = np.arange(n, dtype=np.float64)
        arms.append(_polar(i / n * 5.0, 1.75 * i / n * 2 * np.pi + delta))
    x = np.concatenate(arms) + rng.uniform(-1.0, 1.0, (samples, 2)) * pg
    y = np.repeat(np.array([1.0, 0.0]), [len(a) for a in arms])
    return x, y


MOONS_SCALE = 10.0 / 3.0  # scikit-learn's moons span [-1, 2] x [-0.5, 1]: to [-5, 5] x [-2.5, 2.5]


def moons(samples: int, noise: float, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """scikit-learn's two moons (outer arc label 0, inner arc label 1), centred and scaled by
    10/3; Gaussian jitter with std 2 * pg (1.0 at the maximum), i.e. sklearn noise 0.6 * pg."""
    pg = NOISE_TO_PLAYGROUND * noise
    n_outer, n_inner = _split_sizes(samples, 2)
    t_outer = np.linspace(0.0, np.pi, n_outer)
    t_inner = np.linspace(0.0, np.pi, n_inner)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = np.column_stack([1.0 - np.cos(t_inner), 0.5 - np.sin(t_inner)])
    x = (np.concatenate([outer, inner]) - [0.5, 0.25]) * MOONS_SCALE
    x += rng.normal(0.0, 2.0 * pg, (samples, 2))
    y = np.repeat(np.array([0.0, 1.0]), [n_outer, n_inner])
    return x, y


BLOB_CENTERS = 3.5 * np.array([[math.cos(a), math.sin(a)]
                               for a in np.deg2rad([90.0, 210.0, 330.0])])


def blobs(samples: int, noise: float, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Three Gaussian classes 0, 1, 2 centred on a circle of radius 3.5 (at 90, 210, 330
    degrees), with ``gauss``'s variance scale (0.5 at pg = 0 up to 4 at pg = 0.5)."""
    sizes = _split_sizes(samples, 3)
    x = np.repeat(BLOB_CENTERS, sizes, axis=0) + rng.normal(0.0, _gauss_std(noise), (samples, 2))
    y = np.repeat(np.arange(3, dtype=np.int64), sizes)
    return x, y


def reg_plane(samples: int, noise: float, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Uniform in [-6, 6]^2; target (x1 + x2) / 10 read at the point shifted by U(-6, 6) * pg
    per axis, clipped to [-1, 1]."""
    pg = NOISE_TO_PLAYGROUND * noise
    radius = 6.0
    x = rng.uniform(-radius, radius, (samples, 2))
    shifted = x + rng.uniform(-radius, radius, (samples, 2)) * pg
    y = np.clip(shifted.sum(axis=1) / 10.0, -1.0, 1.0)
    return x, y


REG_GAUSSIANS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                          [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=np.float64)


def reg_gauss(samples: int, noise: float, rng: np.random.Generator) -> tuple[NDArray, NDArray]:
    """Uniform in [-6, 6]^2; six signed bumps sign * clip(1 - d/2, 0, 1) around ``REG_GAUSSIANS``,
    the largest in absolute value wins (first on ties), read at the point shifted by
    U(-6, 6) * pg per axis."""
    pg = NOISE_TO_PLAYGROUND * noise
    radius = 6.0
    x = rng.uniform(-radius, radius, (samples, 2))
    shifted = x + rng.uniform(-radius, radius, (samples, 2)) * pg
    d = np.linalg.norm(shifted[:, None, :] - REG_GAUSSIANS[None, :, :2], axis=2)
    bumps = REG_GAUSSIANS[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    y = bumps[np.arange(samples), np.argmax(np.abs(bumps), axis=1)]
    return x, y


def _check_size(samples: object) -> int:
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer):
        raise ValueError(f"Invalid samples: {samples!r} (must be an integer)")
    if not MIN_SAMPLES <= samples <= MAX_SAMPLES:
        raise ValueError(f"Invalid samples: {samples} (must be in [{MIN_SAMPLES}, {MAX_SAMPLES}])")
    return int(samples)


def _train_size(samples: int, train_ratio: float) -> int:
    """Playground's ``floor(samples * ratio)``; the epsilon keeps 0.29 * 100 at 29, not 28."""
    if not (isinstance(train_ratio, float | int) and 0.0 < train_ratio < 1.0):
        raise ValueError(f"Invalid train_ratio: {train_ratio!r} (must be in (0, 1))")
    n_train = math.floor(samples * train_ratio + 1e-9)
    if not 1 <= n_train <= samples - 1:
        raise ValueError(f"Invalid train_ratio: {train_ratio} (leaves {n_train} of {samples} "
                         "samples for training; each split needs at least 1)")
    return n_train


def _check_rng(rng: object) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"Invalid rng: {type(rng).__name__} (must be a numpy.random.Generator)")


def _shuffle_split(x: NDArray[np.float64], y: NDArray, n_train: int, rng: np.random.Generator,
                   task: Task, n_classes: int, name: str) -> Dataset:
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    return Dataset(x_train=x[:n_train], y_train=y[:n_train], x_test=x[n_train:],
                   y_test=y[n_train:], task=task, n_classes=n_classes, name=name)


def make_dataset(name: str, samples: int, noise: float, train_ratio: float,
                 rng: np.random.Generator) -> Dataset:
    """Generate the registered data set ``name``, shuffle it with ``rng`` and split it."""
    if name not in DATASETS:
        raise ValueError(f"Invalid name: {name!r} (must be one of: {', '.join(DATASETS)})")
    samples = _check_size(samples)
    if not (isinstance(noise, float | int) and 0.0 <= noise <= 1.0):
        raise ValueError(f"Invalid noise: {noise!r} (must be in [0, 1])")
    n_train = _train_size(samples, train_ratio)
    _check_rng(rng)
    info = DATASETS[name]
    x, y = info.generate(samples, float(noise), rng)
    return _shuffle_split(x, y, n_train, rng, info.task, info.n_classes, name)


def dataset_from_points(x: NDArray, y: NDArray, task: str, train_ratio: float,
                        rng: np.random.Generator, name: str = "csv") -> Dataset:
    """Shuffle and split user points (e.g. an uploaded CSV) under the same conventions:
    binary labels in {0, 1}, multiclass labels integers 0..K-1 (K = max + 1, at least 2),
    regression targets in [-1, 1]."""
    if task not in TASKS:
        raise ValueError(f"Invalid task: {task!r} (must be one of: {', '.join(TASKS)})")
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"Invalid x: shape {x.shape} (must be (n, 2))")
    if y.shape != (len(x),):
        raise ValueError(f"Invalid y: shape {y.shape} (must be ({len(x)},))")
    samples = _check_size(len(x))
    if not np.all(np.isfinite(x)):
        raise ValueError("Invalid x: contains NaN or infinity (must be finite)")
    if y.dtype.kind not in "biuf" or not np.all(np.isfinite(y)):
        raise ValueError("Invalid y: must be finite numbers")
    n_train = _train_size(samples, train_ratio)
    _check_rng(rng)
    if task == "binary":
        if not np.all((y == 0) | (y == 1)):
            raise ValueError("Invalid y: binary labels must be 0 or 1")
        labels, n_classes = y.astype(np.float64), 2
    elif task == "multiclass":
        if not np.all((y >= 0) & (y == np.round(y))):
            raise ValueError("Invalid y: multiclass labels must be integers >= 0")
        labels = y.astype(np.int64)
        n_classes = int(labels.max()) + 1
        if n_classes < 2:
            raise ValueError(f"Invalid y: {n_classes} class (multiclass needs at least 2)")
    else:
        if not np.all(np.abs(y) <= 1.0):
            raise ValueError("Invalid y: regression targets must be in [-1, 1]")
        labels, n_classes = y.astype(np.float64), 0
    return _shuffle_split(x, labels, n_train, rng, cast(Task, task), n_classes, name)


DATASETS: dict[str, DatasetInfo] = {
    "circle": DatasetInfo(circle, "binary", 2, {"es": "Círculo", "en": "Circle"}),
    "xor": DatasetInfo(xor, "binary", 2, {"es": "XOR", "en": "Exclusive or"}),
    "gauss": DatasetInfo(gauss, "binary", 2, {"es": "Dos gaussianas", "en": "Two Gaussians"}),
    "spiral": DatasetInfo(spiral, "binary", 2, {"es": "Espiral", "en": "Spiral"}),
    "moons": DatasetInfo(moons, "binary", 2, {"es": "Dos lunas", "en": "Two moons"}),
    "blobs": DatasetInfo(blobs, "multiclass", 3,
                         {"es": "Tres nubes (3 clases)", "en": "Three blobs (3 classes)"}),
    "reg_plane": DatasetInfo(reg_plane, "regression", 0,
                             {"es": "Plano (regresión)", "en": "Plane (regression)"}),
    "reg_gauss": DatasetInfo(reg_gauss, "regression", 0,
                             {"es": "Gaussianas (regresión)", "en": "Multi-Gaussian (regression)"}),
}


def train_size(samples: int, train_ratio: float) -> int:
    """How many of ``samples`` points the training split gets (see ``_train_size``)."""
    return _train_size(samples, train_ratio)
