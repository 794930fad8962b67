"""Goals judged on whole runs (app/lessons/goals.py): reach, final, compare, diverges."""

from __future__ import annotations

import math

from pydantic import TypeAdapter

from app.lessons.goals import goal_reached
from app.lessons.model import Goal

FEEDBACK = {"met": {"es": "sí", "en": "yes"}, "missed": {"es": "no", "en": "no"}}
GOAL: TypeAdapter[Goal] = TypeAdapter(Goal)


def goal(**fields):
    return GOAL.validate_python({**FEEDBACK, **fields})


def race(*runs):
    return {"runs": [{"losses": losses, "status": status} for losses, status in runs]}


def training(values, status="ok", metric="test_metric"):
    return {"status": status, "epochs": [{metric: v} for v in values]}


def test_reach_is_met_by_any_epoch_and_final_only_by_the_last():
    values = [0.5, 0.95, 0.8]
    assert goal_reached(goal(kind="reach", metric="test_metric", op=">=", value=0.9),
                        training(values))
    assert not goal_reached(goal(kind="final", metric="test_metric", op=">=", value=0.9),
                            training(values))
    assert goal_reached(goal(kind="final", metric="test_metric", op="<=", value=0.8),
                        training(values))


def test_compare_counts_a_diverged_run_as_infinite_loss():
    both = race(([3.0, 1.0], "ok"), ([3.0, 0.1], "ok"))
    assert goal_reached(goal(kind="compare", run=0, other=1, op=">"), both)
    assert not goal_reached(goal(kind="compare", run=0, other=1, op="<"), both)
    blown = race(([3.0, 1e-9], "diverged"), ([3.0, 2.0], "ok"))
    assert goal_reached(goal(kind="compare", run=0, other=1, op=">"), blown)


def test_diverges_reads_the_status_and_none_is_infinite():
    assert goal_reached(goal(kind="diverges", run=1), race(([1.0], "ok"), ([math.inf], "diverged")))
    assert not goal_reached(goal(kind="diverges", run=0), race(([1.0], "ok")))
    assert goal_reached(goal(kind="final", metric="train_loss", op=">=", value=10.0),
                        training([1.0, None], metric="train_loss"))
