"""Whether a step's goal is reached by a whole run, as the run APIs answer it.

The player checks the same rules frame by frame on the page's stream (static/js/lesson_goals.js):
``reach`` is met by any frame, ``final`` and ``compare`` are judged when the run ends,
``diverges`` when the run diverges. A diverged run's loss counts as +∞.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

from app.lessons.model import CompareGoal, DivergeGoal, FinalGoal, Goal, ReachGoal

OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


def _number(value: Any) -> float:
    return math.inf if value is None or not math.isfinite(float(value)) else float(value)


def series(result: dict[str, Any], metric: str, run: int) -> tuple[Sequence[float], str]:
    """The metric's values over the run, first to last, and the run's status, from a surface
    race (``runs``) or an MLP training (``epochs``) answer."""
    if "runs" in result:
        race = result["runs"][run]
        return [_number(v) for v in race["losses"]], race["status"]
    values = [_number(e[metric]) for e in result["epochs"]]
    return values, result["status"]


def _final(result: dict[str, Any], metric: str, run: int) -> float:
    values, status = series(result, metric, run)
    return math.inf if status == "diverged" or not values else values[-1]


def goal_reached(goal: Goal, result: dict[str, Any]) -> bool:
    """Whether ``result`` (a whole run through the API) meets ``goal``."""
    if isinstance(goal, DivergeGoal):
        return series(result, "loss", goal.run)[1] == "diverged"
    if isinstance(goal, CompareGoal):
        return OPS[goal.op](_final(result, goal.metric, goal.run),
                            _final(result, goal.metric, goal.other))
    if isinstance(goal, ReachGoal):
        values, _ = series(result, goal.metric, goal.run)
        return any(OPS[goal.op](v, goal.value) for v in values if math.isfinite(v))
    assert isinstance(goal, FinalGoal)
    return OPS[goal.op](_final(result, goal.metric, goal.run), goal.value)
