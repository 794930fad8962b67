"""The MLP experiment as a self-contained Keras 3 script (numpy + keras only).

The script builds the playground's network in the lecture's "Show me the code" style, sets the
playground's initial weights, and trains on the playground's minibatches: for each exported epoch
``model.fit(X_TRAIN[order], y_train[order], batch_size, epochs=1, shuffle=False)``; Keras keeps
``optimizer.iterations`` (schedules, Adam's t, Nadam's momentum product) across ``fit`` calls.
Each epoch prints one JSON line ``{"epoch": k, "loss": ..., "val_loss": ...}`` with the numbers of
``history.history``: the loss is the batch-size-weighted mean of the batch losses (penalties
included), as ``MlpTraining.train_epoch`` reports it; val_loss is the test loss in inference mode.
"""

from __future__ import annotations

from typing import Any

from app.core.nn.constraints import MaxNorm
from app.core.nn.initializers import Initializer, make_initializer
from app.core.nn.layers import Activation, BatchNormalization, Dense, Dropout, Layer
from app.core.nn.regularizers import L1, L1L2, L2
from app.core.optimizer import Optimizer
from app.core.schedules import Schedule
from app.export.payload import (
    ARRAY_DECODER,
    activation_name,
    data_section,
    describe,
    plan_export,
    py_call,
    py_float,
    scalar,
    schedule_kind,
)
from app.schema.mlp_experiment import MlpExperiment

INITIALIZER_CLASSES = {
    "constant": "Constant",
    "random_normal": "RandomNormal",
    "random_uniform": "RandomUniform",
    "truncated_normal": "TruncatedNormal",
    "variance_scaling": "VarianceScaling",
}
"""Core initializer name -> keras.initializers class, for initializers with arguments."""

FLOAT64_NOTE = """\
        # Even in float64 mode Keras reports loss and val_loss rounded to float32: outside
        # TensorFlow its type promotion makes float64 with a Python float a float32.
"""

POWER_DECAY = '''

class PowerDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Power scheduling, lr = initial_learning_rate / (1 + step / decay_steps) ** power.

    Keras has it for power = 1 only (InverseTimeDecay with decay_rate = 1).
    """

    def __init__(self, initial_learning_rate, decay_steps, power):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.power = power

    def __call__(self, step):
        step = keras.ops.cast(step, keras.config.floatx())
        return self.initial_learning_rate / (1 + step / self.decay_steps) ** self.power

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "power": self.power}
'''

ONE_CYCLE = '''

class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """Geron's 1cycle as a function of the step (Hands-On ML's OneCycleScheduler).

    start = max_learning_rate * start_factor, end = max_learning_rate * end_factor,
    last = total_steps // 10 + 1 (or last_steps), half = (total_steps - last) // 2:
    rises linearly from start to max_learning_rate over half steps, falls back to start over
    half steps, then decays linearly to end at total_steps and stays there.
    """

    def __init__(self, max_learning_rate, total_steps, start_factor=0.1, end_factor=1e-4,
                 last_steps=None):
        self.max_learning_rate = max_learning_rate
        self.total_steps = total_steps
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.last_steps = last_steps
        last = total_steps // 10 + 1 if last_steps is None else last_steps
        self.half = (total_steps - min(last, total_steps)) // 2

    def __call__(self, step):
        t = keras.ops.minimum(keras.ops.cast(step, keras.config.floatx()), self.total_steps)
        top = self.max_learning_rate
        start, end = top * self.start_factor, top * self.end_factor
        half, h = self.half, max(self.half, 1)
        rise = (top - start) * t / h + start
        fall = (start - top) * (t - half) / h + top
        final = (end - start) * (t - 2 * half) / (self.total_steps - 2 * half) + start
        return keras.ops.where(t < half, rise, keras.ops.where(t < 2 * half, fall, final))

    def get_config(self):
        return {"max_learning_rate": self.max_learning_rate, "total_steps": self.total_steps,
                "start_factor": self.start_factor, "end_factor": self.end_factor,
                "last_steps": self.last_steps}
'''


