"""Shared by the export tests: the networks of the acceptance test, our reference losses, and a
runner that executes many exported scripts in one interpreter (importing keras or torch once).

Every network is WITHOUT dropout (dropout masks of Keras/torch cannot match ours); together they
cover Dense, BatchNormalization before and after, every activation, every initializer,
l1/l2/l1_l2, max_norm, every optimizer, every schedule, the three clippings, weight decay, both
dtypes and the three losses (binary on xor/circle, categorical on blobs, mse on reg_plane).
"""

from __future__ import annotations

import ast
import json
import math
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.jobs.mlp_training import MlpTraining
from app.schema.mlp_experiment import MlpExperiment

EPOCHS = 20
RTOL = 1e-4


def _layer(activation: str, init: str, **extra: Any) -> dict[str, Any]:
    return {"units": 6, "activation": activation, "kernel_initializer": init, **extra}


def _data(name: str) -> dict[str, Any]:
    return {"name": name, "samples": 100, "noise": 0.1, "train_ratio": 0.5, "seed": 3}


VS_HE_AVG = {"scale": 2.0, "mode": "fan_avg", "distribution": "uniform"}

CASES: dict[str, dict[str, Any]] = {
    "sgd_sigmoid_tanh_relu": {
        "dataset": _data("xor"),
        "layers": [_layer("sigmoid", "glorot_normal"), _layer("tanh", "he_normal"),
                   _layer("relu", "he_uniform")],
        "optimizer": {"optimizer": "sgd", "learning_rate": 0.1},
    },
    "momentum_leaky_elu_selu": {
        "dataset": _data("circle"),
        "layers": [_layer("leaky_relu", "lecun_normal"), _layer("elu", "lecun_uniform"),
                   _layer("selu", "random_normal")],
        "optimizer": {"optimizer": "momentum", "learning_rate": 0.02},
    },
    "nesterov_clipvalue_gelu_swish_softplus": {
        "dataset": _data("xor"),
        "layers": [_layer("gelu", "random_uniform"),
                   _layer("swish", "variance_scaling", variance_scaling=VS_HE_AVG),
                   _layer("softplus", "glorot_uniform")],
        "optimizer": {"optimizer": "nesterov", "learning_rate": 0.02, "clipvalue": 0.5},
    },
    "adagrad_clipnorm_mish_linear_blobs": {
        "dataset": _data("blobs"),
        "layers": [_layer("mish", "ones"), _layer("linear", "zeros"),
                   _layer("tanh", "glorot_uniform")],
        "optimizer": {"optimizer": "adagrad", "learning_rate": 0.1, "clipnorm": 0.5},
    },
    "rmsprop_bn_before_batch_of_one": {
        # 50 training points in batches of 7: the last batch has one row
        "dataset": _data("circle"), "batch_size": 7,
        "layers": [_layer("relu", "he_normal", batch_normalization="before"),
                   _layer("tanh", "glorot_uniform", batch_normalization="before")],
        "optimizer": {"optimizer": "rmsprop", "learning_rate": 0.005, "centered": True,
                      "momentum": 0.5},
    },
    "adam_amsgrad_bn_after_global_clipnorm": {
        "dataset": _data("xor"),
        "layers": [_layer("tanh", "glorot_uniform", batch_normalization="after"),
                   _layer("relu", "he_uniform", batch_normalization="after")],
        "optimizer": {"optimizer": "adam", "learning_rate": 0.01, "amsgrad": True,
                      "global_clipnorm": 1.0},
    },
    "adamax_regularizers_max_norm": {
        "dataset": _data("xor"),
        "layers": [_layer("tanh", "he_normal", kernel_regularizer={"name": "l1", "l1": 0.003}),
                   _layer("relu", "he_normal", kernel_regularizer={"name": "l2", "l2": 0.01},
                          max_norm=1.0),
                   _layer("elu", "glorot_uniform", max_norm=0.5,
                          kernel_regularizer={"name": "l1_l2", "l1": 0.001, "l2": 0.002})],
        "optimizer": {"optimizer": "adamax", "learning_rate": 0.01},
    },
    "nadam_power_schedule_mse": {
        "dataset": _data("reg_plane"),
        "layers": [_layer("tanh", "glorot_uniform"), _layer("swish", "he_normal")],
        "optimizer": {"optimizer": "nadam", "learning_rate": 0.01,
                      "schedule": {"name": "power", "decay_steps": 20.0, "power": 2.0}},
    },
    "adamw_onecycle_blobs": {
        "dataset": _data("blobs"),
        "layers": [_layer("relu", "he_normal"), _layer("tanh", "glorot_uniform")],
        "optimizer": {"optimizer": "adamw", "learning_rate": 0.02, "weight_decay": 0.01,
                      "schedule": {"name": "onecycle"}},
    },
    "float64_sgd_weight_decay_exponential_staircase": {
        "dataset": _data("circle"), "dtype": "float64",
        "layers": [_layer("tanh", "glorot_uniform", batch_normalization="before"),
                   _layer("sigmoid", "glorot_uniform")],
        "optimizer": {"optimizer": "sgd", "learning_rate": 0.2, "weight_decay": 0.01,
                      "schedule": {"name": "exponential", "decay_steps": 15.0,
                                   "decay_rate": 0.5, "staircase": True}},
    },
    "momentum_inverse_time_decay": {
        # momentum under a schedule: the torch script writes Keras' SGD rule out
        "dataset": _data("xor"),
        "layers": [_layer("tanh", "glorot_uniform"), _layer("relu", "he_normal")],
        "optimizer": {"optimizer": "nesterov", "learning_rate": 0.05,
                      "schedule": {"name": "power", "decay_steps": 30.0, "power": 1.0}},
    },
    "rmsprop_piecewise": {
        "dataset": _data("circle"),
        "layers": [_layer("elu", "he_uniform")],
        "optimizer": {"optimizer": "rmsprop", "learning_rate": 0.01,
                      "schedule": {"name": "piecewise", "boundaries": [30, 60],
                                   "factors": [1.0, 0.3, 0.1]}},
    },
    "adam_cosine_mse_float64": {
        "dataset": _data("reg_plane"), "dtype": "float64",
        "layers": [_layer("gelu", "glorot_uniform", batch_normalization="after")],
        "optimizer": {"optimizer": "adam", "learning_rate": 0.02,
                      "schedule": {"name": "cosine", "decay_steps": 60.0, "alpha": 0.1}},
    },
    "all_features_no_shuffle": {
        "dataset": _data("xor"), "shuffle": False, "batch_size": 16,
        "features": ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"],
        "layers": [_layer("softplus", "lecun_normal")],
        "optimizer": {"optimizer": "adam", "learning_rate": 0.01, "epsilon": 1e-4},
    },
    "lion_weight_decay_cosine": {
        "dataset": _data("circle"),
        "layers": [_layer("tanh", "glorot_uniform"), _layer("relu", "he_normal")],
        "optimizer": {"optimizer": "lion", "learning_rate": 0.001, "weight_decay": 0.01,
                      "schedule": {"name": "cosine", "decay_steps": 60.0, "alpha": 0.1}},
    },
}

