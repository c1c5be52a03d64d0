"""Shared fixtures: stores of every backend, a real SPARQL server for the remote one, and the shipped graph."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from graph import KnowledgeGraph, open_store
from graph.store import Store

DATA = Path(__file__).parent / "data"
#: Debian's chromium, driven by Playwright (never 'playwright install'), without any background traffic.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MINI = DATA / "mini.trig"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    """The Oxigraph server (``pip install oxigraph``); the remote-store tests need it."""
    path = shutil.which("oxigraph")
    if path is None:
        pytest.fail("the oxigraph server is not installed: pip install -r requirements-dev.txt")
    return path


def wait_until_serving(url: str, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    """Wait until a server started as ``process`` answers ``url``; fail the test if it dies or never does."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"{what} did not start")
            time.sleep(0.1)


@contextmanager
def serve_in_thread(app) -> Iterator[str]:
    """Serve a Flask app with waitress on a free port of 127.0.0.1 in a thread; yields its base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=free_port(), threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()


@pytest.fixture(scope="session")
def sparql_server() -> Iterator[str]:
    """A real Oxigraph SPARQL 1.1 server on 127.0.0.1 (in memory, union default graph); yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(f"{base}/query?query=ASK%20%7B%7D", process, "the Oxigraph server")
    yield base
    process.terminate()
    process.wait(10)


@pytest.fixture(params=["memory", "disk", "remote"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend; the contract tests run against all three."""
    if request.param == "memory":
        s = open_store("memory:")
    elif request.param == "disk":
        s = open_store(f"oxigraph:{tmp_path / 'store'}")
    else:
        base = request.getfixturevalue("sparql_server")
        s = open_store(f"sparql:{base}/query|{base}/update")
        s.update("DROP ALL")
    yield s
    s.close()


@pytest.fixture(scope="session")
def shipped() -> KnowledgeGraph:
    """The shipped ontology and data in an in-memory store (read-only use: do not write to it)."""
    return KnowledgeGraph.open("memory:")


def network_app():
    """An app over the hand-drawn network fixture and the markup-in-labels fixture (no shipped data)."""
    from server import create_app

    app = create_app({"STORE": "memory:", "LOAD_SHIPPED": False, "TESTING": True})
    for name in ("network.trig", "xss.trig"):
        app.extensions["kg"].store.add_data((DATA / name).read_bytes(), "trig")
    return app
