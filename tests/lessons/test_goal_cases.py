"""app/lessons/goals.py on the goal cases shared with static/js/lesson_goals.js
(tests/js/goal_cases.test.mjs): every goal kind, equal values, NaN and diverged runs, absent
and switched-off runs."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from app.lessons.goals import goal_reached
from app.lessons.model import Goal
from tests.lessons.goal_cases import cases, decoded, step_goal

CASES = cases()


def test_the_cases_cover_every_goal_kind_on_both_pages_with_both_verdicts():
    kinds = {c["goal"]["kind"] for c in CASES}
    schema_kinds = {get_args(g.model_fields["kind"].annotation)[0]
                    for g in get_args(get_args(Goal)[0])}
    assert kinds == schema_kinds
    assert {c["page"] for c in CASES} == {"surface", "mlp"}
    assert {c["expected"] for c in CASES} == {"met", "missed"}
    assert {c["live"] for c in CASES} == {"met", "pending"}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_goals_py_judges_each_case_as_expected(case: dict[str, Any]):
    assert goal_reached(step_goal(case), decoded(case["result"])) == (case["expected"] == "met")
