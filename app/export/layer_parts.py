"""The parts of a layer in both scripts: one exporter table per core registry.

``ACTIVATION_EXPORTS``, ``INITIALIZER_EXPORTS``, ``REGULARIZER_EXPORTS`` and
``CONSTRAINT_EXPORTS`` are keyed by the core registry names (``app.core.nn.activations``,
``initializers``, ``regularizers``, ``constraints``); each entry says how Keras and torch write
the part. A name missing here raises ``MissingExporter`` (and the export tests fail).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.nn.activations import ActivationFunction
from app.core.nn.constraints import Constraint
from app.core.nn.initializers import Initializer, make_initializer
from app.core.nn.regularizers import L1L2
from app.export.payload import SCRIPT_LANGUAGE, literal, py_float
from app.export.render import ExportTable
from app.i18n.catalog import translate


@dataclass(frozen=True)
class ActivationExport:
    """Keras' activation string; the torch module (None: no module, the identity)."""

    keras: str
    torch: str | None


ACTIVATION_EXPORTS = ExportTable("activation", "app.export.layer_parts.ACTIVATION_EXPORTS", {
    "linear": ActivationExport("linear", None),
    "sigmoid": ActivationExport("sigmoid", "nn.Sigmoid()"),
    "tanh": ActivationExport("tanh", "nn.Tanh()"),
    "relu": ActivationExport("relu", "nn.ReLU()"),
    # Keras 3's default negative_slope (torch's is 0.01)
    "leaky_relu": ActivationExport("leaky_relu", "nn.LeakyReLU(0.2)"),
    "elu": ActivationExport("elu", "nn.ELU()"),
    "selu": ActivationExport("selu", "nn.SELU()"),
    # exact erf form, Keras' default approximate=False
    "gelu": ActivationExport("gelu", "nn.GELU()"),
    "swish": ActivationExport("swish", "nn.SiLU()"),
    "silu": ActivationExport("silu", "nn.SiLU()"),
    "softplus": ActivationExport("softplus", "nn.Softplus()"),
    "mish": ActivationExport("mish", "nn.Mish()"),
    "softmax": ActivationExport("softmax", "nn.Softmax(dim=-1)"),
})


def activation_export(activation: ActivationFunction) -> ActivationExport:
    """The exporter of a core activation (only default arguments are exportable)."""
    config = activation.get_config()
    name = str(config.pop("name"))
    default = type(activation)().get_config()
    default.pop("name")
    if config != default:
        raise ValueError(f"Invalid activation for export: {activation!r} (non-default arguments)")
    return ACTIVATION_EXPORTS[name]


@dataclass(frozen=True)
class InitializerExport:
    """The keras.initializers class, written when the initializer has non-default arguments
    (or is a bare VarianceScaling); the torch script sets Keras' weights and names it in a
    comment."""

    keras_class: str

    def keras(self, initializer: Initializer) -> str:
        """``"he_normal"`` or ``keras.initializers.Class(arg=value, ...)``."""
        config = initializer.get_config()
        name = str(config.pop("name"))
        defaults = make_initializer(name).get_config()
        defaults.pop("name")
        if not config or (config == defaults and name != "variance_scaling"):
            return f'"{name}"'
        args = ", ".join(f"{k}={literal(v)}" for k, v in config.items())
        return f"keras.initializers.{self.keras_class}({args})"

    def torch(self, initializer: Initializer, lang: str = SCRIPT_LANGUAGE) -> str:
        """The comment beside the nn.Linear, in ``lang``."""
        config = initializer.get_config()
        name = str(config.pop("name"))
        if name != "variance_scaling":
            return translate(lang, "script.initializer", name=name)
        return f"{self.keras_class}(" + ", ".join(f"{k}={v}" for k, v in config.items()) + ")"


INITIALIZER_EXPORTS = ExportTable("initializer", "app.export.layer_parts.INITIALIZER_EXPORTS", {
    "zeros": InitializerExport("Zeros"),
    "ones": InitializerExport("Ones"),
    "constant": InitializerExport("Constant"),
    "random_normal": InitializerExport("RandomNormal"),
    "random_uniform": InitializerExport("RandomUniform"),
    "truncated_normal": InitializerExport("TruncatedNormal"),
    "variance_scaling": InitializerExport("VarianceScaling"),
    "glorot_normal": InitializerExport("GlorotNormal"),
    "glorot_uniform": InitializerExport("GlorotUniform"),
    "he_normal": InitializerExport("HeNormal"),
    "he_uniform": InitializerExport("HeUniform"),
    "lecun_normal": InitializerExport("LecunNormal"),
    "lecun_uniform": InitializerExport("LecunUniform"),
})


def initializer_export(initializer: Initializer) -> InitializerExport:
    return INITIALIZER_EXPORTS[initializer.name]


def _factors(regularizer: L1L2) -> tuple[float, float]:
    return regularizer.l1, regularizer.l2


@dataclass(frozen=True)
class RegularizerExport:
    """The keras.regularizers call, and the (l1, l2) factors of the torch script's penalty(),
    ``l1 * sum(|w|) + l2 * sum(w**2)`` added to the loss (every core regularizer is an L1L2)."""

    keras: Callable[[L1L2], str]
    torch: Callable[[L1L2], tuple[float, float]] = _factors


REGULARIZER_EXPORTS = ExportTable("regularizer", "app.export.layer_parts.REGULARIZER_EXPORTS", {
    "l1": RegularizerExport(lambda r: f"keras.regularizers.l1({py_float(r.l1)})"),
    "l2": RegularizerExport(lambda r: f"keras.regularizers.l2({py_float(r.l2)})"),
    "l1_l2": RegularizerExport(lambda r: f"keras.regularizers.l1_l2(l1={py_float(r.l1)}, "
                                         f"l2={py_float(r.l2)})"),
})


@dataclass(frozen=True)
class ConstraintExport:
    """The keras.constraints call, and the argument the torch script's apply_constraints()
    takes for it."""

    keras: Callable[[Any], str]
    torch: Callable[[Any], float]


CONSTRAINT_EXPORTS = ExportTable("constraint", "app.export.layer_parts.CONSTRAINT_EXPORTS", {
    "max_norm": ConstraintExport(
        keras=lambda c: f"keras.constraints.max_norm({py_float(c.max_value)})",
        torch=lambda c: float(c.max_value)),
})


def constraint_export(constraint: Constraint) -> ConstraintExport:
    return CONSTRAINT_EXPORTS[constraint.name]

