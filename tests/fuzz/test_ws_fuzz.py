"""Hostile WebSocket traffic: random, malformed, oversized or binary messages close the socket
with a reason (1003, 1008, 1009) or yield an ``error`` message; never an unhandled exception,
never a hang, and other sockets keep being served."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from starlette.websockets import WebSocketDisconnect

from app.routes.socket_protocol import (
    CLOSE_POLICY,
    CLOSE_TOO_BIG,
    CLOSE_UNSUPPORTED,
    MAX_MESSAGE_BYTES,
)
from app.schema.mlp_experiment import MAX_EPOCHS, MAX_SAMPLES
from tests.app_client import make_client
from tests.fuzz import count, deadline, fuzz_settings, mlp_dicts, report, surface_dicts

CLOSE_CODES = {CLOSE_UNSUPPORTED, CLOSE_POLICY, CLOSE_TOO_BIG}
SERVER_TYPES = {"started", "frame", "updated", "error"}
HANG_SECONDS = 60.0
PROBE_GEN = 2**53  # the largest generation a client may send; no hostile start uses it
CLIENT = make_client()  # module-level: hypothesis' @given and fixtures mix badly

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from report(request)


PROBES: dict[str, dict[str, Any]] = {
    "/ws/surface": {"surface": "himmelblau", "steps": 5, "runs": [{"optimizer": "adam"}]},
    "/ws/mlp": {"dataset": {"name": "xor", "samples": 20}, "layers": [{"units": 2}],
                "epochs": 2, "grid": 10},
}
EXPERIMENTS = {
    "/ws/surface": surface_dicts(max_steps=200, max_runs=3),
    "/ws/mlp": mlp_dicts(max_epochs=3, max_samples=100, max_layers=2, max_units=8, max_grid=12,
                         max_mc=2),
}
HOSTILE_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
HOSTILE_NUMBERS = st.one_of(st.integers(), st.floats(), st.sampled_from(
    [0, -1, 10**20, 2**53, 2**53 + 1, 10_001, 5001, 0.5, 1e308, "1", None, True]))


def _commands(path: str) -> st.SearchStrategy[dict[str, Any]]:
    experiment = EXPERIMENTS[path]
    modes = st.sampled_from(["instant", "play", "pause"])
    return st.one_of(
        st.builds(lambda e, m, g, s: {"type": "start", "gen": g, "experiment": e, "mode": m,
                                      "speed": s},
                  experiment, modes, st.integers(0, 1000), st.floats(1, 5000)),
        st.builds(lambda e, k, v: {"type": "start", "gen": 1, "experiment": {**e, k: v}},
                  experiment, st.sampled_from(["steps", "runs", "epochs", "layers", "surface",
                                               "optimizer", "dataset", "bogus", "expression"]),
                  HOSTILE_JSON),
        st.just({"type": "play"}), st.just({"type": "pause"}), st.just({"type": "reset"}),
        st.builds(lambda n: {"type": "step", "count": n}, st.integers(1, 10_000)),
        st.builds(lambda v: {"type": "speed", "value": v}, st.floats(1, 5000)),
        st.builds(lambda t, v: {"type": t, "count": v, "value": v, "gen": v},
                  st.sampled_from(["step", "speed", "start", "stop", "", "START"]),
                  HOSTILE_NUMBERS),
        st.builds(lambda extra: {"type": "play", **extra},
                  st.dictionaries(st.text(min_size=1, max_size=5), HOSTILE_JSON, min_size=1,
                                  max_size=2)),
    )


def messages(path: str) -> st.SearchStrategy[str | bytes]:
    """One message as the client sends it: text (JSON or not) or binary."""
    return st.one_of(
        _commands(path).map(lambda m: json.dumps(m, allow_nan=True)),
        _commands(path).map(lambda m: json.dumps(m, allow_nan=True)),
        HOSTILE_JSON.map(lambda m: json.dumps(m, allow_nan=True)),
        st.text(max_size=60),
        st.binary(max_size=60),
        st.sampled_from(["", "{", "null", "[]", "{}", '{"type": null}', "NaN", "1e999",
                         '{"type": "start"}', '{"type": "start", "experiment": []}',
                         "[" * 100_000, '{"type": "play"}' + " " * MAX_MESSAGE_BYTES,
                         json.dumps({"type": "start",
                                     "experiment": {"x": "y" * MAX_MESSAGE_BYTES}}),
                         "\ud800", '{"type": "play", "type": "pause"}']),
    )


def check_message(message: dict[str, Any]) -> None:
    assert message["type"] in SERVER_TYPES, message
    if message["type"] == "error":
        assert message["errors"], message
        for error in message["errors"]:
            assert isinstance(error["field"], str) and error["field"], error
            assert isinstance(error["message"], str) and error["message"], error
            assert isinstance(error["code"], str) and error["code"], error
            assert isinstance(error["params"], dict), error


def converse(path: str, sent: list[str | bytes]) -> str:
    """Send ``sent``, then a probe start; read until the probe's last frame or a close.

    Returns "served" (the probe came back) or "closed" (the server closed with a reason)."""
    with deadline(HANG_SECONDS, f"{path} conversation"), CLIENT.websocket_connect(path) as ws:
        for message in sent:
            if isinstance(message, bytes):
                ws.send_bytes(message)
            else:
                ws.send_text(message)
        ws.send_text(json.dumps({"type": "start", "gen": PROBE_GEN, "experiment": PROBES[path],
                                 "mode": "instant"}))
        count("ws", len(sent) + 1)
        while True:
            try:
                message = ws.receive_json()
            except WebSocketDisconnect as closed:
                assert closed.code in CLOSE_CODES, (closed.code, closed.reason)
                assert closed.reason, closed.code
                return "closed"
            check_message(message)
            if message["gen"] == PROBE_GEN and message["type"] == "frame" and message["done"]:
                return "served"
            assert not (message["gen"] == PROBE_GEN and message["type"] == "error"), message


def check_still_serving(path: str) -> None:
    assert converse(path, []) == "served"
    assert CLIENT.get("/healthz").status_code == 200


def run_property(path: str, examples: int) -> None:
    @fuzz_settings(examples, weight=0.5)
    @given(st.lists(messages(path), min_size=1, max_size=4))
    @example([b"\x00\x01"])
    @example(["[" * 50_000])
    @example(["x" * (MAX_MESSAGE_BYTES + 1)])
    @example(['{"type": "step", "count": 0}'])
    @example(['{"type": "speed", "value": NaN}'])
    @example(['{"type": "start", "gen": -1, "experiment": {}}'])
    @example([json.dumps({"type": "start", "experiment": {"epochs": MAX_EPOCHS, "batch_size": 1,
                                                          "dataset": {"samples": MAX_SAMPLES}}}),
              json.dumps({"type": "step", "count": 10_000})])
    @example([json.dumps({"type": "start", "experiment": {"surface": "custom",
                                                          "expression": "__import__('os')"}})])
    def one_conversation(sent: list[str | bytes]) -> None:
        outcome = converse(path, sent)
        assert outcome in ("served", "closed")

    one_conversation()


@pytest.mark.parametrize(("path", "examples"), [("/ws/surface", 150), ("/ws/mlp", 100)])
def test_socket_hostile_messages_close_with_a_reason_or_answer_an_error(path, examples):
    with CLIENT.websocket_connect(path) as bystander:
        bystander.send_json({"type": "start", "gen": 7, "experiment": PROBES[path],
                             "mode": "pause"})
        assert bystander.receive_json()["type"] == "started"
        assert bystander.receive_json()["type"] == "frame"
        run_property(path, examples)
        # the socket opened before all that is still served
        with deadline(HANG_SECONDS, "bystander"):
            bystander.send_json({"type": "step", "count": 1})
            frame = bystander.receive_json()
        assert frame["type"] == "frame" and frame["gen"] == 7
    check_still_serving(path)


@pytest.mark.parametrize("path", sorted(PROBES))
@pytest.mark.parametrize(("message", "code"), [
    (b"binary", CLOSE_UNSUPPORTED),
    ("not json", CLOSE_UNSUPPORTED),
    ("[" * 50_000, CLOSE_UNSUPPORTED),  # under the size cap, over the JSON nesting limit
    ('{"type": "launch"}', CLOSE_POLICY),
    ('{"type": "step", "count": 10001}', CLOSE_POLICY),
    ('{"type": "play", "extra": 1}', CLOSE_POLICY),
    (" " * (MAX_MESSAGE_BYTES + 1), CLOSE_TOO_BIG),
    ("\ud800", CLOSE_UNSUPPORTED),  # regression: a lone surrogate raised UnicodeEncodeError
])
def test_socket_bad_message_closes_with_its_code_and_a_reason(path, message, code):
    with deadline(HANG_SECONDS, path), CLIENT.websocket_connect(path) as ws:
        if isinstance(message, bytes):
            ws.send_bytes(message)
        else:
            ws.send_text(message)
        error = ws.receive_json()  # the reason, as codes the page translates, then the close
        assert error["type"] == "error" and error["gen"] is None, error
        assert all(e["code"] and isinstance(e["params"], dict) for e in error["errors"]), error
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    count("ws")
    assert closed.value.code == code and closed.value.reason
    check_still_serving(path)


def test_mlp_socket_start_beyond_the_work_cap_is_an_error_at_once():
    experiment = {"epochs": MAX_EPOCHS, "batch_size": 1, "dataset": {"samples": MAX_SAMPLES}}
    with deadline(5, "refusal"), CLIENT.websocket_connect("/ws/mlp") as ws:
        ws.send_json({"type": "start", "gen": 3, "experiment": experiment, "mode": "instant"})
        message = ws.receive_json()
    count("ws")
    assert message["type"] == "error" and message["gen"] == 3
    assert "too large" in message["errors"][0]["message"]


def test_mlp_socket_update_with_any_optimizer_keeps_serving():
    """A start that changes only the optimizer continues the training (``updated``; the
    continuation is then paced by play or step, whatever the start's mode)."""
    @fuzz_settings(40, weight=0.1)
    @given(st.builds(dict, optimizer=EXPERIMENTS["/ws/mlp"].map(lambda e: e["optimizer"])))
    def update(change: dict[str, Any]) -> None:
        with deadline(HANG_SECONDS, "update"), CLIENT.websocket_connect("/ws/mlp") as ws:
            ws.send_json({"type": "start", "gen": 1, "experiment": PROBES["/ws/mlp"],
                          "mode": "instant"})
            while not (message := ws.receive_json()).get("done"):
                check_message(message)
            ws.send_json({"type": "start", "gen": 2, "mode": "instant",
                          "experiment": {**PROBES["/ws/mlp"], "epochs": 4, **change}})
            assert ws.receive_json()["type"] == "updated"
            ws.send_json({"type": "step", "count": 10})
            while not (message := ws.receive_json()).get("done"):
                check_message(message)
            assert message["gen"] == 2
        count("ws", 2)

    update()


def test_mlp_socket_frame_of_a_network_with_huge_activations():
    """Regression: the per-layer statistics of a frame overflowed float32 (a RuntimeWarning,
    an exception under -W error) for activations beyond 1e19; they are now null."""
    experiment = {"dataset": {"name": "xor", "samples": 20}, "epochs": 1, "grid": 10,
                  "features": ["x1_sq", "x2_sq"], "dtype": "float32",
                  "layers": [{"units": 128, "activation": "linear",
                              "kernel_initializer": "ones"}] * 10}
    with deadline(HANG_SECONDS, "huge"), CLIENT.websocket_connect("/ws/mlp") as ws:
        ws.send_json({"type": "start", "gen": 1, "experiment": experiment, "mode": "pause"})
        assert ws.receive_json()["type"] == "started"
        frame = ws.receive_json()
    count("ws")
    assert frame["type"] == "frame"
    assert any(layer["std"] is None for layer in frame["layers"])
