"""A typed formula has one default window and one start: the link, the API and the schema agree."""

import json
import re
from html import unescape
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)


def _page_experiment(query: str) -> dict:
    html = client.get(f"/surface?{query}").text
    data = re.search(r'id="descenso-data"[^>]*>(.*?)</script>', html, re.S)
    assert data is not None
    return json.loads(unescape(data.group(1)))["experiment"]


@pytest.mark.parametrize("window", [None, (-4.0, 2.0, 0.0, 10.0)])
def test_custom_formula_link_and_api_start_at_the_same_point(window) -> None:
    expression = "x^2+y^2"
    query = f"f=custom&expr={quote(expression)}"
    body: dict = {"surface": "custom", "expression": expression}
    if window is not None:
        query += "&win=" + quote(",".join(f"{v:g}" for v in window))
        body["window"] = list(window)
    link = _page_experiment(query)
    api = client.post("/api/surface/run", json=body).json()
    assert link["surface"] == "custom" and link["expression"] == expression
    assert link["start"] == pytest.approx(api["start"], abs=1e-12)
    if window is None:
        served = client.get("/api/schema/surface").json()["custom"]
        assert served["start"] == pytest.approx(api["start"], abs=1e-12)
        assert served["window"] == [-2.0, 2.0, -2.0, 2.0]
    else:
        xmin, xmax, ymin, ymax = window
        assert xmin < api["start"][0] < xmax and ymin < api["start"][1] < ymax
