"""A lesson as data: an ordered list of steps, each a link to an instrument with its text beside
it, in Spanish and English side by side. Validated when the app starts and in the tests.

A step's ``link`` is a link the pages already read (``/mlp?…``, ``/surface?…``, ``/map?…``, the
labs ``/activations?…`` and ``/init?…``): no lesson-only parameter. ``highlight`` and ``hide``
name the page's controls by schema field (checked against the served schema by
:mod:`app.lessons.store`). A goal is checked on the run's stream by the player and on the whole
run by the tests (:mod:`app.lessons.goals`); the map and the labs compute at once: no run there.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Page = Literal["surface", "mlp", "map", "activations", "init"]
PAGES: tuple[Page, ...] = ("surface", "mlp", "map", "activations", "init")
STILL_PAGES: tuple[Page, ...] = ("map", "activations", "init")
"""Pages that compute at once, with no stream to play or judge: their steps have no run."""
SECTIONS = ("initialization", "activations", "optimizers", "normalization", "schedules",
            "regularization")
"""The lecture's sections, in its order (titles in the ``lessons`` catalog)."""
Section = Literal["initialization", "activations", "optimizers", "normalization", "schedules",
                  "regularization"]
MAX_STEPS = 20
MAX_TEXT = 4000

Markdown = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """One text in both languages."""

    es: Markdown
    en: Markdown

    def get(self, lang: str) -> str:
        return self.es if lang == "es" else self.en


class Question(_Strict):
    """A multiple-choice "what will happen?", answered before the run; the answer is revealed
    after it."""

    prompt: Text
    choices: Annotated[list[Text], Field(min_length=2, max_length=5)]
    answer: Annotated[int, Field(ge=0)]
    explanation: Text

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> Question:
        if self.answer >= len(self.choices):
            raise ValueError(f"answer {self.answer} is not one of {len(self.choices)} choices")
        return self


class Run(_Strict):
    """Play the step's experiment: the link's steps (surface) or epochs (MLP). ``speed`` is the
    MLP's epochs per second (the surface's speed is its link's ``sp``)."""

    speed: Annotated[float, Field(gt=0, le=2000)] | None = None


Metric = Literal["loss", "train_loss", "test_loss", "train_metric", "test_metric"]
SURFACE_METRICS = ("loss",)
MLP_METRICS = ("train_loss", "test_loss", "train_metric", "test_metric")


class _Goal(_Strict):
    met: Text
    """Feedback when the goal is met."""
    missed: Text
    """Feedback when the run ends without it."""
    run: Annotated[int, Field(ge=0, le=15)] = 0
    """Which race run (surface); 0 on the MLP."""


class ReachGoal(_Goal):
    """Met as soon as a frame has ``metric op value`` (e.g. test accuracy ≥ 0.9)."""

    kind: Literal["reach"]
    metric: Metric
    op: Literal[">=", "<="]
    value: float


class FinalGoal(_Goal):
    """Checked when the run ends: ``metric op value`` at the last epoch or step."""

    kind: Literal["final"]
    metric: Metric
    op: Literal[">=", "<="]
    value: float


class CompareGoal(_Goal):
    """Checked when the run ends: run ``run``'s final ``metric`` ``op`` run ``other``'s (a
    diverged run's loss counts as +∞)."""

    kind: Literal["compare"]
    metric: Metric = "loss"
    op: Literal[">", "<"]
    other: Annotated[int, Field(ge=0, le=15)]


class DivergeGoal(_Goal):
    """Met when run ``run`` diverges."""

    kind: Literal["diverges"]


Goal = Annotated[ReachGoal | FinalGoal | CompareGoal | DivergeGoal, Field(discriminator="kind")]


class Step(_Strict):
    """One screen of a lesson: its text beside the instrument the link opens."""

    text: Text
    link: Annotated[str, Field(min_length=1, max_length=4000)]
    highlight: Annotated[list[str], Field(max_length=8)] = []
    hide: Annotated[list[str], Field(max_length=32)] = []
    question: Question | None = None
    run: Run | None = None
    goal: Goal | None = None

    @field_validator("link")
    @classmethod
    def _page_link(cls, link: str) -> str:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or parts.path.lstrip("/") not in PAGES:
            raise ValueError(f"a step links to one of /{', /'.join(PAGES)}, not {link!r}")
        if "lang=" in parts.query or "embed=" in parts.query or "present=" in parts.query:
            raise ValueError("lang, embed and present are the player's, not the step's")
        if "hide=" in parts.query:
            raise ValueError("a step names its hidden controls in `hide`, not in the link")
        return link

    @property
    def page(self) -> Page:
        path = urlsplit(self.link).path.lstrip("/")
        return next(p for p in PAGES if p == path)

    @property
    def query(self) -> str:
        return urlsplit(self.link).query

    @model_validator(mode="after")
    def _fits_the_page(self) -> Step:
        page = self.page
        if (self.goal is not None or self.question is not None) and self.run is None:
            raise ValueError("a question or a goal needs a run")
        if page in STILL_PAGES and self.run is not None:
            raise ValueError(f"/{page} computes at once: a step there has no run")
        if page == "surface" and self.run is not None and self.run.speed is not None:
            raise ValueError("a race's speed is its link's sp")
        goal = self.goal
        if goal is not None:
            metrics = SURFACE_METRICS if page == "surface" else MLP_METRICS
            metric = getattr(goal, "metric", None)
            if metric is not None and metric not in metrics:
                raise ValueError(f"{page} goals use {', '.join(metrics)}, not {metric}")
            if page == "mlp" and (goal.run != 0 or isinstance(goal, CompareGoal)):
                raise ValueError("the MLP page trains one network: run 0, no comparison")
        return self


class Lesson(_Strict):
    """A lesson: its place in the lecture, its titles and its steps."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
    section: Section
    order: Annotated[int, Field(ge=0, le=1000)]
    """Place within the section."""
    minutes: Annotated[int, Field(ge=1, le=120)]
    title: Text
    summary: Text
    steps: Annotated[list[Step], Field(min_length=1, max_length=MAX_STEPS)]
