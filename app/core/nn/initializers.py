"""Weight initializers with Keras 3 names, defaults and formulas (``keras.initializers``).

Call signature: ``initializer(shape, rng, dtype) -> array``. Every draw comes from the explicit
``np.random.Generator``; samples are drawn in float64 and then cast, so one seed gives the same
network (up to rounding) in float32 and float64.

VarianceScaling (all Glorot/He/LeCun variants are presets of it), with ``fan_in, fan_out`` from
``compute_fans(shape)``:
    n = fan_in | fan_out | (fan_in + fan_out) / 2      (mode; n = max(1, n))
    truncated_normal:   stddev = sqrt(scale / n) / 0.87962566103423978, cut at +-2 stddev
    untruncated_normal: stddev = sqrt(scale / n)
    uniform:            limit = sqrt(3 * scale / n), U(-limit, limit)
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from app.core.nn.activations import FloatArray
from app.core.nn.registry import from_registry

# Standard deviation of a standard normal truncated to [-2, 2] (Keras' constant).
TRUNCATED_STDDEV_FACTOR = 0.87962566103423978
MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` as Keras' ``compute_fans``: a Dense kernel (in, out) -> (in, out)."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


def truncated_normal(
    shape: tuple[int, ...], rng: np.random.Generator, mean: float, stddev: float
) -> npt.NDArray[np.float64]:
    """Normal(mean, stddev) with every sample beyond 2 stddev redrawn (as Keras/TF)."""
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2.0
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2.0
    return mean + stddev * z


class Initializer:
    """Base class: ``__call__(shape, rng, dtype)`` returns a new array of that shape and dtype."""

    name: ClassVar[str] = ""

    def __call__(
        self, shape: tuple[int, ...], rng: np.random.Generator, dtype: npt.DTypeLike = np.float32
    ) -> FloatArray:
        return self.sample(tuple(shape), rng).astype(dtype, copy=False)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> npt.NDArray[np.float64]:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """``{"name": <registry and Keras string name>, **Keras constructor arguments}``."""
        return {"name": self.name}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{self.name}({args})" if args else self.name


class Zeros(Initializer):
    """All zeros (Keras ``zeros``)."""

    name = "zeros"

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> npt.NDArray[np.float64]:
        return np.zeros(shape)


class Ones(Initializer):
    """All ones (Keras ``ones``)."""

    name = "ones"

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> npt.NDArray[np.float64]:
        return np.ones(shape)


class Constant(Initializer):
    """Every entry equal to ``value`` (Keras ``constant``, default 0.0)."""

    name = "constant"

    def __init__(self, value: float = 0.0) -> None:
        self.value = float(value)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> npt.NDArray[np.float64]:
        return np.full(shape, self.value)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value}


def _check_stddev(stddev: float) -> float:
    if not stddev > 0.0:
        raise ValueError(f"Invalid stddev: {stddev} (must be > 0)")
    return float(stddev)


class RandomNormal(Initializer):
    """w ~ Normal(mean, stddev); Keras defaults mean=0.0, stddev=0.05."""

    name = "random_normal"

    def __init__(self, mean: float = 0.0, stddev: float = 0.05) -> None:
        self.mean = float(mean)
        self.stddev = _check_stddev(stddev)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> npt.NDArray[np.float64]:
        return self.mean + self.stddev * rng.standard_normal(shape)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomNormal):
    """w ~ Normal(mean, stddev) truncated to mean +- 2*stddev; Keras defaults 0.0, 0.05."""

    name = "truncated_normal"

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> npt.NDArray[np.float64]:
        return truncated_normal(shape, rng, self.mean, self.stddev)


class RandomUniform(Initializer):
    """w ~ Uniform(minval, maxval); Keras defaults -0.05, 0.05."""

    name = "random_uniform"

    def __init__(self, minval: float = -0.05, maxval: float = 0.05) -> None:
        if not maxval > minval:
            raise ValueError(f"Invalid maxval: {maxval} (must be > minval={minval})")
        self.minval = float(minval)
        self.maxval = float(maxval)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> npt.NDArray[np.float64]:
        return rng.uniform(self.minval, self.maxval, shape)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "minval": self.minval, "maxval": self.maxval}


class VarianceScaling(Initializer):
    """Keras VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal").

    n = {fan_in, fan_out, (fan_in + fan_out) / 2}[mode], s = scale / max(1, n);
    truncated_normal: stddev = sqrt(s) / 0.87962566103423978 cut at +-2 stddev;
    untruncated_normal: stddev = sqrt(s);  uniform: limit = sqrt(3 * s).
    """

    name = "variance_scaling"

    def __init__(
        self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal"
    ) -> None:
        if not scale > 0.0:
            raise ValueError(f"Invalid scale: {scale} (must be > 0)")
        if mode not in MODES:
            raise ValueError(f"Invalid mode: {mode!r} (must be one of {list(MODES)})")
        distribution = distribution.lower()
        if distribution == "normal":  # Keras' legacy alias
            distribution = "truncated_normal"
        if distribution not in DISTRIBUTIONS:
            raise ValueError(
                f"Invalid distribution: {distribution!r} (must be one of {list(DISTRIBUTIONS)})"
            )
        self.scale = float(scale)
        self.mode = mode
        self.distribution = distribution

    def variance(self, shape: tuple[int, ...]) -> float:
        """Target variance s = scale / max(1, n) of the drawn weights."""
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return self.scale / max(1.0, n)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> npt.NDArray[np.float64]:
        s = self.variance(shape)
        if self.distribution == "truncated_normal":
            return truncated_normal(shape, rng, 0.0, math.sqrt(s) / TRUNCATED_STDDEV_FACTOR)
        if self.distribution == "untruncated_normal":
            return math.sqrt(s) * rng.standard_normal(shape)
        limit = math.sqrt(3.0 * s)
        return rng.uniform(-limit, limit, shape)

    def get_config(self) -> dict[str, Any]:
        if type(self) is not VarianceScaling:  # presets take no arguments in Keras
            return {"name": self.name}
        return {
            "name": self.name,
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
        }


class GlorotNormal(VarianceScaling):
    """VarianceScaling(scale=1.0, mode="fan_avg", distribution="truncated_normal")."""

    name = "glorot_normal"

    def __init__(self) -> None:
        super().__init__(1.0, "fan_avg", "truncated_normal")


class GlorotUniform(VarianceScaling):
    """VarianceScaling(scale=1.0, mode="fan_avg", distribution="uniform"); Keras' Dense default."""

    name = "glorot_uniform"

    def __init__(self) -> None:
        super().__init__(1.0, "fan_avg", "uniform")


