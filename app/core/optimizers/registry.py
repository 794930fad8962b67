"""The optimizer catalogue: registry name -> one frozen entry carrying everything about it.

The schema's ``OptimizerName``, its bounds, the served catalogue (menus, sliders, update-rule
cards, colours), the default race and the exports all read ``OPTIMIZERS``. Adding an optimizer
is its class and one entry here (plus its two catalog strings and its exporter).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any

from app.core.bound import Bound
from app.core.optimizer import CLIP_ARGS, Optimizer
from app.core.optimizers.adam import Adam, Adamax, AdamW, Nadam
from app.core.optimizers.adaptive import Adagrad, RMSprop
from app.core.optimizers.lion import Lion
from app.core.optimizers.sgd import SGD


@dataclass(frozen=True)
class OptimizerEntry:
    """One optimizer as the app knows it (Keras keeps these facts on the class)."""

    name: str
    """Registry key, the same string in Python, JSON, links and the DOM (``"momentum"``)."""
    factory: Callable[..., Optimizer]
    """Builds the optimizer; presets applied (``partial(SGD, momentum=0.9)``)."""
    keras_class: str
    """The ``keras.optimizers`` class it reproduces (``"SGD"``)."""
    defaults: Mapping[str, float | bool | None]
    """Keras default of each hyperparameter it takes, learning_rate included (presets applied,
    clipping excluded)."""
    bounds: Mapping[str, Bound]
    """The interval of each numeric hyperparameter in ``defaults``."""
    update_rule: str
    """The rule as plain-text lines (g gradient, η learning rate, t step)."""
    page_learning_rate: float
    """The surface page's default rate for it."""
    colour: str
    """Its line colour on the pages, ``#rrggbb``."""
    in_default_race: bool
    """Whether a fresh surface page races it."""


def _entry(name: str, cls: type[Optimizer], update_rule: str, page_learning_rate: float,
           colour: str, in_default_race: bool = False, **presets: Any) -> OptimizerEntry:
    factory: Callable[..., Optimizer] = partial(cls, **presets) if presets else cls
    config = factory().get_config()
    defaults = {k: v for k, v in config.items() if k not in (*CLIP_ARGS, "run_axes")}
    bounds = cls.all_bounds()
    return OptimizerEntry(
        name=name, factory=factory, keras_class=cls.__name__,
        defaults=MappingProxyType(defaults),
        bounds=MappingProxyType({k: bounds[k] for k in defaults if k in bounds}),
        update_rule=update_rule, page_learning_rate=page_learning_rate, colour=colour,
        in_default_race=in_default_race,
    )


_ADAM_RULE = """\
α = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)
m ← m + (1 − β₁)·(g − m)
v ← v + (1 − β₂)·(g² − v)
θ ← θ − α·m / (√v + ε)"""

# Page learning rates: chosen so each optimizer tells the lecture's story on Rosenbrock in 500
# steps: SGD is slow and steady, momentum and Nesterov glide down the valley, Nadam arrives,
# Adam/AdamW/RMSProp get close, AdaGrad stops early. Lion moves every coordinate by exactly η per
# step, so it zigzags in the valley. The default race is four of them, well separated on that
# surface and in four distinct hues (black, orange, wine, blue), readable on a projector: SGD,
# Momentum, RMSprop and Adam; the others are one click away ("add optimizer").
# Colours: Okabe–Ito (minus yellow, too faint on a pale contour) plus Tol's wine, olive and
# indigo, distinct under the common colour-vision deficiencies.
_ENTRIES = (
    _entry("sgd", SGD, "θ ← θ − η·g", 0.001, "#000000", in_default_race=True),
    _entry("momentum", SGD, "m ← μ·m − η·g\nθ ← θ + m", 0.0005, "#E69F00",
           in_default_race=True, momentum=0.9),
    _entry("nesterov", SGD, "m ← μ·m − η·g\nθ ← θ + μ·m − η·g", 0.0005, "#56B4E9",
           momentum=0.9, nesterov=True),
    _entry("adagrad", Adagrad, "s ← s + g²   (s₀ = 0.1)\nθ ← θ − η·g / √(s + ε)", 0.1, "#009E73"),
    _entry("rmsprop", RMSprop, "v ← ρ·v + (1 − ρ)·g²\nθ ← θ − η·g / √(v + ε)", 0.1, "#882255",
           in_default_race=True),
    _entry("adam", Adam, _ADAM_RULE, 0.1, "#0072B2", in_default_race=True),
    _entry("adamax", Adamax,
           "m ← m + (1 − β₁)·(g − m)\nu ← max(β₂·u, |g|)\nθ ← θ − η·m / ((1 − β₁ᵗ)·(u + ε))",
           0.5, "#999933"),
    _entry("nadam", Nadam,
           "μₜ = β₁·(1 − ½·0.96ᵗ),  Πₜ = μ₁·…·μₜ\n"
           "m ← m + (1 − β₁)·(g − m),  v ← v + (1 − β₂)·(g² − v)\n"
           "m̂ = μₜ₊₁·m / (1 − Πₜ·μₜ₊₁) + (1 − μₜ)·g / (1 − Πₜ),  v̂ = v / (1 − β₂ᵗ)\n"
           "θ ← θ − η·m̂ / (√v̂ + ε)", 0.1, "#CC79A7"),
    _entry("adamw", AdamW, "θ ← θ − η·λ·θ   (decoupled weight decay)\n" + _ADAM_RULE, 0.1,
           "#D55E00"),
    _entry("lion", Lion, "c ← sign(β₁·m + (1 − β₁)·g)\nθ ← θ − η·c\nm ← β₂·m + (1 − β₂)·g",
           0.01, "#332288"),
)

OPTIMIZERS: Mapping[str, OptimizerEntry] = MappingProxyType({e.name: e for e in _ENTRIES})
"""Registry name -> its entry; the page's menus and the schema's names are built from it."""

KERAS_CLASS: Mapping[str, str] = MappingProxyType({n: e.keras_class for n, e in OPTIMIZERS.items()})
DEFAULTS: Mapping[str, Mapping[str, float | bool | None]] = MappingProxyType({n: e.defaults for n, e in OPTIMIZERS.items()})  # noqa: E501
UPDATE_RULES: Mapping[str, str] = MappingProxyType({n: e.update_rule for n, e in OPTIMIZERS.items()})  # noqa: E501
"""Read-only views of ``OPTIMIZERS`` (name -> Keras class, defaults, update rule)."""


def build_optimizer(name: str, **kwargs: Any) -> Optimizer:
    """``OPTIMIZERS[name].factory(**kwargs)``; ValueError naming the choices for an unknown name."""
    if name not in OPTIMIZERS:
        raise ValueError(f"Invalid optimizer: {name!r} (must be one of {', '.join(OPTIMIZERS)})")
    return OPTIMIZERS[name].factory(**kwargs)
