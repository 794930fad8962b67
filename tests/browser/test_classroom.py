"""A live class in the browser: one teacher page, two student pages (separate tabs, so separate
sessions). The teacher starts a class, moves a slider and presses play; the students' pages
draw the same trajectories; one student explores on her own, changes η and sends her run; the
teacher's class panel shows it. Screenshots of the teacher's panel and a student's page (es)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import catalog

SHOTS = os.environ.get("DESCENSO_SCREENSHOTS")  # =docs/screenshots remakes the README's


def shoot(page: Any, name: str) -> None:
    """Save a screenshot to DESCENSO_SCREENSHOTS when it is set (never into the checkout)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name))


READY_JS = """() => { const d = window.__descenso;
  return Boolean(d && document.body.dataset.ready === 'true' && d.gen !== undefined
    && d.drawnGen === d.gen && d.drawnComplete === true); }"""
# the race drawn as it is: at step 0 as a page opens (paused, ready to play), or complete
DRAWN_JS = """() => { const d = window.__descenso;
  return Boolean(d && document.body.dataset.ready === 'true' && d.gen !== undefined
    && d.drawnGen === d.gen && d.race && d.race.paths.length > 0); }"""
MLP_READY_JS = """() => { const d = window.__descenso;
  return Boolean(d && document.body.dataset.ready === 'true' && d.run && d.run.info
    && d.drawnEpoch === d.run.epoch); }"""
PATHS_JS = """() => window.__descenso.race.paths.map((p) => ({x: p.x, y: p.y}))"""
pytestmark = pytest.mark.browser
ES = catalog("es")
EN = catalog("en")


