"""A lesson as the API and the player show it in one language: texts picked, links written,
the run's length read from the step's link, each goal described in words."""

from __future__ import annotations

from typing import Any

from app.i18n import translate
from app.lessons.links import read_step, step_query, step_url
from app.lessons.model import CompareGoal, DivergeGoal, Goal, Lesson, Step
from app.schema.mlp_experiment import MlpExperiment
from app.schema.surface_experiment import SurfaceExperiment, SurfaceView

DEFAULT_MLP_SPEED = 25.0
"""Epochs per second of the MLP page's player (static/js/mlp_page.js)."""


def lesson_url(lesson: Lesson, lang: str) -> str:
    return f"/lessons/{lesson.id}?lang={lang}"


def card(lesson: Lesson, lang: str) -> dict[str, Any]:
    """What the lessons list shows of a lesson."""
    return {"id": lesson.id, "section": lesson.section,
            "section_title": translate(lang, f"lessons.section.{lesson.section}"),
            "title": lesson.title.get(lang), "summary": lesson.summary.get(lang),
            "minutes": lesson.minutes, "steps": len(lesson.steps), "url": lesson_url(lesson, lang)}


def _run(step: Step) -> dict[str, Any] | None:
    if step.run is None:
        return None
    experiment, _ = read_step(step)
    if isinstance(experiment, SurfaceExperiment):
        speed = float(step_query(step).get("sp", SurfaceView().speed))
        return {"unit": "steps", "count": experiment.steps, "speed": speed}
    assert isinstance(experiment, MlpExperiment)
    return {"unit": "epochs", "count": experiment.epochs,
            "speed": step.run.speed or DEFAULT_MLP_SPEED}


def goal_label(step: Step, lang: str) -> str:
    """The goal in words: "test accuracy ≥ 0,9", "AdaGrad's final loss > Adam's" …"""
    goal = step.goal
    assert goal is not None
    experiment, _ = read_step(step)
    runs = getattr(experiment, "runs", None)

    def run_name(index: int) -> str:
        if runs is None or index >= len(runs):
            return translate(lang, "lessons.goal.network")
        return translate(lang, f"optimizer.{runs[index].optimizer}")

    if isinstance(goal, DivergeGoal):
        return translate(lang, "lessons.goal.diverges", run=run_name(goal.run))
    metric = translate(lang, f"lessons.metric.{goal.metric}")
    if isinstance(goal, CompareGoal):
        return translate(lang, "lessons.goal.compare", metric=metric, run=run_name(goal.run),
                         op=goal.op, other=run_name(goal.other))
    return translate(lang, f"lessons.goal.{goal.kind}", metric=metric, op=goal.op.replace(
        ">=", "≥").replace("<=", "≤"), value=goal.value,
        run=run_name(goal.run))


def goal_rule(goal: Goal) -> dict[str, Any]:
    """What the player judges a goal by (static/js/lesson_goals.js), every field present."""
    return {"kind": goal.kind, "run": goal.run, "metric": getattr(goal, "metric", None),
            "op": getattr(goal, "op", None), "value": getattr(goal, "value", None),
            "other": getattr(goal, "other", None)}


def step_view(step: Step, lang: str) -> dict[str, Any]:
    """One step in ``lang``: the shape of ``GET /api/lessons/{id}``'s steps."""
    question = None if step.question is None else {
        "prompt": step.question.prompt.get(lang),
        "choices": [c.get(lang) for c in step.question.choices],
        "answer": step.question.answer, "explanation": step.question.explanation.get(lang)}
    goal = None
    if step.goal is not None:
        g = step.goal
        goal = {**goal_rule(g), "label": goal_label(step, lang),
                "met": g.met.get(lang), "missed": g.missed.get(lang)}
    return {"text": step.text.get(lang), "page": step.page, "url": step_url(step, lang),
            "highlight": list(step.highlight), "hide": list(step.hide), "question": question,
            "run": _run(step), "goal": goal}


def lesson_view(lesson: Lesson, lang: str) -> dict[str, Any]:
    return {**card(lesson, lang), "steps": [step_view(s, lang) for s in lesson.steps]}
