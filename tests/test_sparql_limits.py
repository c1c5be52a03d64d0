"""The endpoint is bounded: nothing is fetched, long queries are stopped, memory eaters kill only their worker."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest
from flask import Flask

from graph.sandbox import QueryRunner
from graph.sandbox.results import Outcome
from graph.store import open_store
from tests.test_sparql_protocol import make_app


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def big_graph(n: int = 3000) -> bytes:
    """n triples in one graph: a cross join of every node with every node does not end in a test's lifetime."""
    lines = [f"<urn:n{i}> <urn:p> <urn:n{(i * 7) % n}> ." for i in range(n)]
    return ("<urn:g> {\n" + "\n".join(lines) + "\n}\n").encode()


@pytest.fixture(scope="module")
def bounded() -> Iterator[Flask]:
    app = make_app(big_graph(), QUERY_TIMEOUT=1.5, QUERY_MEMORY_MB=150, MAX_ROWS=100000, QUERY_FAST_LANE=0)
    yield app
    app.extensions["sparql"].close()


def test_the_listener_sees_an_unguarded_engine(listener: Listener) -> None:
    """The control: pyoxigraph itself does call a SERVICE, so the listener would notice a leak."""
    store = ox.Store()
    with pytest.raises(OSError):
        list(store.query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"))
    deadline = time.monotonic() + 2
    while listener.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert listener.connections >= 1


def test_nothing_is_fetched(bounded: Flask, listener: Listener) -> None:
    here = f"http://127.0.0.1:{listener.port}"
    client = bounded.test_client()
    attempts = [
        {"query": f"SELECT * WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * WHERE {{ service silent <{here}/sparql> {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{here}/> {{ ?s ?p ?o }} }} }} }}"},
        {"query": f"SELECT * WHERE {{ BIND(<{here}/> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * WHERE {{ \\u0053ERVICE <{here}/> {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * FROM <{here}/data.ttl> WHERE {{ ?s ?p ?o }}"},
        {"query": f"SELECT * FROM NAMED <{here}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"},
        {"query": f"LOAD <{here}/data.ttl>"},
        {"query": "ASK { ?s ?p ?o }", "default-graph-uri": f"{here}/data.ttl"},
        {"query": "ASK { ?s ?p ?o }", "named-graph-uri": f"{here}/data.ttl"},
    ]
    for params in attempts:
        response = client.get("/sparql", query_string=params)
        assert response.status_code == 400, params
        assert "not allowed" in response.text or "no such graph" in response.text or "read-only" in response.text
    form = client.post("/sparql", data={"update": f"LOAD <{here}/data.ttl>"})
    assert form.status_code == 403
    time.sleep(0.3)
    assert listener.connections == 0


def gone(pid: int, wait: float = 2.0) -> bool:
    """True once the process has ended (no longer exists, or is a zombie burning nothing)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.02)
    return False


CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_long_query_is_stopped_and_others_are_answered_meanwhile(bounded: Flask) -> None:
    client = bounded.test_client()
    runner = bounded.extensions["sparql"]
    killed: list[int] = []
    original = runner.pool.retire

    def spy(worker):
        killed.append(worker.pid)
        original(worker)

    runner.pool.retire = spy

    def long_one():
        started = time.monotonic()
        response = bounded.test_client().get("/sparql", query_string={"query": CROSS_JOIN})
        return response, time.monotonic() - started, time.monotonic()

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(long_one)
        time.sleep(0.3)
        for _ in range(3):
            quick = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
            assert quick.status_code == 200
            assert json.loads(quick.data)["results"]["bindings"][0]["n"]["value"] == "3000"
        quick_done = time.monotonic()
        response, took, long_done = future.result()
    runner.pool.retire = original
    assert not future.running()
    assert response.status_code == 503
    assert response.text == "the query ran longer than the limit of 1.5 s: stopped\n"
    assert took >= 1.5  # stopped at the limit, not before
    assert quick_done < long_done  # the quick ones were answered while the long one ran
    # The worker that ran it is gone (killed); the pool still answers, from fresh workers when needed.
    assert len(killed) == 1 and gone(killed[0])
    for _ in range(3):
        assert client.get("/sparql", query_string={"query": "ASK { <urn:n1> ?p ?o }"}).json["boolean"] is True


def test_a_query_that_eats_memory_kills_only_its_worker() -> None:
    # A time limit far beyond what the sort needs to hit the memory limit, even on a loaded machine.
    bounded = make_app(big_graph(), QUERY_TIMEOUT=60, QUERY_MEMORY_MB=150, QUERY_WORKERS=1)
    client = bounded.test_client()
    eater = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d LIMIT 1"  # sorts 9 M rows in memory
    response = client.get("/sparql", query_string={"query": eater})
    assert response.status_code == 503
    assert "memory" in response.text
    after = client.get("/sparql", query_string={"query": "ASK { <urn:n2> ?p ?o }"})
    assert after.status_code == 200 and after.json["boolean"] is True
    bounded.extensions["sparql"].close()


def test_every_worker_busy_is_a_clear_503() -> None:
    """One worker, no queue: a second query while the first runs is told at once (503, Retry-After)."""
    app = make_app(big_graph(2000), QUERY_WORKERS=1, QUERY_QUEUE=0, QUERY_TIMEOUT=5.0, QUERY_FAST_LANE=0)
    runner = app.extensions["sparql"]
    try:
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(app.test_client().get, "/sparql", query_string={"query": CROSS_JOIN})
            deadline = time.monotonic() + 10
            while runner.pool._live == 0 and time.monotonic() < deadline:  # the first holds the only worker
                time.sleep(0.01)
            started = time.monotonic()
            second = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
            waited = time.monotonic() - started
            assert first.result().status_code == 503  # stopped at the time limit
        assert second.status_code == 503
        assert second.headers["Retry-After"] == "2"
        assert "busy" in second.text
        assert waited < 5.0  # refused at once, not after the first query's time limit
        assert runner.run("ASK { ?s ?p ?o }").status == "ok"  # and the pool answers again afterwards
    finally:
        runner.close()


def test_a_query_waits_in_the_bounded_queue_then_gets_a_worker() -> None:
    """With a queue, a query waits for a worker to come back instead of being refused."""
    app = make_app(big_graph(200), QUERY_WORKERS=1, QUERY_QUEUE=4, QUERY_QUEUE_WAIT=30.0)
    runner = app.extensions["sparql"]
    try:
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(runner.run, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") for _ in range(4)]
            assert [f.result().status for f in futures] == ["ok"] * 4
    finally:
        runner.close()


def test_a_cheap_query_takes_the_fast_lane_while_a_slow_one_holds_every_worker() -> None:
    app = make_app(big_graph(2000), QUERY_WORKERS=1, QUERY_QUEUE=0, QUERY_TIMEOUT=5.0, QUERY_FAST_LANE=1)
    runner = app.extensions["sparql"]
    try:
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(runner.run, CROSS_JOIN)
            deadline = time.monotonic() + 10
            while not runner.pool._busy and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.3)  # the slow one has now run long enough to count as slow
            cheap = runner.run("ASK { <urn:n1> ?p ?o }")
            assert not slow.done()  # answered while the slow one still held the only regular worker
            assert (cheap.status, json.loads(cheap.body)["boolean"]) == ("ok", True)
            assert slow.result().status == "timeout"
        assert runner.pool._live <= 1  # the fast-lane worker was retired once done
    finally:
        runner.close()


def test_a_query_known_to_be_slow_never_takes_the_fast_lane_and_a_cheap_one_passes_it_at_once() -> None:
    app = make_app(big_graph(2000), QUERY_WORKERS=1, QUERY_QUEUE=0, QUERY_FAST_LANE=1, RESULT_CACHE_MB=0)
    runner = app.extensions["sparql"]
    try:
        runner.timeout = 1.0
        assert runner.run(CROSS_JOIN).status == "timeout"  # now known to be slow
        runner.timeout = 6.0
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(runner.run, CROSS_JOIN)
            deadline = time.monotonic() + 10
            while not runner.pool._busy and time.monotonic() < deadline:
                time.sleep(0.01)
            cheap = runner.run("ASK { <urn:n1> ?p ?o }")  # no wait: the running query is known to be slow
            assert not slow.done()
            assert (cheap.status, json.loads(cheap.body)["boolean"]) == ("ok", True)
            time.sleep(0.3)  # the running one now counts as slow by its time too
            again = runner.run(CROSS_JOIN)
            assert again.status == "busy"  # a slow one does not take the lane: it is kept for cheap ones
            assert slow.result().status == "timeout"
    finally:
        runner.close()


def test_a_repeated_query_is_answered_from_the_cache_until_the_store_changes() -> None:
    app = make_app(big_graph(100))
    runner = app.extensions["sparql"]
    store = app.extensions["kg"].store
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    try:
        first = runner.run(query)
        spawned = runner.pool._live
        again = runner.run(query)
        assert again.body == first.body and len(runner.cache) == 1
        assert runner.pool._live == spawned  # no worker was asked
        assert runner.run(query, result_format="csv").body.decode().splitlines() == ["n", "100"]  # its own key
        store.add_data(b"<urn:g9> { <urn:new> <urn:p> <urn:x> . }", "trig")  # a write: a new store version
        after = runner.run(query)
        assert json.loads(after.body)["results"]["bindings"][0]["n"]["value"] == "101"
    finally:
        runner.close()


def test_a_dead_zygote_is_replaced_and_the_query_answered() -> None:
    """The kernel's OOM killer may pick the zygote (it shares the server's pages): the next query still works."""
    import os
    import signal

    store = open_store("memory:")
    store.add_data(big_graph(100), "trig")
    runner = QueryRunner(store, workers=1)
    try:
        os.kill(runner.pool._zygote_pid, signal.SIGKILL)
        assert gone(runner.pool._zygote_pid)
        outcome = runner.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert outcome.status == "ok", outcome.message
        assert json.loads(outcome.body)["results"]["bindings"][0]["n"]["value"] == "100"
    finally:
        runner.close()


def test_a_repeated_text_is_scanned_once_per_version_of_the_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.sandbox import runner as runner_module

    scanned: list[str] = []
    scan = runner_module.check_query

    def counting(text: str, *args: object, **kwargs: object):
        scanned.append(text)
        return scan(text, *args, **kwargs)

    monkeypatch.setattr(runner_module, "check_query", counting)
    store = open_store("memory:")
    store.add_data(big_graph(10), "trig")
    runner = QueryRunner(store, workers=1, cache_mb=0)  # no result cache: every run goes to a worker
    try:
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        for _ in range(3):
            assert json.loads(runner.run(count).body)["results"]["bindings"][0]["n"]["value"] == "10"
        assert scanned == [count]
        # A refusal is said (and scanned) every time; a new graph makes the texts scanned again.
        service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
        assert [runner.run(service).status for _ in range(2)] == ["refused", "refused"]
        assert scanned.count(service) == 2
        store.add_data(b"<urn:g2> { <urn:x> <urn:p> <urn:y> . }", "trig")
        runner.refresh()
        assert json.loads(runner.run(count).body)["results"]["bindings"][0]["n"]["value"] == "11"
        assert scanned.count(count) == 2
    finally:
        runner.close()


def test_on_disk_store_runs_in_forked_workers(tmp_path) -> None:
    store = open_store(f"oxigraph:{tmp_path / 'db'}")
    store.add_data(big_graph(500), "trig")
    runner = QueryRunner(store, workers=1, timeout=1.0, max_rows=10)
    try:
        ok = runner.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert json.loads(ok.body)["results"]["bindings"][0]["n"]["value"] == "500"
        assert runner.run(CROSS_JOIN).status == "timeout"
        capped = runner.run("SELECT * WHERE { ?s ?p ?o }")
        assert capped.truncated and capped.rows == 10
        store.add_data(b"<urn:g2> { <urn:x> <urn:p> <urn:y> . }", "trig")
        runner.refresh()
        assert json.loads(runner.run("ASK { <urn:x> <urn:p> <urn:y> }").body) == {"head": {}, "boolean": True}
    finally:
        runner.close()
        store.close()


@pytest.mark.remote
def test_remote_store_is_checked_capped_and_timed(sparql_server: str, listener: Listener) -> None:
    store = open_store(f"sparql:{sparql_server}/query|{sparql_server}/update")
    store.update("DROP ALL")
    store.add_data(big_graph(50), "trig")
    runner = QueryRunner(store, timeout=5.0, max_rows=20)
    try:
        capped = runner.run("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", result_format="csv")
        assert capped.status == "ok" and capped.truncated and capped.rows == 20
        assert capped.body.decode().splitlines()[:2] == ["s", "urn:n0"]
        refused = runner.run(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}")
        assert refused.status == "refused"
        syntax = runner.run("SELECT * WHERE { ?s ?p }")
        assert syntax.status == "syntax" and "line 1" in syntax.message
        graph = runner.run("CONSTRUCT WHERE { ?s ?p ?o }", graph_format="nt")
        assert graph.truncated and graph.rows == 20
        time.sleep(0.2)
        assert listener.connections == 0
    finally:
        runner.close()
        store.update("DROP ALL")
        store.close()


def test_a_new_snapshot_while_other_threads_query_the_store() -> None:
    """Forking the zygote while other threads read the store must give workers that answer (no stuck lock)."""
    store = open_store("memory:")
    store.add_data(big_graph(2000), "trig")
    runner = QueryRunner(store, workers=2, timeout=5.0)
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            list(store.select_values("SELECT ?s WHERE { ?s <urn:p> ?o } LIMIT 500"))

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for i in range(10):
            store.add_data(f"<urn:g{i}> {{ <urn:new{i}> <urn:p> <urn:x> . }}".encode(), "trig")
            runner.refresh()
            outcome = runner.run(f"ASK {{ <urn:new{i}> <urn:p> <urn:x> }}")
            assert (outcome.status, json.loads(outcome.body)) == ("ok", {"head": {}, "boolean": True})
    finally:
        stop.set()
        for t in threads:
            t.join()
        runner.close()


def test_a_query_whose_worker_was_killed_for_memory_is_known_to_be_slow_the_next_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A memory eater is as costly as a query stopped at the time limit: asked again, it goes to the pool as known
    to be slow (it never takes the fast lane, and cheap queries pass it in the queue)."""
    app = make_app(big_graph(100), RESULT_CACHE_MB=0)
    runner = app.extensions["sparql"]
    costs: list[float] = []

    def killed_for_memory(request: dict, timeout: float, keep: bool = True, cost: float = 0.0) -> Outcome:
        costs.append(cost)
        return Outcome("memory", message="stopped its worker process: it needed more memory than allowed")

    try:
        monkeypatch.setattr(runner.pool, "call", killed_for_memory)
        eater = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d LIMIT 1"
        assert [runner.run(eater).status for _ in range(2)] == ["memory", "memory"]
        assert costs == [0.0, runner.timeout]
    finally:
        runner.close()
