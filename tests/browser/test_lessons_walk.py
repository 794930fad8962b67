"""A teacher runs the whole `momentum` lesson with the keyboard alone in presentation mode:
predict (a digit), run (Enter), the goal met on the instrument's stream, next (→)."""

from __future__ import annotations

from typing import Any

import pytest

from app.lessons import find_lesson
from tests.browser.helpers import wait_for

pytestmark = pytest.mark.browser

PRESENT = {"width": 1280, "height": 720}


def test_the_momentum_lesson_walks_with_the_keyboard_in_presentation_mode(browser, server_url,
                                                                          problems):
    lesson = find_lesson("momentum")
    assert lesson is not None
    context = browser.new_context(viewport=PRESENT)
    context.on("page", problems.watch)
    page: Any = context.new_page()
    page.goto(f"{server_url}/lessons/momentum?lang=es&present=1")
    wait_for(page, "document.body.dataset.ready === 'true'")
    for index, step in enumerate(lesson.steps):
        wait_for(page, f"window.__descenso.frameReady === {index}")
        assert page.evaluate("new URLSearchParams(location.search).get('step')") == str(index + 1)
        frame = page.evaluate("document.getElementById('lesson-frame').getAttribute('src')")
        assert "embed=1" in frame and "present=1" in frame
        if step.highlight:
            assert page.evaluate("window.__descenso.highlighted") is True
        if step.question is not None:
            assert page.locator("#lesson-veil").is_visible()
            assert page.locator("#lesson-run").is_disabled()
            page.keyboard.press(str(step.question.answer + 1))
            assert page.evaluate("window.__descenso.answered") == step.question.answer
        if step.run is not None:
            page.keyboard.press("Enter")
            assert not page.locator("#lesson-veil").is_visible()
            wait_for(page, "window.__descenso.runDone === true", timeout=60)
        if step.goal is not None:
            assert page.evaluate("window.__descenso.judged") == "met"
            assert page.locator("#lesson-goal[data-verdict=met]").is_visible()
        if step.question is not None:
            assert page.locator("#lesson-reveal[data-right=true]").is_visible()
        if index + 1 < len(lesson.steps):
            page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # past the last step: back to the list
    page.wait_for_url("**/lessons?lang=es&present=1")
    context.close()
    assert problems.messages == [], "\n".join(problems.messages)