def keras_script(experiment: MlpExperiment, epochs: int | None = None) -> str:
    """The Python source of a Keras 3 script reproducing ``epochs`` epochs of the experiment
    (default: the experiment's epochs, at most 200)."""
    plan = plan_export(experiment, epochs)
    training = plan.training
    schedule_source, lr_lines, lr_arg = _schedule(training.optimizer)
    loss = plan.training.loss_name
    initializers, layers = _layers(training.model.layers)
    optimizer_line = py_call(
        f"optimizer = keras.optimizers.{type(training.optimizer).__name__}",
        _optimizer_args(training.optimizer, lr_arg), 4)
    float64_note = FLOAT64_NOTE if experiment.dtype == "float64" else ""
    if plan.task == "multiclass":
        targets = (f"    # categorical_crossentropy takes one-hot targets\n"
                   f"    y_train = keras.utils.to_categorical(Y_TRAIN, {plan.n_classes})"
                   f".astype(DTYPE)\n"
                   f"    y_test = keras.utils.to_categorical(Y_TEST, {plan.n_classes})"
                   f".astype(DTYPE)\n")
    else:
        targets = "    y_train, y_test = Y_TRAIN, Y_TEST\n"
    return f'''\
"""Descenso MLP playground, exported to Keras 3.

{describe(plan)}

Trains the playground's network from the same initial weights on the same minibatches, so each
epoch prints, as one JSON line, the training loss the playground shows (as Keras' history reports
it: the batch-size-weighted mean of the batch losses, regularization penalties included) and the
test loss (val_loss, inference mode). Dropout masks are Keras' own and differ from the
playground's. Any Keras 3 backend runs it; it was checked with KERAS_BACKEND=torch.
"""

import base64
import json

import keras
import numpy as np

SEED = {experiment.seed}
DTYPE = "{experiment.dtype}"
BATCH_SIZE = {experiment.batch_size}

keras.utils.set_random_seed(SEED)  # dropout masks
keras.config.set_floatx(DTYPE)
keras.config.set_dtype_policy(DTYPE)  # layers compute in DTYPE even if Keras already made some
{schedule_source}

def build_model():
{initializers}    return keras.Sequential([
        keras.Input(shape=({training.x_train.shape[1]},)),
{layers}
    ])


def main():
    model = build_model()
    model.set_weights(INITIAL_WEIGHTS)  # the playground's initial weights
{lr_lines}{optimizer_line}
    model.compile(optimizer=optimizer, loss="{loss}")

{targets}    for epoch, order in enumerate(BATCH_ORDERS, start=1):
        # One epoch on the playground's minibatches: its permutation, no reshuffling. The
        # optimizer's step counter (schedules, Adam's t) carries over from one fit() to the next.
        history = model.fit(X_TRAIN[order], y_train[order], batch_size=BATCH_SIZE, epochs=1,
                            shuffle=False, verbose=0, validation_data=(X_TEST, y_test))
{float64_note}        print(json.dumps({{"epoch": epoch, "loss": float(history.history["loss"][0]),
                          "val_loss": float(history.history["val_loss"][0])}}), flush=True)


{ARRAY_DECODER}

{data_section(plan)}

if __name__ == "__main__":
    main()
'''


def _layers(layers: list[Layer]) -> tuple[str, str]:
    """(lines defining initializers with arguments, the layer lines of keras.Sequential)."""
    definitions: list[str] = []
    lines: list[str] = []
    for layer in layers:
        if isinstance(layer, Dense):
            init = _initializer(layer.kernel_initializer)
            if init.startswith("keras."):
                name = f"init_{len(definitions) + 1}"
                definitions.append(f"    {name} = {init}\n")
                init = name
            lines.append(py_call("keras.layers.Dense", _dense_args(layer, init), 8, ","))
        elif isinstance(layer, BatchNormalization):
            args = []
            if layer.momentum != 0.99:
                args.append(f"momentum={py_float(layer.momentum)}")
            if layer.epsilon != 1e-3:
                args.append(f"epsilon={py_float(layer.epsilon)}")
            lines.append(py_call("keras.layers.BatchNormalization", args, 8, ","))
        elif isinstance(layer, Activation):
            lines.append(f'        keras.layers.Activation("{activation_name(layer.activation)}"),')
        elif isinstance(layer, Dropout):
            lines.append(f"        keras.layers.Dropout(rate={py_float(layer.rate)}),")
        else:
            raise ValueError(f"Invalid layer for export: {layer!r}")
    return "".join(definitions), "\n".join(lines)


