"""Hostile-input tests: example budgets, a case counter, a wall-clock guard, and the strategies
the modules share (formulas from the grammar, valid experiments as JSON dicts).

Every property here runs ``CI_SHARE`` of its listed example count by default (the whole
directory in about a minute and a half). ``scripts/fuzz.sh`` sets ``DESCENSO_FUZZ_EXAMPLES=N``:
each cheap property then runs N examples and each costly one (a training, a whole race)
``weight * N``, never fewer than the listed count.

Each module reports what it generated (``fuzz <module>: <n> cases …``) on the terminal; with
``DESCENSO_FUZZ_REPORT=<file>`` the counts are also appended there as JSON lines, one per module.
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import signal
import time
import types
from collections import Counter
from collections.abc import Iterator
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types as at
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from app.core.formula import FUNCTIONS, FormulaError, parse_formula
from app.core.optimizers import DEFAULTS, OPTIMIZERS
from app.schema.map_experiment import (
    LOG_AXES,
    MAX_MAP_SIDE,
    MAX_MAP_STEPS,
    MAX_MAP_WORK,
    MapExperiment,
    SecondAxis,
)
from app.schema.mlp_experiment import (
    LOSSES_FOR_TASK,
    MAX_EPOCHS,
    MAX_LAYERS,
    MAX_MC_PASSES,
    MAX_RENDER_WORK,
    MAX_SAMPLES,
    MAX_TRAINING_WORK,
    MAX_UNITS,
    DatasetName,
    DatasetSpec,
    FeatureName,
    LayerSpec,
    MlpExperiment,
    RegularizerSpec,
    VarianceScalingSpec,
)
from app.schema.mlp_experiment import MAX_GRID as MLP_MAX_GRID
from app.schema.optimizer_spec import (
    CLIPPING,
    HYPERPARAMETERS,
    MAX_BOUNDARIES,
    MAX_BOUNDARY,
    MIN_FACTOR,
    MIN_LEARNING_RATE,
    OptimizerSpec,
    ScheduleSpec,
)
from app.schema.surface_experiment import MAX_EXPRESSION, MAX_RUNS, MAX_STEPS, SurfaceExperiment

CASES: Counter[str] = Counter()


CI_SHARE = 0.4
"""The share of each property's listed count that a CI run generates: the suite must stay under
ten minutes on two cores, and the long runs (``scripts/fuzz.sh``) are where volume lives."""


def examples(ci: int, weight: float = 1.0) -> int:
    """How many examples a property runs: ``CI_SHARE * ci`` (at least 5) in CI,
    ``max(ci, weight * N)`` in a long run."""
    long_run = os.environ.get("DESCENSO_FUZZ_EXAMPLES")
    if not long_run:
        return max(5, round(ci * CI_SHARE))
    return max(ci, int(int(long_run) * weight))


def fuzz_settings(ci: int, weight: float = 1.0) -> settings:
    """Hypothesis settings for a hostile-input property: no per-example deadline (the tests
    bound time themselves, with margins for a loaded CI machine); failing examples are kept in
    .hypothesis/ and replayed first on the next run."""
    return settings(
        max_examples=examples(ci, weight),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],
    )


def count(kind: str, n: int = 1) -> None:
    """Record ``n`` generated cases of one kind (url, page, formula, request, ws, csv)."""
    CASES[kind] += n


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Time the server's work, not a collection of the test run's own garbage."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextlib.contextmanager
def deadline(seconds: float, what: str = "call") -> Iterator[None]:
    """Fail with TimeoutError if the block runs longer than ``seconds`` (a hang guard).

    SIGALRM interrupts the main thread even while it waits on TestClient's portal thread or a
    WebSocket queue; the test then fails instead of hanging CI."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"{what} took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def report(request: Any) -> Iterator[None]:
    """Body of each module's autouse fixture: print the cases the module generated."""
    before = CASES.copy()
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    made = CASES - before
    module = request.module.__name__.rsplit(".", 1)[-1]
    kinds = ", ".join(f"{kind} {n:,}" for kind, n in sorted(made.items()))
    line = (f"fuzz {module}: {sum(made.values()):,} cases ({kinds}) in {elapsed:.1f} s; "
            f"running total {sum(CASES.values()):,}")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None:
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            reporter.ensure_newline()
            reporter.write_line(line)
    path = os.environ.get("DESCENSO_FUZZ_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"module": module, "cases": dict(made),
                                  "seconds": round(elapsed, 2)}) + "\n")


