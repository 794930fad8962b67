"""Scale beyond one process: no state between connections, so any worker reproduces a link."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import urlencode

import httpx
import websockets

from app.schema.surface_experiment import page_default_experiment
from app.schema.url_codec import encode
from tests.async_helpers import run_async
from tests.live_server import live_server

LINK = urlencode(encode(page_default_experiment().model_copy(update={
    "surface": "himmelblau", "start": (-0.27, -0.92), "steps": 80, "noise": 0.3, "seed": 7})))


def page_experiment(base: str) -> dict:
    html = httpx.get(f"{base}/surface?{LINK}").text
    data = re.search(r'id="descenso-data"[^>]*>(.*?)</script>', html, re.S)
    assert data is not None
    return json.loads(unescape(data.group(1)))["experiment"]


async def streamed(base: str, experiment: dict) -> list:
    url = base.replace("http", "ws") + "/ws/surface"
    async with websockets.connect(url, compression=None) as ws:
        await ws.send(json.dumps({"type": "start", "gen": 1, "experiment": experiment,
                                  "mode": "instant"}))
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "frame" and message["done"]:
                return message["runs"]


def test_scaling_link_from_one_process_reproduces_on_another():
    with live_server() as a, live_server() as b:
        experiment_a, experiment_b = page_experiment(a), page_experiment(b)
        assert experiment_a == experiment_b
        runs_a = run_async(streamed(a, experiment_a))
        runs_b = run_async(streamed(b, experiment_b))
        assert runs_a == runs_b
        api_a = httpx.post(f"{a}/api/surface/run", json=experiment_a).json()
        api_b = httpx.post(f"{b}/api/surface/run", json=experiment_b).json()
        assert api_a == api_b
        assert [r["points"] for r in api_a["runs"]] == [r["points"] for r in runs_a]


def test_scaling_two_uvicorn_workers_answer_the_same():
    with live_server("--workers", "2") as base:
        workers, results = set(), []
        for _ in range(40):
            with httpx.Client() as client:  # a new connection each time
                workers.add(client.get(f"{base}/healthz").json()["worker"])
                results.append(client.post(f"{base}/api/surface/run",
                                           json=page_experiment(base)).json())
            if len(workers) > 1 and len(results) >= 4:
                break
        assert len(workers) == 2, "the kernel never handed a connection to the second worker"
        assert all(r == results[0] for r in results)