DROPOUT_CASE: dict[str, Any] = {
    "dataset": _data("xor"),
    "layers": [_layer("relu", "he_normal", dropout=0.2)],
    "optimizer": {"optimizer": "adam", "learning_rate": 0.01},
}


def experiment(patch: dict[str, Any]) -> MlpExperiment:
    return MlpExperiment.model_validate({"batch_size": 10, "epochs": EPOCHS, "seed": 7, **patch})


def reference(exp: MlpExperiment, epochs: int = EPOCHS) -> list[dict[str, float]]:
    """Our losses: ``train_epoch()`` and the inference-mode test loss after each epoch."""
    training = MlpTraining(exp)
    out = []
    for k in range(1, epochs + 1):
        loss = training.train_epoch()
        val = training.model.evaluate(training.x_test, training.y_test, training.loss)
        out.append({"epoch": k, "loss": loss, "val_loss": val})
    return out


RUNNER = '''\
import json, runpy, sys, traceback
for name, path in zip(sys.argv[1::2], sys.argv[2::2]):
    print("### " + name, flush=True)
    try:
        runpy.run_path(path, run_name="__main__")
    except Exception:
        print("### error " + json.dumps(traceback.format_exc()), flush=True)
'''


def start_runner(scripts: dict[str, Path], workdir: Path, env: dict[str, str]
                 ) -> subprocess.Popen[str]:
    """Run every script (name -> path) in turn in one new interpreter."""
    runner = workdir / "run_scripts.py"
    runner.write_text(RUNNER)
    args = [sys.executable, str(runner)]
    for name, path in scripts.items():
        args += [name, str(path)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)


