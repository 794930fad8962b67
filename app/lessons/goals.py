"""Whether a step's goal is reached by a whole run, as the run APIs answer it.

The player checks the same rules frame by frame on the page's stream (static/js/lesson_goals.js):
``reach`` is met by any frame, ``final`` and ``compare`` are judged when the run ends,
``diverges`` when the run diverges. A diverged run's loss counts as +∞. A run with nothing to
judge (not in the answer, switched off, no value) meets no goal. Both sides are tested on the
same cases: tests/lessons/goal_cases.json.
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
    race (``runs``) or an MLP training (``epochs``) answer; a race run not in the answer has
    no values and status ``"absent"``."""
    if "runs" in result:
        if run >= len(result["runs"]):
            return [], _status(result, run)
        return [_number(v) for v in result["runs"][run]["losses"]], _status(result, run)
    return [_number(e[metric]) for e in result["epochs"]], _status(result, run)


def _status(result: dict[str, Any], run: int) -> str:
    if "runs" in result:
        return str(result["runs"][run]["status"]) if run < len(result["runs"]) else "absent"
    return str(result["status"])


def _final(result: dict[str, Any], metric: str, run: int) -> float | None:
    """The run's last value, +∞ if it diverged, None if it has none to judge."""
    values, status = series(result, metric, run)
    if status == "diverged":
        return math.inf
    return values[-1] if values else None


def goal_reached(goal: Goal, result: dict[str, Any]) -> bool:
    """Whether ``result`` (a whole run through the API) meets ``goal``."""
    if isinstance(goal, DivergeGoal):
        return _status(result, goal.run) == "diverged"
    if isinstance(goal, CompareGoal):
        own, other = _final(result, goal.metric, goal.run), _final(result, goal.metric, goal.other)
        return own is not None and other is not None and OPS[goal.op](own, other)
    if isinstance(goal, ReachGoal):
        values, _ = series(result, goal.metric, goal.run)
        return any(OPS[goal.op](v, goal.value) for v in values if math.isfinite(v))
    assert isinstance(goal, FinalGoal)
    final = _final(result, goal.metric, goal.run)
    return final is not None and OPS[goal.op](final, goal.value)
