"""Optimizers in both scripts: ``OPTIMIZER_EXPORTS``, keyed by the registry names of
``app.core.optimizers.OPTIMIZERS``.

Keras: ``keras.optimizers.<KERAS_CLASS[name]>`` with the built optimizer's config. torch:
``torch.optim.SGD`` where its update is Keras' (no momentum, or momentum at a constant learning
rate); otherwise Keras' update written out as a small ``torch.optim.Optimizer`` subclass
(``templates/torch/optimizers``) whose docstring says how torch's own class differs. Clipping
(``clipnorm`` per weight, as Keras) and Keras' decoupled ``weight_decay`` become small functions
run before ``optimizer.step()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.optimizer import Optimizer
from app.core.optimizers import KERAS_CLASS
from app.core.schedules import Schedule
from app.export.payload import SCRIPT_LANGUAGE, ExportPlan, kwarg, py_call, py_float, scalar
from app.export.render import ExportTable, note_item, render, render_macro

NOT_HYPERPARAMETERS = ("run_axes", "learning_rate", "weight_decay", "clipnorm", "clipvalue",
                       "global_clipnorm")
"""Config keys the torch optimizer classes do not take (the script handles them itself)."""


@dataclass(frozen=True)
class OptimizerExport:
    """``torch_class``, defined by the template ``torch_template``, writes Keras' update out;
    ``torch_sgd``: torch.optim.SGD is Keras' rule at momentum 0 or a constant learning rate;
    ``keras_first``: the Keras arguments written first, in this order; ``note``: the catalog key
    of one more item for the torch script's docstring."""

    torch_class: str
    torch_template: str
    torch_sgd: bool = False
    keras_first: tuple[str, ...] = ("learning_rate",)
    note: str = ""


_SGD = OptimizerExport("KerasSGD", "torch/optimizers/keras_sgd.py.j2", torch_sgd=True)
_ADAM = OptimizerExport("KerasAdam", "torch/optimizers/keras_adam.py.j2")

OPTIMIZER_EXPORTS = ExportTable("optimizer", "app.export.optimizers.OPTIMIZER_EXPORTS", {
    "sgd": _SGD,
    "momentum": _SGD,
    "nesterov": _SGD,
    "adagrad": OptimizerExport("KerasAdagrad", "torch/optimizers/keras_adagrad.py.j2"),
    "rmsprop": OptimizerExport("KerasRMSprop", "torch/optimizers/keras_rmsprop.py.j2"),
    "adam": _ADAM,
    "adamax": OptimizerExport("KerasAdamax", "torch/optimizers/keras_adamax.py.j2"),
    "nadam": OptimizerExport("KerasNadam", "torch/optimizers/keras_nadam.py.j2"),
    "adamw": OptimizerExport(
        "KerasAdam", "torch/optimizers/keras_adam.py.j2",
        keras_first=("learning_rate", "weight_decay"),  # Keras: AdamW(learning_rate, weight_decay)
        note="script.note_adamw"),
    "lion": OptimizerExport("KerasLion", "torch/optimizers/keras_lion.py.j2"),
})


def keras_optimizer(plan: ExportPlan, learning_rate: str) -> str:
    """The line creating ``optimizer`` in the Keras script's main()."""
    name = plan.experiment.optimizer.optimizer
    entry = OPTIMIZER_EXPORTS[name]
    config = plan.training.optimizer.get_config()
    config.pop("run_axes", None)
    config = {**{k: config.pop(k) for k in entry.keras_first}, **config}
    args = [f"learning_rate={learning_rate}" if key == "learning_rate" else kwarg(key, value)
            for key, value in config.items() if value is not None or key == "learning_rate"]
    return py_call(f"optimizer = keras.optimizers.{KERAS_CLASS[name]}", args, 4)


@dataclass(frozen=True)
class TorchOptimizer:
    """The optimizer in the torch script: a class to define ("": torch.optim's), the line
    creating ``optimizer`` in main(), and its line of the script's docstring."""

    class_source: str
    line: str
    note: str


def torch_optimizer(plan: ExportPlan) -> TorchOptimizer:
    name = plan.experiment.optimizer.optimizer
    entry = OPTIMIZER_EXPORTS[name]
    optimizer = plan.training.optimizer
    config = {k: v for k, v in optimizer.get_config().items() if k not in NOT_HYPERPARAMETERS}
    args = ["params", "lr=learning_rate(0)"]
    if entry.torch_sgd:
        momentum = scalar(config["momentum"])
        if momentum == 0.0 or not isinstance(optimizer.learning_rate, Schedule):
            args += ([] if momentum == 0.0 else
                     [f"momentum={py_float(momentum)}", f"nesterov={config['nesterov']}"])
            note = note_item(plan.t("script.note_sgd_momentum" if momentum else "script.note_sgd"))
            return TorchOptimizer("", py_call("optimizer = torch.optim.SGD", args, 4), note)
    args += [f"{key}={value!r}" if isinstance(value, bool)
             else f"{key}={py_float(scalar(value))}" for key, value in config.items()]
    note = note_item(plan.t("script.note_optimizer", keras_class=KERAS_CLASS[name],
                            torch_class=entry.torch_class))
    if entry.note:
        note += "\n" + note_item(plan.t(entry.note))
    return TorchOptimizer(render(entry.torch_template, plan.lang),
                          py_call(f"optimizer = {entry.torch_class}", args, 4), note)


def torch_clipping(optimizer: Optimizer, lang: str = SCRIPT_LANGUAGE) -> str:
    """``def clip_gradients(params)`` for Keras' clipvalue, clipnorm or global_clipnorm ("")."""
    for clip in ("clipvalue", "clipnorm", "global_clipnorm"):
        value = getattr(optimizer, clip)
        if value is not None:
            return render_macro("torch/helpers.py.j2", clip, lang, c=py_float(scalar(value)))
    return ""


def torch_weight_decay(optimizer: Optimizer, lang: str = SCRIPT_LANGUAGE) -> str:
    """``def decay_weights(params, lr)``: Keras' decoupled weight decay ("" without)."""
    if optimizer.weight_decay is None:
        return ""
    return render_macro("torch/helpers.py.j2", "decay_weights", lang,
                        weight_decay=py_float(scalar(optimizer.weight_decay)))