def wait_for(page: Any, script: str, timeout: float = 30.0) -> Any:
    """Poll ``script`` until truthy; a student's page reloads when it follows the teacher to a
    new link (and the teacher's when a class starts), so an evaluation cut by a navigation, or
    run on a new document whose body is not parsed yet, is simply tried again."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = page.evaluate(script)
        except Exception as error:  # the page navigated while the script ran
            text = str(error)
            if not any(cut in text for cut in ("context was destroyed", "navigat",
                                              "Cannot read properties of null")):
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        time.sleep(0.05)


def lr_slider(page: Any, optimizer: str) -> Any:
    return page.locator(f".card[data-optimizer={optimizer}] [data-hp=learning_rate] "
                        "input[type=range]")


def student_page(browser: Any, problems: Any, server_url: str, code: str, name: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.on("page", problems.watch)
    page = context.new_page()
    page.goto(f"{server_url}/join/{code}?lang=es")
    page.locator("#join-name").fill(name)
    page.locator("#join-button").click()
    page.wait_for_url("**/surface?**", timeout=20_000)
    wait_for(page, DRAWN_JS)
    assert page.locator("[data-room=badge]").inner_text() == ES["room.following"]
    return page


def same_race(teacher: Any, student: Any) -> None:
    """The student's page shows the teacher's link and draws the same trajectories."""
    teacher_query = teacher.evaluate(
        "() => new URLSearchParams(location.search).toString()").replace("lang=es&", "")
    wait_for(student, f"""() => new URLSearchParams(location.search).toString()
                          .replace('lang=es', '').replace(/^&|&$/g, '') === {teacher_query!r}
                          .replace('lang=es', '').replace(/^&|&$/g, '')""")
    wait_for(student, DRAWN_JS)
    wait_for(student, f"() => JSON.stringify(({PATHS_JS})()) === "
                      f"{teacher.evaluate(f'() => JSON.stringify(({PATHS_JS})())')!r}")


def test_a_class_follows_the_teacher_and_sends_runs_back(browser: Any, problems: Any,
                                                         server_url: str) -> None:
    teacher_context = browser.new_context(viewport={"width": 1280, "height": 720})
    teacher_context.on("page", problems.watch)
    teacher = teacher_context.new_page()
    teacher.goto(f"{server_url}/surface?lang=es")
    wait_for(teacher, DRAWN_JS)
    teacher.locator("#btn-share").click()
    teacher.locator("#btn-room").click()
    wait_for(teacher, "() => document.body.dataset.room === 'teacher'")
    wait_for(teacher, DRAWN_JS)
    code = teacher.locator("[data-room=code]").inner_text()
    assert len(code) == 6
    token = teacher.evaluate("() => JSON.parse(sessionStorage.getItem('descenso.room')).token")
    join = teacher.locator("[data-room=join-link]").get_attribute("href")
    assert join == f"/join/{code}" and token not in join

    ana = student_page(browser, problems, server_url, code, "Ana")
    bea = student_page(browser, problems, server_url, code, "Bea")
    wait_for(teacher, "() => document.querySelector('[data-room=students]').textContent === '2'")
    same_race(teacher, ana)
    # the teacher's race waits paused at step 0: the students' players say the same
    player = ("() => [document.getElementById('btn-play').getAttribute('aria-pressed'), "
              "document.getElementById('step-readout').textContent].join('|')")
    assert teacher.evaluate(player).startswith("false|")
    for student in (ana, bea):
        wait_for(student, f"() => ({player})() === {teacher.evaluate(player)!r}")
    # her own Play while she follows: the teacher's player drives hers; she is told how to drive
    ana.locator("#btn-play").click()
    wait_for(ana, "() => document.getElementById('toast').textContent === "
                  f"{ES['room.following_player']!r}")
    assert ana.evaluate(player) == teacher.evaluate(player)

    # the teacher moves a slider: both students follow
    lr_slider(teacher, "sgd").fill("-2.5")
    wait_for(teacher, READY_JS)
    assert "r" in teacher.url
    same_race(teacher, ana)
    same_race(teacher, bea)

    # the teacher presses play: the students draw the streamed race, computed once
    teacher.locator("#btn-play").click()
    wait_for(teacher, "() => window.__descenso.race.done && window.__descenso.race.mode === 'play'",
             timeout=60)
    wait_for(teacher, READY_JS)
    for student in (ana, bea):
        wait_for(student, "() => window.__descenso.race.done", timeout=60)
        same_race(teacher, student)

    # Ana explores on her own: a new η, her own stream; Bea keeps following
    ana.locator("[data-room=follow]").click()
    assert ana.locator("[data-room=badge]").inner_text() == ES["room.exploring"]
    before = ana.evaluate("() => JSON.stringify(window.__descenso.race.paths)")
    lr_slider(ana, "adam").fill("-1.2")
    wait_for(ana, READY_JS)
    wait_for(ana, f"() => JSON.stringify(window.__descenso.race.paths) !== {before!r}")
    assert ana.locator("[data-room=badge]").inner_text() == ES["room.exploring"]
    assert "r" in ana.url and ana.url != teacher.url
    assert bea.locator("[data-room=badge]").inner_text() == ES["room.following"]
    ana.locator("[data-room=submit]").click()

    wait_for(teacher, "() => document.querySelectorAll('[data-room=open]').length === 1")
    row = teacher.locator("[data-room=open]").first.inner_text()
    assert "Ana" not in row and "#1" in row  # names only when the teacher shows them
    teacher.locator("[data-room=show-names]").check()
    assert "Ana" in teacher.locator("[data-room=open]").first.inner_text()
    points = teacher.evaluate("""() => document.querySelector('[data-room=scatter]').data
                                  .reduce((n, t) => n + t.x.length, 0)""")
    assert points == 1

    # a quick poll: the students vote, the teacher sees the bars
    teacher.locator("[data-room=question]").fill("¿Cuál llega antes al mínimo?")
    teacher.locator("[data-room=choices]").fill("SGD, Adam")
    teacher.locator("[data-room=ask]").click()
    for student, choice in ((ana, 1), (bea, 1)):
        student.locator(f"[data-room=poll] [data-choice='{choice}']").click()
    wait_for(teacher, "() => document.querySelector('[data-room=bars]').textContent"
                      f".includes({ES['room.votes'].replace('{n}', '2')!r})")

    teacher.locator("[data-room=code]").scroll_into_view_if_needed()
    shoot(teacher, "class-teacher-es.png")
    shoot(bea, "class-student-es.png")
    bea.set_viewport_size({"width": 390, "height": 844})
    shoot(bea, "class-student-phone-es.png")
    bea.set_viewport_size({"width": 1280, "height": 720})

    # the teacher opens the MLP page and plays: Bea follows and draws the same training (one
    # training on the server); Ana, exploring on her own, stays where she is
    teacher.locator(".site-nav a[href^='/mlp']").click()
    wait_for(teacher, MLP_READY_JS, timeout=60)
    wait_for(bea, "() => location.pathname === '/mlp'", timeout=30)
    wait_for(bea, MLP_READY_JS, timeout=60)
    teacher.locator("#btn-play").click()
    wait_for(teacher, "() => window.__descenso.run.epoch >= 12", timeout=90)
    wait_for(bea, "() => window.__descenso.run.epoch >= 12", timeout=90)
    losses = "() => window.__descenso.run.epochs.slice(0, 12).map((e) => e.train_loss)"
    assert bea.evaluate(losses) == teacher.evaluate(losses)
    assert bea.locator("[data-room=badge]").inner_text() == ES["room.following"]
    assert ana.evaluate("() => location.pathname") == "/surface"
    for page in (teacher, ana, bea):
        page.context.close()


FRAME_JS = "document.getElementById('lesson-frame').contentWindow"
LESSON_AT = """(step) => { const d = window.__descenso;
  return Boolean(d && document.body.dataset.ready === 'true' && d.frameReady === step - 1
    && new URLSearchParams(location.search).get('step') === String(step)); }"""
FRAME_PATHS_JS = f"""() => {{ const d = {FRAME_JS}.__descenso;
  return d && d.race && d.race.paths.length
    ? JSON.stringify(d.race.paths.map((p) => p.x)) : null; }}"""


def test_students_follow_the_teachers_lesson_step(browser: Any, problems: Any,
                                                  server_url: str) -> None:
    """The teacher on a lesson step: a student's page goes to that lesson and step, draws the
    same instrument, moves with the teacher's "next" in place, explores on her own and sends the
    run of the step's instrument."""
    lesson = "/lessons/gradient-descent"
    teacher_context = browser.new_context(viewport={"width": 1280, "height": 720})
    teacher_context.on("page", problems.watch)
    teacher = teacher_context.new_page()
    teacher.goto(f"{server_url}{lesson}?step=2&lang=en")
    wait_for(teacher, "() => window.__descenso && window.__descenso.frameReady === 1")
    teacher.locator("#btn-share").click()
    teacher.locator("#btn-room").click()
    wait_for(teacher, "() => document.body.dataset.room === 'teacher'")
    wait_for(teacher, f"() => ({LESSON_AT})(2)")
    code = teacher.locator("[data-room=code]").inner_text()

    student_context = browser.new_context(viewport={"width": 1280, "height": 720})
    student_context.on("page", problems.watch)
    student = student_context.new_page()
    student.goto(f"{server_url}/join/{code}?lang=en")
    student.locator("#join-button").click()
    student.wait_for_url(f"**{lesson}?step=2**", timeout=20_000)
    wait_for(student, f"() => ({LESSON_AT})(2)")
    assert student.evaluate("document.documentElement.lang") == "en"
    # the same instrument: the student's frame draws the teacher's race from the room's stream
    paths = wait_for(teacher, FRAME_PATHS_JS)
    wait_for(student, f"() => ({FRAME_PATHS_JS})() === {paths!r}")
    student.evaluate("() => { window.__stayed = true; }")

    teacher.locator("#lesson-next").click()
    wait_for(teacher, f"() => ({LESSON_AT})(3)")
    wait_for(student, f"() => ({LESSON_AT})(3)")
    assert student.evaluate("() => window.__stayed === true")  # moved in place, no reload
    assert student.locator("[data-room=badge]").inner_text() == EN["room.following"]
    shoot(teacher, "class-teacher-en.png")
    shoot(student, "class-student-en.png")

    # she explores on her own: the teacher's "previous" no longer moves her
    student.locator("[data-room=follow]").click()
    assert student.locator("[data-room=badge]").inner_text() == EN["room.exploring"]
    # she sends the run of the step's instrument: the teacher's panel counts it, and opening it
    # opens the instrument's own page (no frame modes)
    student.locator("[data-room=submit]").click()
    wait_for(teacher, "() => document.querySelectorAll('[data-room=open]').length === 1")
    link = teacher.locator("[data-room=open]").get_attribute("data-link") or ""
    assert link.startswith("/surface?lang=en&") and "r0.lr=0.01" in link, link
    assert "embed" not in link and "present" not in link
    teacher.locator("#lesson-prev").click()
    wait_for(teacher, f"() => ({LESSON_AT})(2)")
    student.locator("[data-room=follow]").click()  # follow again: back to the teacher's step
    wait_for(student, f"() => ({LESSON_AT})(2)")
    assert student.locator("[data-room=badge]").inner_text() == EN["room.following"]
    teacher_context.close()
    student_context.close()
    assert problems.messages == [], "\n".join(problems.messages)
