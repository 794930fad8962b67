"""A wheel built from the repository serves the pages: installed in a fresh venv outside the tree
(``static/`` and ``templates/`` travel inside it), uvicorn answers ``/`` and the scripts.

Builds offline (``pip wheel --no-deps --no-build-isolation``) from a copy of the tree, so the
checkout gets no ``build/``; the venv borrows the test environment's packages through a path
file and gets only our wheel installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from bench.server import free_port

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("app", "static", "templates", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")

pytestmark = pytest.mark.slow


def _run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a fresh venv holding the wheel, outside the checkout."""
    pytest.importorskip("setuptools", reason="building the wheel offline needs setuptools")
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "_assets"))
        else:
            shutil.copy2(path, source / name)
    dist = tmp / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", dist, source, cwd=tmp)
    (wheel,) = dist.glob("descenso-*.whl")
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                     cwd=tmp).strip())
    # the test environment's packages, appended after the venv's own (our wheel comes first);
    # a path line does not run that folder's .pth files, so the editable checkout stays out
    (site / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "-q", wheel, cwd=tmp)
    return python


def test_wheel_installs_app_with_its_assets_outside_the_checkout(installed, tmp_path):
    out = _run(installed, "-c", "import app._resources as r; print(r.__file__); "
               "print(r.STATIC_DIR); print(r.TEMPLATES_DIR)", cwd=tmp_path)
    module, static, templates = (Path(line) for line in out.split())
    venv = installed.parent.parent
    for path in (module, static, templates):
        assert venv in path.parents and ROOT not in path.parents, path
    assert (static / "js" / "state.js").is_file()
    assert (templates / "base.html").is_file()


def test_wheel_serves_the_pages(installed, tmp_path):
    """Pages, scripts and docs answer; ``HEAD /`` answers like ``GET /`` with no body."""
    port = free_port()
    env = {**os.environ, "DESCENSO_DATA_DIR": str(tmp_path / "data")}
    env.pop("PYTHONPATH", None)
    server = subprocess.Popen(
        [str(installed), "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port",
         str(port), "--log-level", "warning"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz", server)
        for path in ("/", "/mlp", "/map", "/static/js/state.js", "/vendor/plotly.min.js",
                     "/docs", "/vendor/api-docs/swagger-ui-bundle.js"):
            with urllib.request.urlopen(base + path, timeout=10) as answer:
                assert answer.status == 200, path
                assert answer.read(), path
        head = _raw(port, b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        get = _raw(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head_headers, head_body = head.split(b"\r\n\r\n", 1)
        assert head_headers.startswith(b"HTTP/1.1 200") and head_body == b""
        assert b"content-length" in head_headers.lower()
        assert len(get.split(b"\r\n\r\n", 1)[1]) > 1000
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr:
            server.stderr.close()


def _raw(port: int, request: bytes) -> bytes:
    """Everything the server sends back for ``request`` on a fresh connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    """Poll ``url`` until it answers; the bound is a number of tries, not a time to assert."""
    for _ in range(600):
        if server.poll() is not None:
            err = server.stderr.read().decode() if server.stderr else ""
            raise AssertionError(f"uvicorn exited with {server.returncode}: {err[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} never answered")
