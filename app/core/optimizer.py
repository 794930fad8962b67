"""Optimizer base class, modelled on Keras 3 `BaseOptimizer`.

The base owns the step counter, the learning rate (float, array or schedule), gradient clipping
and Keras' decoupled weight decay; a subclass writes only `update_step` and creates its slots
lazily. One code path steps a 2-vector, a batch of independent runs (the leading `run_axes` axes
index runs, e.g. params of shape (10000, 2)) and every weight of a network (a list of arrays).

Per call of `apply(grads, params)`, as in Keras `_backend_apply_gradients`:
    lr = schedule(iterations) or the constant learning_rate   (iterations == 0 on the 1st call)
    grads = clip(grads)                         (clipvalue | clipnorm | global_clipnorm)
    param -= param * weight_decay * lr          (if weight_decay is set)
    update_step(g, param, slots, lr)            (for every param)
    iterations += 1

Hyperparameters may be floats or arrays. An array broadcasts against each param like NumPy, except
one with at most `run_axes` dimensions, which is read as one value per run (leading axes) and
applies to every param of that run: with run_axes=1, a learning_rate of shape (R,) scales the
(R, 2, 8) kernel and the (R, 8) bias of run r by learning_rate[r].
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from app.core.bound import Bound
from app.core.schedules import SCHEDULES, Schedule, Value, check_number

Array = NDArray[np.floating[Any]]
Hyper = Array | np.floating[Any]
"""A hyperparameter cast to a param's dtype and aligned to its shape."""
LearningRate = float | NDArray[np.float64] | Callable[[int], Value]

BASE_BOUNDS: Mapping[str, Bound] = MappingProxyType({
    "learning_rate": Bound(gt=0),
    "weight_decay": Bound(ge=0),
    "clipnorm": Bound(gt=0),
    "clipvalue": Bound(gt=0),
    "global_clipnorm": Bound(gt=0),
})
"""The bounds of the hyperparameters every optimizer takes (Keras' BaseOptimizer checks)."""

FLAGS = frozenset({"nesterov", "amsgrad", "centered"})
NULLABLE = frozenset({"weight_decay", "clipnorm", "clipvalue", "global_clipnorm"})
CLIP_ARGS = ("clipnorm", "clipvalue", "global_clipnorm")


