"""Every step of every lesson opens in Chromium without a console error or a link notice; the
controls it highlights exist on the instrument and pulse. Each lesson is walked in one language,
alternating Spanish and English down the list, so both languages open every kind of instrument
state while the walk stays within the suite's time (both languages' texts are checked for every
step without a browser in tests/lessons)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from app.lessons import all_lessons
from app.lessons.model import Lesson
from tests.browser.helpers import wait_for

pytestmark = pytest.mark.browser

CASES = [(lesson, ("es", "en")[i % 2]) for i, lesson in enumerate(all_lessons())]


@pytest.mark.parametrize(("lesson", "lang"), CASES,
                         ids=[f"{lesson.id}-{lang}" for lesson, lang in CASES])
def test_every_step_opens_cleanly(page: Any, server_url: str, lesson: Lesson, lang: str):
    page.goto(f"{server_url}/lessons/{lesson.id}?lang={lang}")
    wait_for(page, "document.body.dataset.ready === 'true'")
    assert page.evaluate("document.getElementById('notices').hidden")
    if lesson is CASES[0][0]:  # the header's class link gives this lesson at its step
        page.click("#btn-classroom")
        link = page.input_value("#lesson-class-link")
        assert link == f"{server_url}/lessons/{lesson.id}?lang={lang}&step=1", link
        page.keyboard.press("Escape")
    for index, step in enumerate(lesson.steps):
        wait_for(page, f"window.__descenso.frameReady === {index}")
        frame = page.frame_locator("#lesson-frame")
        inner = page.frames[1]
        assert inner.evaluate("document.getElementById('notices').hidden"), (lesson.id, index)
        assert inner.evaluate("document.documentElement.lang") == lang
        for key in step.highlight:
            selector = (f'[data-hide-key="{key}"].lesson-highlight, '
                        f'[data-field="{key}"].lesson-highlight')
            assert frame.locator(selector).count() > 0, (lesson.id, index, key)
        for key in step.hide:
            hidden = inner.evaluate(
                f"[...document.querySelectorAll('[data-hide-key={json.dumps(key)}]')]"
                ".every((el) => el.classList.contains('is-hidden-by-teacher'))")
            assert hidden, (lesson.id, index, key)
        if "ls." in step.query:  # a landscape step: the panel fills the instrument's frame
            wait_for(inner, "document.documentElement.dataset.focus === 'landscape'")
            assert inner.evaluate(
                "document.querySelector('.landscape-panel').getBoundingClientRect().width"
                " >= innerWidth - 1"), (lesson.id, index)
        text = page.locator("#lesson-text").inner_text()
        first_word = re.sub(r"[*`\[\]]", "", step.text.get(lang).split()[0])
        assert first_word in text, (lesson.id, index, first_word)
        if index + 1 < len(lesson.steps):
            page.keyboard.press("ArrowRight")