def _dense_args(layer: Dense, initializer: str) -> list[str]:
    args = [str(layer.units)]
    activation = activation_name(layer.activation)
    if activation != "linear":
        args.append(f'activation="{activation}"')
    if initializer != '"glorot_uniform"':
        args.append(f"kernel_initializer={initializer}")
    if not layer.use_bias:
        args.append("use_bias=False")
    if layer.kernel_regularizer is not None:
        args.append(f"kernel_regularizer={_regularizer(layer.kernel_regularizer)}")
    if isinstance(layer.kernel_constraint, MaxNorm):
        args.append(f"kernel_constraint=keras.constraints.max_norm("
                    f"{py_float(layer.kernel_constraint.max_value)})")
    elif layer.kernel_constraint is not None:
        raise ValueError(f"Invalid constraint for export: {layer.kernel_constraint!r}")
    return args


def _initializer(initializer: Initializer) -> str:
    config = initializer.get_config()
    name = str(config.pop("name"))
    defaults = make_initializer(name).get_config()
    defaults.pop("name")
    if not config or (config == defaults and name != "variance_scaling"):
        return f'"{name}"'
    args = ", ".join(f"{k}={_literal(v)}" for k, v in config.items())
    return f"keras.initializers.{INITIALIZER_CLASSES[name]}({args})"


def _regularizer(regularizer: L1L2) -> str:
    if isinstance(regularizer, L1):
        return f"keras.regularizers.l1({py_float(regularizer.l1)})"
    if isinstance(regularizer, L2):
        return f"keras.regularizers.l2({py_float(regularizer.l2)})"
    return (f"keras.regularizers.l1_l2(l1={py_float(regularizer.l1)}, "
            f"l2={py_float(regularizer.l2)})")


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return py_float(value)


def _schedule(optimizer: Optimizer) -> tuple[str, str, str]:
    """(class definitions for the module, lines in main() defining lr_schedule, the
    learning_rate argument)."""
    lr = optimizer.learning_rate
    if not isinstance(lr, Schedule):
        return "", "", py_float(scalar(lr))
    kind = schedule_kind(lr)
    config = lr.get_config()
    source = ""
    if kind == "power" and scalar(config["power"]) == 1.0:
        call = py_call("lr_schedule = keras.optimizers.schedules.InverseTimeDecay", [
            f"initial_learning_rate={py_float(scalar(config['initial_learning_rate']))}",
            f"decay_steps={py_float(scalar(config['decay_steps']))}", "decay_rate=1.0"], 4)
    elif kind == "power":
        source = POWER_DECAY
        call = py_call("lr_schedule = PowerDecay", [_kwarg(k, v) for k, v in config.items()], 4)
    elif kind == "exponential":
        call = py_call("lr_schedule = keras.optimizers.schedules.ExponentialDecay",
                       [_kwarg(k, v) for k, v in config.items()], 4)
    elif kind == "piecewise":
        bounds = ", ".join(str(int(b)) if float(b).is_integer() else py_float(b)
                           for b in config["boundaries"])
        values = ", ".join(py_float(scalar(v)) for v in config["values"])
        call = py_call("lr_schedule = keras.optimizers.schedules.PiecewiseConstantDecay",
                       [f"boundaries=[{bounds}]", f"values=[{values}]"], 4)
    elif kind == "cosine":
        if config.get("warmup_target") is None:
            config.pop("warmup_target", None)
            config.pop("warmup_steps", None)
        call = py_call("lr_schedule = keras.optimizers.schedules.CosineDecay",
                       [_kwarg(k, v) for k, v in config.items()], 4)
    else:
        source = ONE_CYCLE
        call = py_call("lr_schedule = OneCycle", [_kwarg(k, v) for k, v in config.items()], 4)
    return source, call + "\n", "lr_schedule"


def _kwarg(key: str, value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return f"{key}={_literal(value)}"
    return f"{key}={py_float(scalar(value))}"


def _optimizer_args(optimizer: Optimizer, lr_arg: str) -> list[str]:
    config = optimizer.get_config()
    config.pop("run_axes", None)
    if type(optimizer).__name__ == "AdamW":  # Keras: AdamW(learning_rate, weight_decay, ...)
        config = {"learning_rate": config.pop("learning_rate"),
                  "weight_decay": config.pop("weight_decay"), **config}
    args = []
    for key, value in config.items():
        if key == "learning_rate":
            args.append(f"learning_rate={lr_arg}")
        elif value is not None:
            args.append(_kwarg(key, value))
    return args