def parse_runner(stdout: str) -> dict[str, list[dict[str, Any]] | str]:
    """name -> the JSON lines a script printed, or the traceback it raised."""
    results: dict[str, list[dict[str, Any]] | str] = {}
    name = ""
    for line in stdout.splitlines():
        if line.startswith("### error "):
            results[name] = json.loads(line[len("### error "):])
        elif line.startswith("### "):
            name = line[4:]
            results[name] = []
        elif line.startswith("{") and isinstance(results.get(name), list):
            lines = results[name]
            assert isinstance(lines, list)
            lines.append(json.loads(line))
    return results


def mismatches(got: list[dict[str, Any]], want: list[dict[str, float]],
               rtol: float = RTOL) -> list[str]:
    """Each epoch whose loss or val_loss differs by more than rtol (relative)."""
    if len(got) != len(want):
        return [f"{len(got)} epochs printed, {len(want)} expected"]
    bad = []
    for g, w in zip(got, want, strict=True):
        for key in ("loss", "val_loss"):
            diff = abs(g[key] - w[key]) / max(abs(w[key]), 1e-6)
            if not diff <= rtol:
                bad.append(f"epoch {w['epoch']} {key}: script {g[key]!r}, ours {w[key]!r} "
                           f"(relative difference {diff:.2e})")
    return bad


def ruff_problems(sources: dict[str, str], workdir: Path) -> str:
    """ruff's findings on the generated scripts, with the project's rule set ("" if clean);
    skips the calling test where ruff is not installed."""
    beside = Path(sys.executable).with_name("ruff")
    ruff = str(beside) if beside.exists() else shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install ruff, or the project's test extra)")
    for name, source in sources.items():
        (workdir / f"{name}.py").write_text(source)
    result = subprocess.run(
        [ruff, "check", "--isolated", "--no-cache", "--select", "E,F,W,I,B,UP,SIM",
         "--line-length", "100", "--output-format", "concise", str(workdir)],
        capture_output=True, text=True)
    return "" if result.returncode == 0 else result.stdout + result.stderr


def flat(text: str) -> str:
    """Whitespace collapsed: the generator wraps long calls wherever they pass 100 columns."""
    return " ".join(text.split()).replace("( ", "(")


def imports(source: str) -> set[str]:
    """The top-level modules a script imports."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


def run_scripts(generate: Callable[[MlpExperiment], str], runs: dict[str, dict[str, Any]],
                standalone: dict[str, Any], workdir: Path, env: dict[str, str]
                ) -> dict[str, Any]:
    """Write each run's script (``generate``), run them in two interpreters and ``standalone``'s
    script on its own as ``python script.py``, and compute our reference losses meanwhile.

    Returns {"results": name -> parse_runner's lines or traceback, "references": name -> ours,
    "standalone": (returncode, stdout, stderr)}."""
    scripts = {}
    for name, patch in runs.items():
        scripts[name] = workdir / f"{name}.py"
        scripts[name].write_text(generate(experiment(patch)))
    alone_path = workdir / "standalone.py"
    alone_path.write_text(generate(experiment(standalone)))
    names = list(scripts)
    runners = [start_runner({n: scripts[n] for n in names[i::2]}, workdir, env)
               for i in range(2)]
    alone = subprocess.Popen([sys.executable, str(alone_path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    references = {name: reference(experiment(patch)) for name, patch in runs.items()}
    results: dict[str, Any] = {}
    for runner in runners:
        out, err = runner.communicate(timeout=600)
        assert runner.returncode == 0, err[-3000:]
        results.update(parse_runner(out))
    out, err = alone.communicate(timeout=600)
    return {"results": results, "references": references,
            "standalone": (alone.returncode, out, err)}


def check_run(runs: dict[str, Any], name: str, rtol: float = RTOL) -> None:
    """The script of ``name`` printed every epoch, each within ``rtol`` of our losses."""
    got = runs["results"].get(name)
    assert not isinstance(got, str), f"the script raised:\n{got}"
    assert got is not None, "the script printed nothing"
    assert [line["epoch"] for line in got] == list(range(1, EPOCHS + 1))
    assert mismatches(got, runs["references"][name], rtol) == []


def check_standalone_trains(runs: dict[str, Any]) -> None:
    """The standalone script (dropout: masks differ from ours) ran every epoch and learned."""
    returncode, out, err = runs["standalone"]
    assert returncode == 0, err[-3000:]
    lines = parse_runner("### standalone\n" + out)["standalone"]
    assert isinstance(lines, list)
    assert [line["epoch"] for line in lines] == list(range(1, EPOCHS + 1))
    assert all(math.isfinite(line["loss"]) for line in lines)
    assert lines[-1]["loss"] < lines[0]["loss"]
