"""A page served from another origin frames ``/surface?embed=1``, ``/mlp?embed=1`` and
``/map?embed=1``; ``/surface`` without ``embed`` still refuses to be framed.

The host page comes from a second HTTP server on another port of 127.0.0.1: another origin, as
a slide deck or a course platform would be. Each frame shows only the instrument (no header),
its plots draw, and its "open in Descenso" link leads to the same experiment without ``embed``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import wait_for

pytestmark = pytest.mark.browser
EMBEDDED = ["/surface?embed=1", "/mlp?embed=1", "/map?embed=1"]
REFUSED = "/surface"
# the main plot of each embedded page: a Plotly plot must have drawn in it
PLOTS = {"/surface": "#surface-plot", "/mlp": "#boundary-plot", "/map": "#map-plot"}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def other_origin(tmp_path: Path, server_url: str) -> Iterator[str]:
    """``http://127.0.0.1:<other port>/slides.html``: four iframes of the app."""
    frames = "\n".join(f'<iframe src="{server_url}{path}" width="900" height="600"></iframe>'
                       for path in [*EMBEDDED, REFUSED])
    (tmp_path / "slides.html").write_text(
        "<!doctype html><html><head><title>slides</title><link rel=\"icon\" href=\"data:,\">"
        f"</head><body>{frames}</body></html>")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                partial(_QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/slides.html"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _frames(page: Any) -> list[Any]:
    """The iframes' frames, in document order, once each has navigated somewhere."""
    for _ in range(600):
        frames = [handle.content_frame() for handle in page.query_selector_all("iframe")]
        if len(frames) == len(EMBEDDED) + 1 and all(
                f is not None and f.url not in ("", "about:blank") for f in frames):
            return frames
        page.wait_for_timeout(100)
    raise AssertionError(f"the frames did not navigate: {[f.url for f in page.frames]}")


def test_embed_pages_load_in_frames_of_another_origin(page, problems, server_url, other_origin):
    assert other_origin.split("/")[2] != server_url.split("/")[2]
    page.goto(other_origin)
    *embedded, refused = _frames(page)
    for path, frame in zip(EMBEDDED, embedded, strict=True):
        wait_for(frame, "() => document.querySelector('main') !== null"
                        " && document.body.dataset.ready === 'true'", timeout=60)
        assert frame.url.startswith(server_url + path.split("?")[0]), (path, frame.url)
        plot = PLOTS[path.split("?")[0]]
        wait_for(frame, f"() => document.querySelector('{plot} .js-plotly-plot .main-svg, "
                        f"{plot}.js-plotly-plot .main-svg') !== null", timeout=60)
        assert frame.evaluate("() => document.querySelector('.site-header').offsetParent === null")
        link = frame.evaluate("() => { const a = document.getElementById('embed-open');"
                              " return a.getClientRects().length > 0 && [a.target, a.href]; }")
        assert link and link[0] == "_blank" and "embed=" not in link[1], link
        # the page's own link edits keep embed=1
        assert "embed=1" in frame.url or "embed=1" in frame.evaluate("() => location.search")
    # the refused frame holds the browser's error page, not ours
    assert not refused.url.startswith(server_url), refused.url
    assert refused.evaluate("() => document.querySelector('main#main') === null")
    # the browser's own report of the refusal is the expected outcome, not a page error
    expected = [m for m in problems.messages if "frame-ancestors 'none'" in m]
    assert len(expected) == 1, problems.messages
    problems.messages[:] = [m for m in problems.messages if m not in expected]
