"""What both exported scripts embed, and how they write it.

``plan_export(experiment, epochs)`` takes a fresh ``MlpTraining`` of the experiment: the data after
the feature transform, the initial weights (Keras ``get_weights()`` order) and the minibatch order
of each exported epoch, drawn from the training's own shuffle stream with ``train_epoch``'s rule.
``py_array`` writes an array as a call of the script's ``array(dtype, shape, data)`` decoder:
base64 of its little-endian bytes, so every float arrives bit for bit. The plan carries the
language of the script's comments (``lang``, the catalogs' ``script.*`` strings).
"""

from __future__ import annotations

import base64
import textwrap
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.i18n.catalog import translate
from app.jobs.mlp_training import MlpTraining
from app.schema.mlp_experiment import MlpExperiment

MAX_EXPORT_EPOCHS = 200
BASE64_LINE = 100
SCRIPT_LANGUAGE = "en"
"""The language of a script's comments when the request names none (API clients)."""


def array_decoder(lang: str = SCRIPT_LANGUAGE) -> str:
    """The script's ``array(dtype, shape, data)``, its docstring in ``lang``."""
    return (f'''def array(dtype, shape, data):\n    """{translate(lang, "script.array_doc")}"""\n'''
            "    return np.frombuffer(base64.b64decode(data), dtype=dtype).reshape(shape).copy()\n")


@dataclass(frozen=True)
class ExportPlan:
    """One experiment as a script reproduces it (``training`` is consumed: do not train it)."""

    experiment: MlpExperiment
    training: MlpTraining
    epochs: int
    batch_orders: NDArray[np.int64]  # (epochs, n_train): the permutation used in each epoch
    lang: str = SCRIPT_LANGUAGE  # the language of the comments

    def t(self, key: str, **params: Any) -> str:
        """A comment's text in the plan's language."""
        return translate(self.lang, key, **params)

    @property
    def task(self) -> str:
        return self.training.data.task

    @property
    def n_classes(self) -> int:
        return self.training.data.n_classes


def plan_export(experiment: MlpExperiment, epochs: int | None = None,
                lang: str = SCRIPT_LANGUAGE) -> ExportPlan:
    """The plan for ``epochs`` epochs (default: the experiment's, at most MAX_EXPORT_EPOCHS),
    commented in ``lang``."""
    if epochs is None:
        epochs = min(experiment.epochs, MAX_EXPORT_EPOCHS)
    if isinstance(epochs, bool) or not 1 <= epochs <= MAX_EXPORT_EPOCHS:
        raise ValueError(f"Invalid epochs: {epochs!r} (must be in [1, {MAX_EXPORT_EPOCHS}])")
    training = MlpTraining(experiment)
    n = len(training.x_train)
    # MlpTraining.train_epoch's rule, on its own stream (tests check that the two agree)
    orders = [training.shuffle_rng.permutation(n) if experiment.shuffle else np.arange(n)
              for _ in range(epochs)]
    return ExportPlan(experiment, training, epochs, np.asarray(orders, dtype=np.int64), lang)


def py_float(value: float) -> str:
    """A float as the shortest Python literal that reads back the same value."""
    return repr(float(value))


def py_array(name: str, values: NDArray[Any]) -> str:
    """``NAME = array("<f4", (250, 2), \"\"\"<base64>\"\"\")`` for ``values``."""
    values = np.asarray(values)
    dtype = values.dtype.newbyteorder("<")
    data = base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode("ascii")
    lines = "\n".join(data[i:i + BASE64_LINE] for i in range(0, len(data), BASE64_LINE))
    shape = repr(tuple(int(n) for n in values.shape))
    return f'{name} = array("{dtype.str}", {shape}, """\n{lines}\n""")\n'


def py_index_array(name: str, values: NDArray[np.integer[Any]]) -> str:
    """Like ``py_array``, in the smallest unsigned type that holds the values, read as int64."""
    values = np.asarray(values)
    small = np.uint16 if values.size == 0 or int(values.max()) < 2**16 else np.uint32
    return py_array(name, values.astype(small)).rstrip("\n") + ".astype(np.int64)\n"


