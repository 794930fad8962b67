"""Hostile links: any query string decodes to a valid experiment (or the fallback, with notices),
the page always answers 200 HTML in bounded time, and valid experiments survive the round trip."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import BaseModel

from app.routes import pages
from app.schema.map_experiment import MapExperiment
from app.schema.mlp_experiment import MlpExperiment
from app.schema.surface_experiment import SurfaceExperiment, SurfaceView, page_default_experiment
from app.schema.url_codec import (
    MAX_QUERY_KEYS,
    Notice,
    decode,
    encode,
    list_model_type,
    model_type,
    url_key,
)
from tests.app_client import make_client
from tests.fuzz import (
    count,
    deadline,
    fuzz_settings,
    map_dicts,
    mlp_dicts,
    no_gc,
    report,
    surface_dicts,
)

HANG_SECONDS = 60.0  # a hang guard, not a speed test: speed lives in bench/


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from report(request)


def full_surface() -> SurfaceExperiment:
    return SurfaceExperiment.model_validate({
        "surface": "custom", "expression": "x**2 + sin(y)", "window": [-3, 3, -2, 2],
        "start": [0.5, 0.5], "runs": [
            {"optimizer": "sgd", "momentum": 0.5, "nesterov": True, "clipvalue": 1.0},
            {"optimizer": "rmsprop", "centered": True, "schedule": {"name": "piecewise"}}]})


def full_mlp() -> MlpExperiment:
    return MlpExperiment.model_validate({"layers": [
        {"units": 4, "kernel_initializer": "variance_scaling", "variance_scaling": {},
         "kernel_regularizer": {"name": "l1_l2"}, "max_norm": 2.0},
        {"units": 3, "batch_normalization": "after", "dropout": 0.2}],
        "optimizer": {"optimizer": "adamw", "global_clipnorm": 1.0}, "loss": "mean_squared_error"})


FALLBACKS: dict[type[BaseModel], BaseModel] = {
    SurfaceExperiment: page_default_experiment(),
    MlpExperiment: MlpExperiment(),
    MapExperiment: MapExperiment(),
    SurfaceView: SurfaceView(),
}
FULL: dict[type[BaseModel], BaseModel] = {
    SurfaceExperiment: full_surface(),
    MlpExperiment: full_mlp(),
    MapExperiment: MapExperiment(start=(0.5, 0.5)),
    SurfaceView: SurfaceView(hide=["loss"]),
}
REAL_KEYS = sorted({key for model in FULL.values() for key, _ in encode(model)}
                   | {"f", "n", "r0.lr", "r12.o", "x0", "win", "expr", "hide", "sp", "lang",
                      "view", "r99.on", "l10.u", "o.o"})
KEYS = st.one_of(
    st.sampled_from(REAL_KEYS),
    st.builds(lambda p, i, k: f"{p}{i}.{k.split('.')[-1]}", st.sampled_from(["r", "l", "r0.", ""]),
              st.integers(-5, 10**6), st.sampled_from(REAL_KEYS)),
    st.text(max_size=12),
)
ODD_VALUES = ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999", "1e-400", "-0", "0",
              "1", "-1", "2", "true", "false", "True", "yes", "on", "None", "null", "", " ", ",",
              ",,,", "1,2", "1,2,3,4", "nan,nan", "inf,0", "1e999,0,0,1", "0,0,0,0",
              "9" * 400, "9" * 399, "1" + "0" * 30, "0x10", "1_000", "٣", "𝟙", "１", "½",
              "custom", "x**2", "9**9**9", "__import__('os')", "x.__class__", "(" * 100,
              "</script><script>alert(1)</script>", "\x00", "\ud800", "%00", "a" * 401,
              "adam", "sgd", "piecewise", "3d", "x1,x2,x1x2", "10" * 150]
VALUES = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=40),
    st.integers().map(str),
    st.floats().map(repr),
    st.lists(st.floats().map(repr), max_size=6).map(",".join),
    st.text(min_size=380, max_size=600),
)
QUERIES = st.lists(st.tuples(KEYS, VALUES), max_size=40).map(dict)


def link_keys(cls: type[BaseModel], prefix: str = "") -> list[str]:
    """Every key a link of ``cls`` can carry (lists of models with index 0)."""
    keys = []
    for name, info in cls.model_fields.items():
        key = prefix + url_key(cls, name)
        sub, items = model_type(info.annotation), list_model_type(info.annotation)
        if sub is not None:
            keys += link_keys(sub, key)
        elif items is not None:
            keys += link_keys(items, f"{key}0.")
        else:
            keys.append(key)
    return keys


@pytest.mark.parametrize("cls", list(FALLBACKS), ids=lambda c: c.__name__)
def test_link_keys_are_unique_per_experiment(cls):
    keys = link_keys(cls)
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def check_decode(cls: type[BaseModel], query: dict[str, str]) -> tuple[BaseModel, list[Notice]]:
    with no_gc(), deadline(HANG_SECONDS, "decode"):
        decoded, notices = decode(cls, query, FALLBACKS[cls])
    count("url")
    assert isinstance(decoded, cls)
    assert type(decoded).model_validate(decoded.model_dump()) == decoded
    assert all(isinstance(n, Notice) and isinstance(n.key, str) and isinstance(n.message, str)
               for n in notices)
    if any(key.startswith("zz") for key in list(query)[:MAX_QUERY_KEYS]):
        assert notices, "an unknown parameter passed without a notice"
    return decoded, notices


def relink(model: BaseModel) -> dict[str, str]:
    """The experiment through a real link: encoded, percent-quoted and parsed back."""
    return dict(parse_qsl(urlencode(encode(model)), keep_blank_values=True))


@pytest.mark.parametrize("cls", list(FALLBACKS), ids=lambda c: c.__name__)
@fuzz_settings(400)
@given(query=QUERIES, unknown=st.booleans())
@example(query={"r12.o": "adam", "r0.lr": "nan", "x0": "inf,1", "win": "1,1,1,1"}, unknown=True)
@example(query={f"r{i}.o": "sgd" for i in range(200)}, unknown=False)
@example(query={f"k{i}": "1" for i in range(MAX_QUERY_KEYS + 50)}, unknown=False)
@example(query={"l0.u": "99999999999999999999", "l3.kr.l1": "-1", "pts": "1,2,3"}, unknown=True)
@example(query={"d": "csv", "pts": "(0.0, 0.0, 0.0),(1.0, 1.0, 1.0)"}, unknown=False)
def test_url_decode_any_query_is_valid_or_falls_back_with_notices(cls, query, unknown):
    if unknown:
        query = {**query, "zz_unknown": "1"}
    decoded, _ = check_decode(cls, query)
    # what a link decodes to is itself a clean link: it re-encodes and decodes to the same
    again, notices = check_decode(cls, relink(decoded))
    assert again == decoded and notices == []


def _roundtrip(cls: type[BaseModel], data: dict[str, Any]) -> None:
    model = cls.model_validate(data)
    if isinstance(model, SurfaceExperiment):
        # a link records None as absence (the fallback's value then applies), so the page links
        # resolved races: every hyperparameter and the start written out
        model = model.resolved()
    decoded, notices = check_decode(cls, relink(model))
    assert notices == []
    assert decoded == model


@fuzz_settings(300)
@given(surface_dicts())
def test_url_roundtrip_any_surface_experiment(data):
    _roundtrip(SurfaceExperiment, data)


@fuzz_settings(300)
@given(mlp_dicts(csv=False))
def test_url_roundtrip_any_mlp_experiment(data):
    # uploaded points (dataset "csv") are not part of a link: see the decode test's example
    _roundtrip(MlpExperiment, data)


@fuzz_settings(300)
@given(map_dicts())
def test_url_roundtrip_any_map_experiment(data):
    _roundtrip(MapExperiment, data)


# -- the page: the link is decoded while rendering -------------------------------------------

CLIENT = make_client()  # module-level: hypothesis' @given and fixtures mix badly
PAGE_PATHS = sorted({route.path for route in pages.router.routes  # type: ignore[attr-defined]
                     if "{" not in route.path})  # type: ignore[attr-defined]


def script_tags(html: str) -> tuple[int, int]:
    return html.count("<script"), html.count("</script")


BASELINE = {path: script_tags(CLIENT.get(path).text) for path in PAGE_PATHS}

RAW_QUERIES = st.one_of(  # lone surrogates go out as the invalid UTF-8 bytes %ED%A0%80
    QUERIES.map(lambda q: urlencode(q, quote_via=quote, errors="surrogatepass")),
    st.lists(st.tuples(KEYS, VALUES), max_size=30).map(
        lambda pairs: "&".join(f"{quote(k, safe='', errors='surrogatepass')}="
                               f"{quote(v, safe=',', errors='surrogatepass')}"
                               for k, v in pairs)),
    st.text(st.characters(codec="ascii", exclude_characters="#"), max_size=300).map(
        lambda s: quote(s, safe="=&%+,;")),
    st.binary(max_size=200).map(lambda b: quote(b, safe="=&")),
)
LANGUAGE_HEADERS = st.one_of(
    st.none(), st.sampled_from(["en", "es-ES,es;q=0.9", "fr;q=nan,en;q=inf", ";q=", "," * 500]),
    st.text(st.characters(codec="latin-1"), max_size=60),
)


@fuzz_settings(400)
@given(path=st.sampled_from(PAGE_PATHS), query=RAW_QUERIES, language=LANGUAGE_HEADERS)
@example(path="/surface", query="f=custom&expr=" + quote("__import__('os').system('true')"),
         language=None)
@example(path="/surface", query="expr=" + quote("</script><script>alert(1)</script>") + "&f=custom",
         language=None)
@example(path="/surface", query="hide=" + quote("</script>,<!--") + "&sp=1e999&view=%ff",
         language="en")
@example(path="/surface", query="&".join(f"r{i}.o=adam" for i in range(1000)), language=None)
@example(path="/surface", query="x0=" + "9" * 5000, language=None)
@example(path="/surface", query="%", language=None)
def test_page_any_link_answers_200_html_in_bounded_time(path, query, language):
    headers = {"accept-language": language.encode("latin-1")} if language is not None else {}
    with no_gc(), deadline(HANG_SECONDS, f"GET {path}?{query[:80]}"):
        response = CLIENT.get(f"{path}?{query}" if query else path, headers=headers)
    count("page")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    # whatever the link holds, it cannot open or close a script element
    assert script_tags(response.text) == BASELINE[path]


def test_url_roundtrip_network_without_hidden_layers():
    """Regression: an empty list of models wrote no key, so a link of a network without hidden
    layers read back with the fallback's two layers; it is now written ``l=0``."""
    linear = MlpExperiment(layers=[])
    query = relink(linear)
    assert query["l"] == "0"
    decoded, notices = check_decode(MlpExperiment, query)
    assert notices == [] and decoded == linear