# -- strategies shared by the modules: valid formulas and valid experiments (as JSON dicts) ----


def field_values(model: type[BaseModel], name: str) -> st.SearchStrategy[Any]:
    """Any value the declaration of ``model.name`` accepts (scalars: bounds, literals, bools)."""
    info = model.model_fields[name]
    annotation = info.annotation
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if get_origin(annotation) is Literal:
        return st.sampled_from(get_args(annotation))
    if annotation is bool:
        return st.booleans()
    bounds: dict[str, Any] = {}
    for item in info.metadata:
        for key, kind in (("ge", at.Ge), ("gt", at.Gt), ("le", at.Le), ("lt", at.Lt)):
            if isinstance(item, kind):
                bounds[key] = getattr(item, key)
    low = bounds.get("ge", bounds.get("gt"))
    high = bounds.get("le", bounds.get("lt"))
    if annotation is int:
        return st.integers(min_value=None if low is None else math.ceil(low),
                           max_value=None if high is None else math.floor(high))
    if annotation is float:
        return st.floats(min_value=low, max_value=high, exclude_min="gt" in bounds,
                         exclude_max="lt" in bounds, allow_nan=False, allow_infinity=False)
    raise TypeError(f"no strategy for {model.__name__}.{name}: {annotation!r}")


def _spaced(op: str) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(["", " ", "  "]), st.just(op),
                     st.sampled_from(["", " "])).map("".join)


