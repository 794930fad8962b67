"""The goal cases both judges are tested on (goal_cases.json): read, and shaped for each side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.lessons.model import Goal, Run, Step
from app.lessons.views import goal_rule

PATH = Path(__file__).resolve().parent / "goal_cases.json"
FEEDBACK = {"met": {"es": "sí", "en": "yes"}, "missed": {"es": "no", "en": "no"}}
NON_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def cases() -> list[dict[str, Any]]:
    return list(json.loads(PATH.read_text(encoding="utf-8"))["cases"])


def decoded(value: Any) -> Any:
    """The case's run with its non-finite numbers (written as strings) as floats."""
    if isinstance(value, dict):
        return {key: decoded(v) for key, v in value.items()}
    if isinstance(value, list):
        return [decoded(v) for v in value]
    return NON_FINITE.get(value, value) if isinstance(value, str) else value


def step_goal(case: dict[str, Any]) -> Goal:
    """The case's goal validated as a lesson step on its page (the same checks as a YAML's)."""
    step = Step.model_validate({"text": {"es": "a", "en": "b"}, "link": f"/{case['page']}",
                                "run": Run(), "goal": {**FEEDBACK, **case["goal"]}})
    assert step.goal is not None
    return step.goal


def served(case: dict[str, Any]) -> dict[str, Any]:
    """The case with its goal as the lesson player receives it (GET /api/lessons/{id})."""
    return {**case, "goal": goal_rule(step_goal(case))}