def data_section(plan: ExportPlan) -> str:
    """The embedded arrays: data after the feature transform, initial weights, batch orders."""
    t = plan.training
    labels = plan.t("script.labels_classes" if plan.task == "multiclass"
                    else "script.labels_targets")
    parts = [
        "# " + "-" * 96 + "\n",
        comment(plan.t("script.data_comment", features=", ".join(plan.experiment.features),
                       labels=labels)),
        py_array("X_TRAIN", t.x_train),
        py_array("Y_TRAIN", _labels(t.y_train, plan.task)),
        py_array("X_TEST", t.x_test),
        py_array("Y_TEST", _labels(t.y_test, plan.task)),
        "\n",
        comment(plan.t("script.weights_comment")),
    ]
    names = []
    for i, w in enumerate(t.initial_weights):
        names.append(f"_W{i}")
        parts.append(py_array(f"_W{i}", w))
    head = "INITIAL_WEIGHTS = ["
    parts.append(textwrap.fill(", ".join(names), 99, initial_indent=head,
                               subsequent_indent=" " * len(head)) + "]\n")
    parts.append("\n" + comment(plan.t("script.orders_comment")))
    parts.append(py_index_array("BATCH_ORDERS", plan.batch_orders))
    return "".join(parts)


def comment(text: str, indent: str = "") -> str:
    """``text`` as ``#`` comment lines at ``indent``, wrapped at 96 columns."""
    return "".join(f"{indent}# {line}\n" for line in textwrap.wrap(text, 96 - len(indent)))


def _labels(y: NDArray[Any], task: str) -> NDArray[Any]:
    if task == "multiclass":
        return np.asarray(y, dtype=np.int64).astype(np.uint8)
    return y


def describe(plan: ExportPlan) -> str:
    """Lines of the script's docstring that say which experiment it reproduces."""
    e = plan.experiment
    d = e.dataset
    # numbers as Python writes them (str): a script's comment quotes the values it runs with
    data = (plan.t("script.describe_data", name=d.name, samples=str(d.samples),
                   noise=f"{d.noise:g}", ratio=f"{d.train_ratio:g}", seed=str(d.seed))
            if d.name != "csv" else plan.t("script.describe_csv", points=str(len(d.points or []))))
    text = plan.t("script.describe", data=data, train=str(len(plan.training.x_train)),
                  test=str(len(plan.training.x_test)), features=", ".join(e.features),
                  loss=e.resolved_loss(), dtype=e.dtype, batch_size=str(e.batch_size),
                  epochs=str(plan.epochs), steps=str(plan.training.steps_per_epoch),
                  shuffle=str(e.shuffle), seed=str(e.seed))
    return "\n".join(textwrap.wrap(text, 96))


def scalar(value: Any) -> float:
    """A core hyperparameter as a float (the MLP never has per-run arrays)."""
    return float(np.asarray(value, dtype=np.float64))


def literal(value: Any) -> str:
    """A config value as a Python literal (strings in double quotes, floats shortest)."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return py_float(value)


def kwarg(key: str, value: Any) -> str:
    """``key=value`` for a core config entry (numbers, arrays of one value, as floats)."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return f"{key}={literal(value)}"
    return f"{key}={py_float(scalar(value))}"


def py_call(func: str, args: list[str], indent: int = 0, suffix: str = "",
            width: int = 100) -> str:
    """``func(a, b, ...)`` + suffix at ``indent``, arguments wrapped under the opening
    parenthesis where the line would pass ``width``."""
    pad = " " * indent
    one = f"{pad}{func}({', '.join(args)}){suffix}"
    if len(one) <= width or not args:
        return one
    lines: list[str] = []
    current = f"{pad}{func}("
    hang = " " * len(current)
    for i, arg in enumerate(args):
        piece = arg + (", " if i < len(args) - 1 else f"){suffix}")
        if len(current) + len(piece.rstrip()) > width and current.strip() not in (f"{func}(", ""):
            lines.append(current.rstrip())
            current = hang
        current += piece
    lines.append(current)
    return "\n".join(lines)