_NUMBERS = st.one_of(
    st.integers(0, 10**6).map(str),
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["0", "1", "2", "0.5", ".5", "5.", "1e3", "1e-3", "2.5E2", "1_000", "0x1f",
                     "1e308", "1e-320"]),
)
_ATOMS = st.one_of(st.sampled_from(["x", "y", "pi", "e", "x", "y"]), _NUMBERS)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**", "^"]).flatmap(_spaced),
                       children)
    return st.one_of(
        binary.map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
        binary.map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
        st.tuples(st.sampled_from(["-", "+"]), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
    )


FORMULA_TEXTS = st.recursive(_ATOMS, _combine, max_leaves=24)
"""Texts from the formula grammar (most parse; some hit the caps on nodes, depth or exponent)."""


def _parses(text: str) -> bool:
    try:
        parse_formula(text)
    except FormulaError:
        return False
    return True


VALID_FORMULAS = FORMULA_TEXTS.filter(lambda t: len(t) <= MAX_EXPRESSION and _parses(t))


@st.composite
def schedule_dicts(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(field_values(ScheduleSpec, "name"))
    out: dict[str, Any] = {"name": name}
    for key in ("decay_steps", "power", "decay_rate", "staircase", "alpha"):
        if draw(st.booleans()):
            out[key] = draw(field_values(ScheduleSpec, key))
    if name == "piecewise" or draw(st.booleans()):
        boundaries = sorted(draw(st.sets(st.integers(0, MAX_BOUNDARY), min_size=1,
                                         max_size=MAX_BOUNDARIES)))
        factors = draw(st.lists(st.floats(MIN_FACTOR, 100), min_size=len(boundaries) + 1,
                                max_size=len(boundaries) + 1))
        out["boundaries"], out["factors"] = boundaries, factors
    return out


@st.composite
def optimizer_dicts(draw: st.DrawFn, name: str | None = None) -> dict[str, Any]:
    """A valid OptimizerSpec: only hyperparameters that apply, at most one clipping."""
    name = name or draw(field_values(OptimizerSpec, "optimizer"))
    out: dict[str, Any] = {"optimizer": name}
    for key in HYPERPARAMETERS:
        if key in DEFAULTS[name] and draw(st.booleans()):
            values = (st.floats(MIN_LEARNING_RATE, 10) if key == "learning_rate"
                      else field_values(OptimizerSpec, key))
            bound = OPTIMIZERS[name].bounds.get(key)  # the optimizer's own (Lion: beta_1 > 0)
            if bound is not None:
                values = values.filter(bound.contains)
            out[key] = draw(values)
    clip = draw(st.sampled_from([None, *CLIPPING]))
    if clip is not None:
        out[clip] = draw(field_values(OptimizerSpec, clip))
    if draw(st.booleans()):
        out["schedule"] = draw(schedule_dicts())
    return out


def _ordered_window(limit: float) -> st.SearchStrategy[list[float]]:
    side = st.lists(st.floats(-limit, limit), min_size=2, max_size=2, unique=True).map(sorted)
    return st.tuples(side, side).map(lambda t: [t[0][0], t[0][1], t[1][0], t[1][1]])


@st.composite
def surface_dicts(draw: st.DrawFn, max_steps: int = MAX_STEPS, max_runs: int = MAX_RUNS,
                  formulas: st.SearchStrategy[str] = VALID_FORMULAS) -> dict[str, Any]:
    """A valid SurfaceExperiment as JSON (custom surfaces get a formula that parses)."""
    surface = draw(field_values(SurfaceExperiment, "surface"))
    out: dict[str, Any] = {"surface": surface}
    if surface == "custom":
        out["expression"] = draw(formulas.filter(lambda t: bool(t.strip())))
        if draw(st.booleans()):
            out["window"] = draw(_ordered_window(1e4))
    if draw(st.booleans()):
        out["condition_number"] = draw(field_values(SurfaceExperiment, "condition_number"))
    if draw(st.booleans()):
        out["start"] = draw(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=2))
    out["steps"] = draw(st.integers(1, max_steps))
    for key in ("noise", "seed", "tolerance"):
        if draw(st.booleans()):
            out[key] = draw(field_values(SurfaceExperiment, key))
    runs = draw(st.lists(optimizer_dicts(), min_size=1, max_size=max_runs))
    out["runs"] = [{**run, "enabled": draw(st.booleans())} for run in runs]
    return out


@st.composite
def mlp_dicts(draw: st.DrawFn, max_epochs: int = MAX_EPOCHS, max_samples: int = MAX_SAMPLES,
              max_layers: int = MAX_LAYERS, max_units: int = MAX_UNITS,
              max_grid: int = MLP_MAX_GRID, max_mc: int = MAX_MC_PASSES,
              csv: bool = True) -> dict[str, Any]:
    """A valid MlpExperiment as JSON; the loss, if given, suits the data set's task."""
    names = [n for n in get_args(DatasetName) if csv or n != "csv"]
    dataset: dict[str, Any] = {"name": draw(st.sampled_from(names)),
                               "samples": draw(st.integers(10, max_samples))}
    for key in ("noise", "train_ratio", "seed"):
        if draw(st.booleans()):
            dataset[key] = draw(field_values(DatasetSpec, key))
    if dataset["name"] == "csv":
        labels = draw(st.sampled_from([st.sampled_from([0.0, 1.0]), st.integers(0, 9).map(float),
                                       st.floats(-1, 1)]))  # regression targets within [-1, 1]
        point = st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3), labels)
        dataset["points"] = [list(p) for p in draw(st.lists(point, min_size=10, max_size=60))]
    layer_fields = ("activation", "kernel_initializer", "batch_normalization", "dropout",
                    "max_norm")
    layers = []
    for _ in range(draw(st.integers(0, max_layers))):
        layer: dict[str, Any] = {"units": draw(st.integers(1, max_units))}
        for key in layer_fields:
            if draw(st.booleans()):
                layer[key] = draw(field_values(LayerSpec, key))
        if draw(st.booleans()):
            layer["variance_scaling"] = {k: draw(field_values(VarianceScalingSpec, k))
                                         for k in ("scale", "mode", "distribution")}
        if draw(st.booleans()):
            layer["kernel_regularizer"] = {k: draw(field_values(RegularizerSpec, k))
                                           for k in ("name", "l1", "l2")}
        layers.append(layer)
    out: dict[str, Any] = {
        "dataset": dataset,
        "features": draw(st.lists(st.sampled_from(get_args(FeatureName)), min_size=1,
                                  max_size=7, unique=True)),
        "layers": layers,
        "optimizer": draw(optimizer_dicts()),
        "batch_size": draw(field_values(MlpExperiment, "batch_size")),
        "epochs": draw(st.integers(1, max_epochs)),
        "grid": draw(st.integers(10, max_grid)),
        "mc_passes": draw(st.integers(0, max_mc)),
    }
    for key in ("shuffle", "seed", "dtype"):
        if draw(st.booleans()):
            out[key] = draw(field_values(MlpExperiment, key))
    # within the server's work caps: as many epochs and Monte-Carlo passes as they allow
    one = MlpExperiment.model_validate({**out, "epochs": 1, "grid": 10, "mc_passes": 0})
    out["epochs"] = max(1, min(out["epochs"], MAX_TRAINING_WORK // one.training_work()))
    frame = one.model_copy(update={"grid": out["grid"]}).render_work()
    passes = MAX_RENDER_WORK // frame - 1 if frame <= MAX_RENDER_WORK else 0
    out["mc_passes"] = max(0, min(out["mc_passes"], passes))
    if draw(st.booleans()):
        out["loss"] = draw(st.sampled_from(LOSSES_FOR_TASK[one.task()]))
    return out


@st.composite
def map_dicts(draw: st.DrawFn, max_cells: int = MAX_MAP_SIDE * MAX_MAP_SIDE,
              max_steps: int = MAX_MAP_STEPS,
              formulas: st.SearchStrategy[str] = VALID_FORMULAS) -> dict[str, Any]:
    """A valid MapExperiment as JSON: the second axis applies to the optimizer, ranges ordered."""
    optimizer = draw(optimizer_dicts())
    axes = [a for a in get_args(SecondAxis) if a in DEFAULTS[optimizer["optimizer"]]]
    second = draw(st.sampled_from(axes))
    lo_second = 1e-12 if second in LOG_AXES else 0.0
    hi_second = 0.999 if second in ("momentum", "rho", "beta_1", "beta_2") else 1.0
    bound = OPTIMIZERS[optimizer["optimizer"]].bounds[second]  # the optimizer's own bound
    seconds = sorted(draw(st.lists(st.floats(lo_second, hi_second).filter(
        lambda v: bool(bound.contains(v))), min_size=2, max_size=2, unique=True)))
    lrs = sorted(draw(st.lists(st.floats(1e-12, 10), min_size=2, max_size=2, unique=True)))
    nx = draw(st.integers(2, MAX_MAP_SIDE))
    ny = draw(st.integers(2, max(2, min(MAX_MAP_SIDE, max_cells // nx))))
    steps = draw(st.integers(1, max(1, min(max_steps, MAX_MAP_WORK // (nx * ny)))))
    surface = draw(field_values(MapExperiment, "surface"))
    out: dict[str, Any] = {"surface": surface, "optimizer": optimizer, "second": second,
                           "second_min": seconds[0], "second_max": seconds[1],
                           "lr_min": lrs[0], "lr_max": lrs[1], "nx": nx, "ny": ny,
                           "steps": steps}
    if surface == "custom":
        out["expression"] = draw(formulas.filter(lambda t: bool(t.strip())))
    for key in ("condition_number", "tolerance"):
        if draw(st.booleans()):
            out[key] = draw(field_values(MapExperiment, key))
    if draw(st.booleans()):
        out["start"] = draw(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=2))
    return out