class HeNormal(VarianceScaling):
    """VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal")."""

    name = "he_normal"

    def __init__(self) -> None:
        super().__init__(2.0, "fan_in", "truncated_normal")


class HeUniform(VarianceScaling):
    """VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform")."""

    name = "he_uniform"

    def __init__(self) -> None:
        super().__init__(2.0, "fan_in", "uniform")


class LecunNormal(VarianceScaling):
    """VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal")."""

    name = "lecun_normal"

    def __init__(self) -> None:
        super().__init__(1.0, "fan_in", "truncated_normal")


class LecunUniform(VarianceScaling):
    """VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform")."""

    name = "lecun_uniform"

    def __init__(self) -> None:
        super().__init__(1.0, "fan_in", "uniform")


INITIALIZERS: dict[str, type[Initializer]] = {
    cls.name: cls
    for cls in (
        Zeros,
        Ones,
        Constant,
        RandomNormal,
        RandomUniform,
        TruncatedNormal,
        GlorotNormal,
        GlorotUniform,
        HeNormal,
        HeUniform,
        LecunNormal,
        LecunUniform,
        VarianceScaling,
    )
}


NOT_OFFERED: dict[str, str] = {
    "constant": "needs a value the menu does not ask for (zeros and ones are offered)",
    "truncated_normal": "the fixed-stddev truncated normal; the menu offers the scaled ones "
                        "(variance_scaling with distribution truncated_normal, he_normal …)",
}
"""Registry names the layer menu leaves out, each with its reason."""
OFFERED_INITIALIZERS: tuple[str, ...] = tuple(n for n in INITIALIZERS if n not in NOT_OFFERED)
"""What a layer's kernel_initializer may be (the schema's ``InitializerName``)."""


def make_initializer(spec: str | dict[str, Any] | Initializer) -> Initializer:
    """An initializer from a name, a ``{"name": ..., **kwargs}`` config or an instance.

    ``make_initializer(init.get_config())`` rebuilds an equal initializer.
    """
    if isinstance(spec, Initializer):
        return spec
    return from_registry(INITIALIZERS, spec, "initializer")
