"""The lesson files: every one validates, every step link opens cleanly, both languages say
everything, the named controls exist, and every goal is reached when the step's experiment runs
through the API (a lesson never promises what the instrument does not show)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.lessons import all_lessons
from app.lessons.goals import goal_reached
from app.lessons.links import read_step
from app.lessons.model import Lesson, Page, Step
from app.lessons.store import (
    LessonError,
    control_names,
    read_lesson,
    served_control_names,
)
from app.schema.labs import InitLab

REQUIRED = ["gradient-descent", "initialization", "vanishing-gradients", "activations",
            "batch-normalization", "gradient-clipping", "momentum", "nesterov", "adagrad",
            "rmsprop", "adam", "adamw", "lr-schedules", "l1-l2", "dropout", "mc-dropout",
            "max-norm", "loss-landscape"]

STEPS = [(lesson, index, step)
         for lesson in all_lessons() for index, step in enumerate(lesson.steps)]
STEP_IDS = [f"{lesson.id}-{index + 1}" for lesson, index, _ in STEPS]
GOALS = [(lesson, index, step) for lesson, index, step in STEPS if step.goal is not None]
GOAL_IDS = [f"{lesson.id}-{index + 1}" for lesson, index, _ in GOALS]
RUN_PATHS = {"surface": "/api/surface/run", "mlp": "/api/mlp/run"}


def test_every_required_lesson_exists_and_ids_are_unique():
    ids = [lesson.id for lesson in all_lessons()]
    assert len(ids) == len(set(ids))
    assert set(REQUIRED) <= set(ids), sorted(set(REQUIRED) - set(ids))


@pytest.mark.parametrize(("lesson", "index", "step"), STEPS, ids=STEP_IDS)
def test_every_step_link_decodes_without_a_notice(lesson: Lesson, index: int, step: Step):
    _, notices = read_step(step)
    assert notices == [], [n.to_dict() for n in notices]


@pytest.mark.parametrize(("lesson", "index", "step"), STEPS, ids=STEP_IDS)
def test_both_languages_have_text_for_every_step(lesson: Lesson, index: int, step: Step):
    texts = [step.text]
    if step.question is not None:
        texts += [step.question.prompt, step.question.explanation, *step.question.choices]
    if step.goal is not None:
        texts += [step.goal.met, step.goal.missed]
    for text in texts:
        assert text.es.strip() and text.en.strip()
    assert step.text.es != step.text.en


@pytest.mark.parametrize("lesson", all_lessons(), ids=lambda lesson: lesson.id)
def test_every_lesson_ends_with_the_keras_code_of_its_slide(lesson: Lesson):
    last = lesson.steps[-1].text
    for text in (last.es, last.en):
        assert "```python" in text and "keras." in text, lesson.id


@pytest.mark.parametrize("page", sorted({step.page for _, _, step in STEPS}))
def test_highlighted_and_hidden_controls_are_in_the_schema_the_page_reads(client, page: Page):
    """The store checks steps against the schema the page fetches (``/api/schema/{page}``)."""
    served = served_control_names(client.get(f"/api/schema/{page}").json())
    assert control_names(page) == served
    named = {name for _, _, step in STEPS if step.page == page
             for name in step.highlight + step.hide}
    assert named <= served, sorted(named - served)


@pytest.mark.parametrize(("lesson", "index", "step"), GOALS, ids=GOAL_IDS)
def test_every_goal_is_reached_when_the_step_runs_through_the_api(client, lesson: Lesson,
                                                                  index: int, step: Step):
    experiment, _ = read_step(step)
    answer = client.post(RUN_PATHS[step.page], json=experiment.model_dump(mode="json"))
    assert answer.status_code == 200, answer.text
    assert step.goal is not None
    assert goal_reached(step.goal, answer.json()), (lesson.id, index + 1, step.goal)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


LESSON = """
id: {id}
section: optimizers
order: 1
minutes: 3
title: {{es: Hola, en: Hello}}
summary: {{es: Resumen, en: Summary}}
steps:
  - text: {{es: Texto, en: Text}}
    link: {link}
    highlight: {highlight}
"""


def test_a_broken_lesson_file_is_refused_with_its_name(tmp_path):
    good = _write(tmp_path, "ok", LESSON.format(id="ok", link="/surface?n=10", highlight="[steps]"))
    assert read_lesson(good).steps[0].page == "surface"
    cases = {
        "renamed": LESSON.format(id="renamed", link="/surface?n=10", highlight="[stepz]"),
        "elsewhere": LESSON.format(id="elsewhere", link="/admin?n=1", highlight="[]"),
        "hidden": LESSON.format(id="hidden", link="/mlp?hide=loss", highlight="[]"),
        "wrong-id": LESSON.format(id="other", link="/mlp", highlight="[]"),
        # the activation lab's field is `activations`: a renamed field breaks the lesson
        "lab-field": LESSON.format(id="lab-field", link="/activations?a=relu",
                                   highlight="[activation]"),
        "lab-run": LESSON.format(id="lab-run", link="/init?d=4", highlight="[depth]")
        + "    run: {}\n",
    }
    for name, text in cases.items():
        with pytest.raises(LessonError, match=name):
            read_lesson(_write(tmp_path, name, text))


def test_a_lab_or_a_panel_link_is_read_as_its_page_reads_it(tmp_path):
    lab = read_lesson(_write(tmp_path, "lab", LESSON.format(
        id="lab", link="/init?d=4&a.i=zeros&b.a=relu", highlight="[initializer, activation]")))
    experiment, notices = read_step(lab.steps[0])
    assert notices == [] and isinstance(experiment, InitLab) and experiment.depth == 4
    assert (experiment.a.initializer, experiment.b.activation) == ("zeros", "relu")
    panel = read_lesson(_write(tmp_path, "panel", LESSON.format(
        id="panel", link="/mlp?ep=5&ls.v=pca&ls.g=4", highlight="[]")))
    _, notices = read_step(panel.steps[0])
    assert [n.key for n in notices] == ["ls.g"]  # the grid must be odd: the page resets it