class Optimizer:
    """Base of every optimizer: steps, learning rate, clipping, weight decay."""

    hyperparameter_names: ClassVar[tuple[str, ...]] = ()
    """The subclass's own hyperparameters (constructor kwargs after learning_rate)."""
    bounds: ClassVar[Mapping[str, Bound]] = MappingProxyType({})
    """The interval of each numeric hyperparameter of the subclass (flags have none)."""

    learning_rate: LearningRate
    weight_decay: Value | None
    clipnorm: Value | None
    clipvalue: Value | None
    global_clipnorm: Value | None

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        weight_decay: Value | None = None,
        clipnorm: Value | None = None,
        clipvalue: Value | None = None,
        global_clipnorm: Value | None = None,
        run_axes: int = 0,
    ) -> None:
        if isinstance(run_axes, bool) or not isinstance(run_axes, int) or run_axes < 0:
            raise ValueError(f"Invalid run_axes: {run_axes!r} (must be an int >= 0)")
        self.run_axes = run_axes
        self.iterations = 0
        self._slots: list[dict[str, Array]] | None = None
        self._shapes: list[tuple[int, ...]] = []
        self.learning_rate = 0.0
        self.weight_decay = self.clipnorm = self.clipvalue = self.global_clipnorm = None
        self.set_hyperparameters(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
        )

    # ----------------------------------------------------------------- hyperparameters

    def set_hyperparameters(self, **kwargs: Any) -> None:
        """Change hyperparameters (validated as in __init__), keeping slots and iterations."""
        allowed = ("learning_rate", "weight_decay", *CLIP_ARGS, *self.hyperparameter_names)
        checked: dict[str, Any] = {}
        for name, value in kwargs.items():
            if name not in allowed:
                raise ValueError(f"Invalid hyperparameter for {type(self).__name__}: {name!r}")
            checked[name] = self._validate(name, value)
        clips = {c: checked.get(c, getattr(self, c)) for c in CLIP_ARGS}
        if sum(v is not None for v in clips.values()) > 1:
            raise ValueError(
                "Only one of clipnorm, clipvalue and global_clipnorm can be set. Received: "
                + ", ".join(f"{k}={v!r}" for k, v in clips.items())
            )
        for name, value in checked.items():
            setattr(self, name, value)

    @classmethod
    def all_bounds(cls) -> dict[str, Bound]:
        """The bound of every numeric hyperparameter: the base's and the subclass's own."""
        return {**BASE_BOUNDS, **cls.bounds}

    @classmethod
    def _validate(cls, name: str, value: Any) -> Any:
        if value is None and name in NULLABLE:
            return None
        if name in FLAGS:
            if not isinstance(value, bool | np.bool_):
                raise ValueError(f"Invalid {name}: {value!r} (must be a bool)")
            return bool(value)
        if name == "learning_rate" and callable(value):
            return value
        bound = cls.bounds.get(name) or BASE_BOUNDS[name]
        return check_number(name, value, bound.contains, bound.text())

    def current_learning_rate(self) -> Value:
        """The learning rate that the next `apply()` will use (schedule at `iterations`)."""
        lr = self.learning_rate
        return lr(self.iterations) if callable(lr) else lr

    def get_config(self) -> dict[str, Any]:
        """Keras-style constructor kwargs; a Schedule as {"class_name", "config"} like Keras."""
        lr: Any = self.learning_rate
        if isinstance(lr, Schedule):
            lr = {"class_name": type(lr).__name__, "config": lr.get_config()}
        config: dict[str, Any] = {"learning_rate": lr}
        config.update({name: getattr(self, name) for name in self.hyperparameter_names})
        config.update({name: getattr(self, name) for name in ("weight_decay", *CLIP_ARGS)})
        config["run_axes"] = self.run_axes
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Optimizer:
        """Inverse of `get_config` (a fresh optimizer: no slots, iterations = 0)."""
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            by_class = {c.__name__: c for c in SCHEDULES.values()}
            config["learning_rate"] = by_class[lr["class_name"]].from_config(lr["config"])
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if v is not None)
        return f"{type(self).__name__}({args})"

    # ----------------------------------------------------------------- stepping

    def apply(self, grads: Sequence[NDArray[Any]], params: Sequence[Array]) -> None:
        """Update `params` in place from `grads`; slots are keyed by position in the list."""
        if len(grads) != len(params):
            raise ValueError(f"Got {len(grads)} gradients for {len(params)} params")
        if self._slots is None:
            self._slots = [{} for _ in params]
            self._shapes = [np.shape(p) for p in params]
        if len(params) != len(self._slots):
            raise ValueError(
                f"Got {len(params)} params; this optimizer was built on {len(self._slots)}"
            )
        cast_grads: list[Array] = []
        for i, (g, p) in enumerate(zip(grads, params, strict=True)):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise TypeError(f"params[{i}] must be a float ndarray (updated in place)")
            if p.shape != self._shapes[i]:
                raise ValueError(
                    f"params[{i}] has shape {p.shape}; this optimizer was built on "
                    f"{self._shapes[i]}"
                )
            if not (isinstance(g, np.ndarray) and g.dtype == p.dtype):
                g = np.asarray(g, dtype=p.dtype)  # Keras: ops.cast(gradient, variable.dtype)
            if g.shape != p.shape:
                raise ValueError(f"grads[{i}] has shape {g.shape}, params[{i}] {p.shape}")
            cast_grads.append(g)

        lr = self.current_learning_rate()
        cast_grads = self.clip_gradients(cast_grads)
        if self.weight_decay is not None:
            for p in params:
                p -= p * self._cast(self.weight_decay, p) * self._cast(lr, p)
        self._begin_step(params)
        for g, p, slots in zip(cast_grads, params, self._slots, strict=True):
            self.update_step(g, p, slots, self._cast(lr, p))
        self.iterations += 1

    def slot_values(self, index: int = 0) -> dict[str, Array]:
        """A copy of the slots of param `index`, under Keras' variable names (``momentum``,
        ``velocity``…, as each `update_step` creates them); empty before the first `apply`."""
        if self._slots is None:
            return {}
        return {name: slot.copy() for name, slot in self._slots[index].items()}

    def update_step(self, grad: Array, param: Array, slots: dict[str, Array], lr: Hyper) -> None:
        """Update `param` (and its `slots`) in place from `grad`; lr already cast and aligned."""
        raise NotImplementedError

    def _begin_step(self, params: Sequence[Array]) -> None:
        """Hook run once per step before the per-param updates (Nadam's u_product)."""

    # ----------------------------------------------------------------- helpers

    def _cast(self, value: Value, param: Array) -> Hyper:
        """`value` in `param`'s dtype (Keras `ops.cast`), per-run arrays aligned on leading axes."""
        if isinstance(value, np.ndarray):
            a = value.astype(param.dtype, copy=False)
            if 0 < a.ndim <= self.run_axes and a.ndim < param.ndim:
                a = a.reshape(a.shape + (1,) * (param.ndim - a.ndim))
            return a
        return param.dtype.type(value)

    @staticmethod
    def _slot(slots: dict[str, Array], name: str, param: Array, fill: Hyper | float = 0.0) -> Array:
        """The slot `name` of a param, created on first use as an array like `param` of `fill`."""
        slot = slots.get(name)
        if slot is None:
            slot = np.zeros_like(param)
            slot += fill
            slots[name] = slot
        return slot

    def _run_norm_axes(self, g: Array) -> tuple[int, ...]:
        return tuple(range(self.run_axes, g.ndim))

    def clip_gradients(self, grads: list[Array]) -> list[Array]:
        """Keras `_clip_gradients`, with norms over the non-run axes (each run on its own): the
        gradients `apply` hands to `update_step` (they depend on nothing but `grads`)."""
        if self.clipnorm is not None:
            out = []
            for g in grads:
                # Keras _clip_by_norm: g * clipnorm / max(||g||, clipnorm), ||g|| = 0 safe;
                # written as g * min(1, clipnorm / ||g||) so that clipnorm = inf means no clip.
                sq = np.sum(g * g, axis=self._run_norm_axes(g), keepdims=True)
                norm = np.sqrt(sq)
                c = self._cast(self.clipnorm, g)
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(norm > 0, c / norm, np.inf)
                out.append(g * np.minimum(ratio, 1).astype(g.dtype, copy=False))
            return out
        if self.global_clipnorm is not None:
            # Keras clip_by_global_norm: scale = min(1, c / global_norm), NaN for a non-finite norm.
            run_shape = grads[0].shape[: self.run_axes]
            sq_total = sum(np.sum(g * g, axis=self._run_norm_axes(g)) for g in grads)
            norm = np.sqrt(np.asarray(sq_total))
            c = self._per_run(self.global_clipnorm, norm.dtype)
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.minimum(np.where(norm > 0, c / norm, np.inf), 1) + (norm - norm)
            scale = np.broadcast_to(scale, run_shape)
            return [
                g * scale.reshape(run_shape + (1,) * (g.ndim - self.run_axes)).astype(g.dtype)
                for g in grads
            ]
        if self.clipvalue is not None:
            out = []
            for g in grads:
                v = self._cast(self.clipvalue, g)
                out.append(np.clip(g, -v, v))
            return out
        return grads

    def _per_run(self, value: Value, dtype: np.dtype[Any]) -> NDArray[Any]:
        """A global_clipnorm value broadcastable against the run shape (trailing 1-axes dropped)."""
        a = np.asarray(value, dtype=dtype)
        while a.ndim > self.run_axes:
            if a.shape[-1] != 1:
                raise ValueError(
                    f"global_clipnorm of shape {a.shape} does not give one value per run "
                    f"(run_axes={self.run_axes})"
                )
            a = a[..., 0]
        if 0 < a.ndim < self.run_axes:
            a = a.reshape(a.shape + (1,) * (self.run_axes - a.ndim))
        return a
