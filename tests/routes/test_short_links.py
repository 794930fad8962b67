"""Short links and QR codes: one code per experiment, redirects, the 404 page, refusals."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.routes import pages
from app.routes.short_links import PAGE_LINKS
from app.schema.landscape import LandscapeView
from app.schema.url_codec import encode
from app.settings import Settings, get_settings
from app.shortlinks.canonical import read_experiment


def make_client(data_dir: Path) -> TestClient:
    app: FastAPI = create_app()
    app.dependency_overrides[get_settings] = lambda: Settings(data_dir=data_dir)
    return TestClient(app)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    yield make_client(tmp_path)


def shorten(client: TestClient, url: str) -> dict[str, str]:
    response = client.post("/api/short", json={"url": url})
    assert response.status_code == 200, response.text
    return dict(response.json())


def opened(url: str) -> object:
    """The experiment a link opens (normalized as the page does)."""
    return read_experiment(url, PAGE_LINKS)[1]


SPELLINGS = [
    # the same race: key order, omitted defaults (v, k, seed …), "/" for "/surface"
    ("/surface?f=himmelblau&n=300&r0.o=adam&r0.lr=0.05&x0=1,2",
     "/?x0=1.0,2.0&r0.lr=0.05&v=1&seed=0&r0.o=adam&k=10&n=300&f=himmelblau"),
    # the MLP page: defaults written out or not
    ("/mlp?e=20", "/mlp?v=1&e=20"),
    ("/map", "/map?v=1"),
]


@pytest.mark.parametrize(("one", "other"), SPELLINGS)
def test_short_same_experiment_gets_same_code(client, one, other):
    first, second = shorten(client, one), shorten(client, other)
    assert first["code"] == second["code"] and first["url"] == second["url"]
    assert first["short_url"] == "/s/" + first["code"] and 8 <= len(first["code"]) <= 12
    assert opened(one) == opened(other)


def test_short_different_experiments_get_different_codes(client):
    codes = {shorten(client, f"/surface?f=himmelblau&n={n}")["code"] for n in (100, 200, 300)}
    codes.add(shorten(client, "/surface?f=himmelblau&n=100&lang=en")["code"])
    assert len(codes) == 4


@pytest.mark.parametrize("url", [s for pair in SPELLINGS for s in pair]
                         + ["/surface?f=custom&expr=x**2%2By**2&win=-3,3,-3,3",
                            "/surface?hide=adamw,sgd&lang=en&sp=2&present=1&embed=1&tuned=0,2"])
def test_short_link_redirect_opens_the_same_experiment(client, url):
    short = shorten(client, url)
    response = client.get(short["short_url"], follow_redirects=False)
    assert response.status_code == 307
    target = response.headers["location"]
    assert opened(target) == opened(url)
    # view keys travel as they are
    for key in ("hide", "lang", "sp", "present", "embed", "tuned"):
        assert (f"{key}=" in target) == (f"{key}=" in url)
    page = client.get(target)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    if "tuned=" in url:
        assert "tuned=0,2" in target and '"tuned": [0, 2]' in page.text


def test_short_link_canonical_form_is_a_fixed_point(client):
    for url in ("/surface?f=beale&n=40", "/mlp?e=3", "/map?nx=10&lang=es"):
        canonical = shorten(client, url)["url"]
        assert shorten(client, canonical)["url"] == canonical


def test_short_codes_forgive_case_and_look_alikes(client):
    code = shorten(client, "/surface?f=booth")["code"]
    typed = code.upper().replace("0", "O").replace("1", "L")
    assert client.get("/s/" + typed, follow_redirects=False).status_code == 307


@pytest.mark.parametrize(("lang", "header", "text"), [
    ("es", None, "Enlace no encontrado"), ("en", None, "Link not found"),
    (None, "en-GB,en;q=0.9", "Link not found"), (None, "fr, es;q=0.5", "Enlace no encontrado")])
def test_unknown_code_is_a_404_page_in_the_reader_language(client, lang, header, text):
    params = {"lang": lang} if lang else {}
    headers = {"accept-language": header} if header else {}
    response = client.get("/s/abcdefghjk", params=params, headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert text in response.text and "abcdefghjk" in response.text


def test_malformed_code_is_a_404_page_too(client):
    response = client.get("/s/%3Cscript%3E", headers={"accept-language": "en"})
    assert response.status_code == 404 and "Link not found" in response.text
    assert "<script>" not in response.text.split("<main", 1)[1].split("</main>", 1)[0]


def test_short_links_survive_a_new_app_on_the_same_data_dir(tmp_path):
    code = shorten(make_client(tmp_path), "/surface?f=rastrigin")["code"]
    response = make_client(tmp_path).get(f"/s/{code}", follow_redirects=False)
    assert response.status_code == 307 and "f=rastrigin" in response.headers["location"]
    assert (tmp_path / "short_links.sqlite3").exists()
    assert make_client(tmp_path / "other").get(f"/s/{code}").status_code == 404


@pytest.mark.parametrize(("url", "reason"), [
    ("https://evil.example/surface", "app's pages"),
    ("//evil.example/surface", "app's pages"),
    ("javascript:alert(1)", "app's pages"),
    ("/\\evil.example", "backslash"),
    ("/surface\n?f=x", "control"),
    ("/admin?x=1", "not a page"),
    ("/s/abcdefghjk", "not a page"),
    ("surface?f=beale", "app's pages"),
    ("/surface?" + "a" * 9000, "at most 8192"),
])
def test_short_refuses_links_outside_the_app_with_field_and_reason(client, url, reason):
    response = client.post("/api/short", json={"url": url})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "url" and reason in error["message"]


def test_short_refuses_bad_bodies(client):
    assert client.post("/api/short", json={}).status_code == 422
    assert client.post("/api/short", json={"url": 3}).status_code == 422
    assert client.post("/api/short", json={"url": "/map", "x": 1}).status_code == 422


def test_every_page_route_can_be_shortened():
    """A new page must be added to PAGE_LINKS, or its links could not be shared short."""
    paths = {route.path for route in pages.router.routes}  # type: ignore[attr-defined]
    assert paths and paths <= set(PAGE_LINKS)


def qr_modules(svg: bytes) -> int:
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    width = int(root.attrib["viewBox"].split()[2])
    return width - 8  # 4 modules of quiet zone on each side


def test_qr_of_a_short_link_is_an_svg(client):
    code = shorten(client, "/surface?f=booth")["code"]
    response = client.get("/api/qr", params={"url": f"/s/{code}"})
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
    assert qr_modules(response.content) in (21, 25, 29, 33)  # QR versions 1 to 4
    assert f"http://testserver/s/{code}" in response.text  # the title says what it encodes


def test_qr_accepts_absolute_links_only_on_this_host(client):
    ok = client.get("/api/qr", params={"url": "http://testserver/mlp?e=3"})
    assert ok.status_code == 200
    for url in ("https://evil.example/s/abc", "http://testserver.evil/s/abc",
                "http://user@testserver/s/abc", "ftp://testserver/s/abc", "/s/<x>", "/admin",
                "javascript:alert(1)", "//testserver/s/abc"):
        response = client.get("/api/qr", params={"url": url})
        assert response.status_code == 422, url
        assert response.json()["errors"][0]["field"] == "url"


def test_qr_of_a_link_too_long_for_a_symbol_is_422(client):
    url = "/surface?expr=" + "x" * 300 + "&" + "&".join(f"r{i}.lr=0.1" for i in range(400))
    response = client.get("/api/qr", params={"url": url[:8000]})
    assert response.status_code == 422
    assert "shorten" in response.json()["errors"][0]["message"]


def test_a_short_mlp_link_keeps_the_landscape_panel(client):
    body = client.post("/api/short", json={"url": "/mlp?ls.v=pca&ls.g=9&ep=12"}).json()
    panel = [(key, value) for key, value in parse_qsl(urlsplit(body["url"]).query)
             if key.startswith("ls.")]
    assert sorted(panel) == sorted(encode(LandscapeView(view="pca", grid=9)))  # the rest: defaults
    plain = client.post("/api/short", json={"url": "/mlp?ep=12"}).json()
    assert "ls." not in plain["url"]


def test_lesson_links_can_be_shortened_at_their_step(client):
    """The share menu of a lesson page shortens the lesson at its step; a step past the end or
    not a number opens step 1, as the page does; an unknown lesson is refused."""
    from app.lessons import all_lessons

    for lesson in all_lessons():
        last = len(lesson.steps)
        answer = shorten(client, f"/lessons/{lesson.id}?lang=es&step={last}")
        assert answer["url"] == f"/lessons/{lesson.id}?step={last}&lang=es"
        response = client.get(answer["short_url"], follow_redirects=False)
        assert response.headers["location"] == answer["url"]
        for bad in (last + 1, 0, "dos"):
            assert shorten(client, f"/lessons/{lesson.id}?step={bad}")["url"] == (
                f"/lessons/{lesson.id}?step=1")
    assert shorten(client, "/lessons?lang=en")["url"] == "/lessons?lang=en"
    response = client.post("/api/short", json={"url": "/lessons/nope?step=1"})
    assert response.status_code == 422 and "/lessons/<id>" in response.text
    assert client.get("/api/qr", params={"url": "/lessons/momentum?step=2"}).status_code == 200
