"""Learning-rate schedules in both scripts: ``SCHEDULE_EXPORTS``, keyed by the registry names of
``app.core.schedules.SCHEDULES``.

Keras: a ``keras.optimizers.schedules`` object where Keras has the schedule, else a small
``LearningRateSchedule`` subclass from ``templates/keras``; ``constant`` is the plain rate.
torch: a plain function ``learning_rate(step)``, a macro of ``templates/torch/learning_rate.py.j2``
named like the schedule, fed the arguments the entry computes from the schedule's config.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.schedules import Schedule
from app.export.payload import ExportPlan, kwarg, py_call, py_float, scalar
from app.export.render import ExportTable, render_macro

Config = dict[str, Any]


@dataclass(frozen=True)
class KerasSchedule:
    """``line`` defines lr_schedule in main() ("" for a constant rate), ``learning_rate`` is the
    optimizer's argument, ``class_template`` the template of a LearningRateSchedule the module
    defines ("": none)."""

    line: str
    learning_rate: str
    class_template: str = ""


@dataclass(frozen=True)
class ScheduleExport:
    """How one schedule is written: the Keras objects, the torch macro's arguments."""

    keras: Callable[[Config], KerasSchedule]
    torch: Callable[[Config], dict[str, Any]]


def _keras_call(func: str, args: list[str], class_template: str = "") -> KerasSchedule:
    return KerasSchedule(py_call(f"lr_schedule = {func}", args, 4), "lr_schedule", class_template)


def _kwargs(config: Config) -> list[str]:
    return [kwarg(k, v) for k, v in config.items()]


def _floats(config: Config, **keys: str) -> dict[str, Any]:
    """{argument: the config's `key` as a float literal} for argument=key."""
    return {arg: py_float(scalar(config[key])) for arg, key in keys.items()}


def _keras_power(c: Config) -> KerasSchedule:
    if scalar(c["power"]) == 1.0:
        return _keras_call("keras.optimizers.schedules.InverseTimeDecay", [
            f"initial_learning_rate={py_float(scalar(c['initial_learning_rate']))}",
            f"decay_steps={py_float(scalar(c['decay_steps']))}", "decay_rate=1.0"])
    return _keras_call("PowerDecay", _kwargs(c), "keras/power_decay.py.j2")


def _keras_piecewise(c: Config) -> KerasSchedule:
    bounds = ", ".join(str(int(b)) if float(b).is_integer() else py_float(b)
                       for b in c["boundaries"])
    values = ", ".join(py_float(scalar(v)) for v in c["values"])
    return _keras_call("keras.optimizers.schedules.PiecewiseConstantDecay",
                       [f"boundaries=[{bounds}]", f"values=[{values}]"])


def _without_warmup(c: Config) -> Config:
    if c.get("warmup_target") is None:
        return {k: v for k, v in c.items() if k not in ("warmup_target", "warmup_steps")}
    return c


def _torch_cosine(c: Config) -> dict[str, Any]:
    if c.get("warmup_target") is not None:
        raise ValueError(f"Invalid schedule for export: {c!r} (warmup)")
    return _floats(c, eta0="initial_learning_rate", s="decay_steps", alpha="alpha")


def _torch_onecycle(c: Config) -> dict[str, Any]:
    total = int(c["total_steps"])
    last = total // 10 + 1 if c["last_steps"] is None else int(c["last_steps"])
    return {"total": total, "half": (total - min(last, total)) // 2,
            **_floats(c, top="max_learning_rate", start_factor="start_factor",
                      end_factor="end_factor")}


SCHEDULE_EXPORTS = ExportTable("schedule", "app.export.schedules.SCHEDULE_EXPORTS", {
    "constant": ScheduleExport(
        keras=lambda c: KerasSchedule("", py_float(scalar(c["initial_learning_rate"]))),
        torch=lambda c: _floats(c, lr="initial_learning_rate")),
    "power": ScheduleExport(
        keras=_keras_power,
        torch=lambda c: _floats(c, eta0="initial_learning_rate", s="decay_steps",
                                power="power")),
    "exponential": ScheduleExport(
        keras=lambda c: _keras_call("keras.optimizers.schedules.ExponentialDecay", _kwargs(c)),
        torch=lambda c: {"staircase": bool(c["staircase"]),
                         **_floats(c, eta0="initial_learning_rate", s="decay_steps",
                                   rate="decay_rate")}),
    "piecewise": ScheduleExport(
        keras=_keras_piecewise,
        torch=lambda c: {"boundaries": [py_float(b) for b in c["boundaries"]],
                         "values": [py_float(scalar(v)) for v in c["values"]]}),
    "cosine": ScheduleExport(
        keras=lambda c: _keras_call("keras.optimizers.schedules.CosineDecay",
                                    _kwargs(_without_warmup(c))),
        torch=_torch_cosine),
    "onecycle": ScheduleExport(
        keras=lambda c: _keras_call("OneCycle", _kwargs(c), "keras/one_cycle.py.j2"),
        torch=_torch_onecycle),
})


def schedule_config(plan: ExportPlan) -> tuple[str, Config]:
    """(the schedule's registry name, its config; a constant rate: initial_learning_rate)."""
    lr = plan.training.optimizer.learning_rate
    name = plan.experiment.optimizer.schedule.name
    if isinstance(lr, Schedule):
        return name, lr.get_config()
    return name, {"initial_learning_rate": lr}


def keras_schedule(plan: ExportPlan) -> KerasSchedule:
    name, config = schedule_config(plan)
    return SCHEDULE_EXPORTS[name].keras(config)


def torch_learning_rate(plan: ExportPlan) -> str:
    """The torch script's ``def learning_rate(step): ...``."""
    name, config = schedule_config(plan)
    arguments = SCHEDULE_EXPORTS[name].torch(config)
    return render_macro("torch/learning_rate.py.j2", name, plan.lang, **arguments)
