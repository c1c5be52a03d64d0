"""Shared fixtures: stores of every backend, a real SPARQL server for the remote one, and the shipped graph."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from graph import KnowledgeGraph, gazetteer, open_store, reconcile
from graph.store import Store

DATA = Path(__file__).parent / "data"
# The background processes (measures, projection rebuilds) run at the server's priority under tests: at a lower
# one, on a machine loaded by other work, a test could wait many minutes for its child to get the CPU.
os.environ.setdefault("PARTNERGRAPH_BACKGROUND_NICE", "0")


@pytest.fixture(autouse=True)
def _no_measure_left_behind() -> Iterator[None]:
    """After each test, cancel every background measure still queued or computing (of any app the test made):
    measures run one at a time, so leftovers of earlier tests would make a later test wait for its turn."""
    yield
    from graph.network.measures import cancel_all

    cancel_all()


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


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium through Playwright (never 'playwright install'), one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What a page did: every request, console errors, page errors and dialogs (a dialog would mean that
    injected script ran). ``check`` fails on any of them, or on a request that left ``base_url``."""

    def __init__(self, page, base_url: str) -> None:
        self.base = base_url
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    @property
    def problems(self) -> list[str]:
        """Console and page errors, then dialogs."""
        return self.errors + [f"dialog: {message}" for message in self.dialogs]

    def check(self) -> None:
        outside = [u for u in self.requests if not u.startswith((self.base + "/", "data:", "blob:"))]
        assert outside == [], f"requests left 127.0.0.1: {outside}"
        assert self.problems == []


@contextmanager
def serve_in_thread(app) -> Iterator[str]:
    """Serve a Flask app with waitress on a free port of 127.0.0.1 in a thread; yields its base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=free_port(), threads=4)
    closing = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:  # the loop may be polling the socket that close() just shut (EBADF): that is the stop
            if not closing.is_set():
                raise

    threading.Thread(target=run, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        closing.set()
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


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 200M
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 8
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
; Debian's default of 10,000 rows cuts results silently; the store pages or refuses at the cap, but the app's
; whole-graph reads (the explorer's projection) need the cap above the store's size.
ResultSetMaxRows = {row_cap}
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""
#: Run once through isql when the database is new: the SPARQL endpoint's user may update (queries and the Graph
#: Store Protocol); Virtuoso's own graphs become private, so the union default graph holds our graphs only.
VIRTUOSO_SETUP = """\
GRANT SPARQL_UPDATE TO "SPARQL";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);
DB.DBA.RDF_GRAPH_GROUP_CREATE ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', 1);
{private}
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
"""


def virtuoso_binaries() -> tuple[str, str]:
    """Debian's Virtuoso (``apt-get install virtuoso-opensource``; scripts/test installs it)."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server is None or isql is None:
        pytest.fail("Virtuoso is not installed: apt-get install virtuoso-opensource (scripts/test does it)")
    return server, isql


@contextmanager
def running_virtuoso(directory: Path, row_cap: int = 1_000_000) -> Iterator[str]:
    """Run Virtuoso in ``directory`` (its own virtuoso.ini, free ports of 127.0.0.1, the setup done through isql)
    and stop it afterwards; yields the SPARQL endpoint's URL."""
    from graph.store_remote import VIRTUOSO_SYSTEM_GRAPHS

    server, isql = virtuoso_binaries()
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port, row_cap=row_cap))
    process = subprocess.Popen(
        [server, "+foreground", "+configfile", str(ini)],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    try:
        wait_until_serving(f"{endpoint}?query=ASK%20%7B%7D", process, "Virtuoso", seconds=120)
        private = "\n".join(
            f"DB.DBA.RDF_GRAPH_GROUP_INS ('http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs', '{g}');"
            for g in VIRTUOSO_SYSTEM_GRAPHS
        )
        setup = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={VIRTUOSO_SETUP.format(private=private)}"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "Error" not in setup.stdout + setup.stderr, setup.stdout + setup.stderr
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Virtuoso 7 for the session (result cap raised to a million rows); yields its SPARQL endpoint URL."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as endpoint:
        yield endpoint


#: The backends of the store contract: two embedded (memory, disk) and two remote engines.
BACKENDS = ["memory", "disk", "oxigraph-server", "virtuoso"]


#: Staging graphs a test left behind on a remote engine (a failed write's, or one left on purpose).
LEFT_STAGING_GRAPHS = (
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
    'FILTER(STRSTARTS(STR(?g), "https://partnergraph.org/id/staging/")) }'
)


def remote_store_url(request: pytest.FixtureRequest, engine: str) -> str:
    """The store setting of a running remote engine (started on first use), emptied."""
    if engine == "virtuoso":
        url = f"sparql:{request.getfixturevalue('virtuoso_server')}"
    else:
        base = request.getfixturevalue("sparql_server")
        url = f"sparql:{base}/query|{base}/update"
    s = open_store(url)
    for graph in s.graphs():
        s.drop_graph(graph)
    for (graph,) in s.select_values(LEFT_STAGING_GRAPHS):  # hidden from graphs(), so dropped by name
        s.drop_graph(graph)
    s.close()
    return url


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend; the contract tests run against all four."""
    if request.param == "memory":
        s = open_store("memory:")
    elif request.param == "disk":
        s = open_store(f"oxigraph:{tmp_path / 'store'}")
    else:
        s = open_store(remote_store_url(request, request.param))
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


@pytest.fixture(scope="session")
def twin_cities_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An on-disk store with the shipped data and the world's twin cities imported (``python -m graph
    import-twin-cities``, about a minute), made once per test session and shared by every test that asks for it;
    read-only use. Tests that use it carry the ``twin_cities`` marker (``-m "not twin_cities"`` leaves them out)."""
    directory = tmp_path_factory.mktemp("twin-cities")
    store = f"oxigraph:{directory / 'store'}"
    done = subprocess.run(
        [sys.executable, "-m", "graph", "--store", store, "import-twin-cities", "--skip-bad", directory / "bad.csv"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return store


@pytest.fixture(scope="session")
def gaz() -> gazetteer.Gazetteer:
    """The full gazetteer, indexed once (var/gazetteer/, reused while the package versions stay the same)."""
    return gazetteer.get()


@pytest.fixture
def rec(gaz: gazetteer.Gazetteer) -> reconcile.Reconciler:
    """A reconciler over the full gazetteer."""
    return reconcile.Reconciler(gaz)
