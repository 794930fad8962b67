"""The lessons API and pages: the list, one lesson in each language, an unknown id, the player,
and the lessons menu every page carries."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from app.i18n import translate
from app.lessons import all_lessons, find_lesson, lessons_for_page
from app.schema.page_links import read_surface_link
from tests.lessons.test_lessons import REQUIRED


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_list_has_every_lesson_in_the_lectures_order(client, lang):
    answer = client.get(f"/api/lessons?lang={lang}")
    assert answer.status_code == 200
    lessons = answer.json()["lessons"]
    assert [c["id"] for c in lessons] == [lesson.id for lesson in all_lessons()]
    assert set(REQUIRED) <= {c["id"] for c in lessons}
    for card, lesson in zip(lessons, all_lessons(), strict=True):
        assert card["title"] == lesson.title.get(lang)
        assert card["steps"] == len(lesson.steps) and card["minutes"] == lesson.minutes
        assert card["url"] == f"/lessons/{lesson.id}?lang={lang}"
        assert card["section_title"] == translate(lang, f"lessons.section.{lesson.section}")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_one_lesson_has_its_steps_in_the_asked_language(client, lang):
    lesson = find_lesson("momentum")
    assert lesson is not None
    body = client.get(f"/api/lessons/momentum?lang={lang}").json()
    assert body["id"] == "momentum" and len(body["steps"]) == len(lesson.steps)
    first = body["steps"][0]
    assert first["text"] == lesson.steps[0].text.get(lang)
    assert first["page"] == "surface" and first["highlight"] == ["momentum"]
    assert first["run"] == {"unit": "steps", "count": 100, "speed": 40.0}
    assert first["question"]["answer"] == 1 and len(first["question"]["choices"]) == 3
    assert first["goal"]["kind"] == "compare" and first["goal"]["label"]
    path, query = first["url"].split("?")
    params = dict(parse_qsl(query))
    assert path == "/surface" and params["lang"] == lang and params["v"] == "1"
    experiment, notices = read_surface_link(params)
    assert notices == []
    assert [r.optimizer for r in experiment.runs] == ["sgd", "momentum"]
    assert body["steps"][2]["page"] == "map" and body["steps"][2]["run"] is None


def test_a_step_url_carries_its_hidden_controls(client):
    for lesson in all_lessons():
        body = client.get(f"/api/lessons/{lesson.id}?lang=en").json()
        for step, shown in zip(lesson.steps, body["steps"], strict=True):
            hide = dict(parse_qsl(urlsplit(shown["url"]).query)).get("hide")
            assert hide == (",".join(step.hide) or None)


@pytest.mark.parametrize(("lang", "text"), [("es", "No hay ninguna lección «nope»."),
                                            ("en", "There is no lesson “nope”.")])
def test_an_unknown_lesson_is_a_translated_404(client, lang, text):
    answer = client.get(f"/api/lessons/nope?lang={lang}")
    assert answer.status_code == 404
    assert answer.json()["detail"] == {"code": "lessons.unknown", "params": {"id": "nope"},
                                       "message": text}


def test_a_language_we_do_not_speak_is_a_422(client):
    answer = client.get("/api/lessons?lang=fr")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "lang"


def test_the_pages_list_and_play_the_lessons(client):
    page = client.get("/lessons?lang=es")
    assert page.status_code == 200
    for lesson in all_lessons():
        assert f'href="/lessons/{lesson.id}?lang=es"' in page.text
    player = client.get("/lessons/momentum?lang=en&step=2")
    assert player.status_code == 200 and "Momentum: crossing the ravine" in player.text
    missing = client.get("/lessons/nope?lang=en")
    assert missing.status_code == 404 and "There is no lesson" in missing.text


def test_a_bad_step_opens_the_first_with_a_notice(client):
    page = client.get("/lessons/momentum?lang=en&step=99")
    assert page.status_code == 200
    assert '"code": "lessons.bad_step"' in page.text and '"step": 1' in page.text


def test_step_urls_carry_the_anatomy_and_the_landscape_panel(client):
    def step_query(lesson_id: str, index: int) -> tuple[str, dict[str, str]]:
        url = client.get(f"/api/lessons/{lesson_id}?lang=es").json()["steps"][index]["url"]
        return urlsplit(url).path, dict(parse_qsl(urlsplit(url).query))

    path, adam = step_query("adam", 0)
    assert path == "/surface" and (adam["ex"], adam["exk"], adam["gh"]) == ("1", "1", "1")
    path, landscape = step_query("loss-landscape", 2)
    assert path == "/mlp" and landscape["ls.v"] == "interpolate" and landscape["ls.o"] == "seed"
    path, lab = step_query("activations", 0)
    assert path == "/activations" and lab["a"] == "sigmoid,tanh" and lab["lang"] == "es"
    path, lab = step_query("initialization", 0)
    assert path == "/init" and lab["a.i"] == "zeros"


@pytest.mark.parametrize("page", ["surface", "mlp", "map", "activations", "init"])
def test_every_page_has_a_menu_of_its_lessons(client, page):
    html = client.get(f"/{page}?lang=en").text
    start = html.index('id="lessons-menu"')
    menu = html[start:html.index("</details>", start)]
    mine = lessons_for_page(page)
    assert mine
    for lesson in all_lessons():
        assert (f'href="/lessons/{lesson.id}?lang=en"' in menu) == (lesson in mine)
