"""The learning-rate range test (Leslie Smith; fastai's ``lr_find``) on an MLP experiment.

The experiment's network is built fresh from its seed (the page's own training is untouched),
with its optimizer at a constant rate. Minibatch step i = 0 … num_it − 1 (epochs reshuffled as
in training) uses lr_i = start_lr · (end_lr / start_lr) ** (i / num_it) (fastai's ``SchedExp``
at position i / num_it). After each step the batch loss (as Keras reports it) enters a debiased
exponential moving average:
    avg = beta * avg + (1 - beta) * loss;  smoothed = avg / (1 - beta ** (i + 1)),  beta = 0.98
and the sweep stops once smoothed > 4 · (best smoothed so far), that step included. A loss that
is not finite ends the sweep before it is recorded (fastai records a NaN and drops it and what
follows from the suggestions; JSON cannot carry it).

Suggestions, as fastai computes them on the smoothed losses without the first num_it // 10 and
the last 5 points:
    valley   the longest strictly decreasing run of losses (fastai's O(n²) longest-decreasing
             subsequence): the rate at 1/3 + 1/6 of the way along it
    steep    the rate where d loss / d log(lr) is most negative (the left point of that pair)
    minimum  the rate of the smallest loss, ÷ 10
None where too few points remain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.jobs.mlp_training import MlpTraining
from app.schema.mlp_experiment import MlpExperiment
from app.schema.optimizer_spec import ScheduleSpec

BETA = 0.98
STOP_FACTOR = 4.0
SKIP_END = 5


@dataclass
class LrFindResult:
    learning_rates: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    smoothed: list[float] = field(default_factory=list)
    suggestions: dict[str, float | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"learning_rates": self.learning_rates, "losses": self.losses,
                "smoothed": self.smoothed, "suggestions": self.suggestions}


def sweep_rate(start_lr: float, end_lr: float, i: int, num_it: int) -> float:
    """fastai's exponential schedule at step ``i`` of ``num_it``."""
    return float(start_lr * (end_lr / start_lr) ** (i / num_it))


def lr_find(experiment: MlpExperiment, start_lr: float = 1e-7, end_lr: float = 10.0,
            num_it: int = 100) -> LrFindResult:
    """Sweep the rate over ``num_it`` minibatch steps and suggest rates (module docstring)."""
    num_it = max(num_it, 6)  # as fastai
    constant = experiment.optimizer.model_copy(update={"schedule": ScheduleSpec()})
    training = MlpTraining(experiment.model_copy(update={"optimizer": constant}))
    optimizer = training.optimizer
    model, x, y = training.model, training.x_train, training.y_train
    n, batch = len(x), experiment.batch_size
    result = LrFindResult()
    avg, best = 0.0, float("inf")
    batches: list[np.ndarray] = []
    with np.errstate(all="ignore"):
        for i in range(num_it):
            if not batches:
                order = training.shuffle_rng.permutation(n) if experiment.shuffle else np.arange(n)
                batches = [order[s:s + batch] for s in range(0, n, batch)]
            index = batches.pop(0)
            lr = sweep_rate(start_lr, end_lr, i, num_it)
            optimizer.set_hyperparameters(learning_rate=lr)
            loss = model.train_step(x[index], y[index], training.loss, optimizer)
            if not np.isfinite(loss):
                break
            avg = BETA * avg + (1.0 - BETA) * loss
            smoothed = avg / (1.0 - BETA ** (i + 1))
            if not np.isfinite(smoothed):
                break
            result.learning_rates.append(lr)
            result.losses.append(float(loss))
            result.smoothed.append(float(smoothed))
            best = min(best, smoothed)
            if smoothed > STOP_FACTOR * best:
                break
    result.suggestions = suggestions(result.learning_rates, result.smoothed, num_it)
    return result


def suggestions(learning_rates: list[float], smoothed: list[float],
                num_it: int) -> dict[str, float | None]:
    """fastai's ``valley``, ``steep`` and ``minimum`` on the trimmed curve."""
    end = len(smoothed) - SKIP_END
    lrs = np.asarray(learning_rates[num_it // 10:end], dtype=np.float64)
    losses = np.asarray(smoothed[num_it // 10:end], dtype=np.float64)
    if len(losses) < 2:
        return {"valley": None, "steep": None, "minimum": None}
    return {"valley": valley(lrs, losses), "steep": steep(lrs, losses),
            "minimum": float(lrs[int(np.argmin(losses))]) / 10.0}


def valley(lrs: np.ndarray, losses: np.ndarray) -> float:
    """The rate 1/3 + 1/6 into the longest run of decreasing losses (fastai's loop, as is)."""
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(i):
            if losses[i] < losses[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    return float(lrs[max_start + int(sections) + int(sections / 2)])


def steep(lrs: np.ndarray, losses: np.ndarray) -> float:
    """The rate where the loss falls fastest per unit of log(lr)."""
    slopes = np.diff(losses) / np.diff(np.log(lrs))
    return float(lrs[int(np.argmin(slopes))])
