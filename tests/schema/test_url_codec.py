"""The link codec: every field written once, read back identically; bad links fall back."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.schema.optimizer_spec import ScheduleSpec
from app.schema.surface_experiment import (
    RunSpec,
    SurfaceExperiment,
    SurfaceView,
    page_default_experiment,
)
from app.schema.url_codec import decode, encode


def roundtrip(experiment: SurfaceExperiment) -> tuple[SurfaceExperiment, list]:
    query = dict(parse_qsl(urlencode(encode(experiment)), keep_blank_values=True))
    return decode(SurfaceExperiment, query, page_default_experiment())


def test_url_codec_roundtrip_default_page_race():
    experiment = page_default_experiment()
    decoded, notices = roundtrip(experiment)
    assert notices == []
    assert decoded == experiment


def test_url_codec_roundtrip_every_kind_of_field():
    experiment = SurfaceExperiment(
        surface="custom", expression="x**2 + 3*sin(y)", window=(-3.0, 3.0, -1.5, 2.5),
        start=(0.1, -0.2), steps=321, noise=0.25, seed=42, tolerance=1e-5,
        runs=[
            RunSpec(optimizer="sgd", learning_rate=0.003, momentum=0.5, nesterov=True,
                    clipvalue=1.0, schedule=ScheduleSpec(name="piecewise", boundaries=[10, 50],
                                                         factors=[1.0, 0.3, 0.01])),
            RunSpec(optimizer="adam", learning_rate=1e-7, beta_1=0.85, amsgrad=True,
                    enabled=False, schedule=ScheduleSpec(name="power", decay_steps=20, power=0.5)),
            RunSpec(optimizer="rmsprop", centered=True, global_clipnorm=2.5,
                    schedule=ScheduleSpec(name="exponential", decay_steps=7, decay_rate=0.9,
                                          staircase=True)),
        ],
    ).resolved()
    decoded, notices = roundtrip(experiment)
    assert notices == []
    assert decoded == experiment


def test_url_codec_encodes_defaults_and_version():
    default = page_default_experiment()
    keys = dict(encode(default))
    assert keys["v"] == "1"
    assert keys["f"] == "rosenbrock"
    # every applicable hyperparameter is written, defaults included
    adam = next(i for i, run in enumerate(default.runs) if run.optimizer == "adam")
    assert {f"r{adam}.{k}" for k in ("o", "lr", "b1", "b2", "eps", "ams")} <= set(keys)
    assert keys[f"r{adam}.o"] == "adam"


def test_url_codec_bad_values_fall_back_with_notices():
    base = page_default_experiment()
    query = {"f": "nope", "n": "abc", "r0.o": "sgd", "r0.lr": "-5", "zzz": "1"}
    decoded, notices = decode(SurfaceExperiment, query, base)
    assert decoded.surface == base.surface
    assert decoded.steps == base.steps
    assert [r.optimizer for r in decoded.runs] == ["sgd"]
    assert decoded.runs[0].learning_rate == base.runs[0].learning_rate  # the fallback's value
    shown = {n.key for n in notices}
    assert {"f", "n", "r0.lr", "zzz"} <= shown


def test_url_codec_partial_link_keeps_page_defaults():
    decoded, notices = decode(SurfaceExperiment, {"f": "himmelblau"}, page_default_experiment())
    assert notices == []
    assert decoded.surface == "himmelblau"
    assert decoded.runs == page_default_experiment().runs


def test_url_codec_inapplicable_hyperparameter_drops_that_run():
    query = {"r0.o": "adam", "r0.m": "0.5", "r1.o": "sgd"}
    decoded, notices = decode(SurfaceExperiment, query, page_default_experiment())
    assert [r.optimizer for r in decoded.runs] == ["sgd"]
    assert notices


def test_url_codec_view_roundtrip():
    view = SurfaceView(speed=250.0, view="3d", hide=["surface", "steps"], tuned=[0, 2])
    query = dict(parse_qsl(urlencode(encode(view)), keep_blank_values=True))
    assert query["tuned"] == "0,2"
    decoded, notices = decode(SurfaceView, query, SurfaceView())
    assert notices == [] and decoded == view


@pytest.mark.parametrize(("text", "code"), [("0,x", "error.integer"), ("1,12", "error.less_than"),
                                            ("-1", "error.greater_than_equal")])
def test_url_codec_bad_tuned_runs_open_unmarked_with_a_notice(text, code):
    decoded, notices = decode(SurfaceView, {"tuned": text, "sp": "90"}, SurfaceView())
    assert decoded.tuned == [] and decoded.speed == 90.0
    assert [(n.key, n.value, n.code) for n in notices] == [("tuned", text, code)]
    assert decode(SurfaceView, {"tuned": "3, 1,3"}, SurfaceView())[0].tuned == [1, 3]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["f", "n", "x0", "r0.o", "r0.lr", "r1.b1", "r0.s", "r0.bd", "sig", "k",
                     "expr", "win", "r3.on", "seed", "tol", "v"]) | st.text(max_size=8),
    st.text(max_size=30), max_size=12))
def test_url_codec_any_query_decodes_to_valid_experiment(query):
    decoded, _ = decode(SurfaceExperiment, query, page_default_experiment())
    assert isinstance(decoded, SurfaceExperiment)
    SurfaceExperiment.model_validate(decoded.model_dump())


@pytest.mark.parametrize("value", ["1e400", "nan", "inf", "-0", "  3 ", "0x10"])
def test_url_codec_odd_numbers_never_crash(value):
    decoded, _ = decode(SurfaceExperiment, {"n": value, "r0.o": "adam", "r0.lr": value},
                        page_default_experiment())
    assert 1 <= decoded.steps <= 5000
