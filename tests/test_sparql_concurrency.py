"""Ordinary concurrency on /sparql: many clients of cheap queries wait their turn and are answered; nothing in the
pool's bookkeeping or a failure to start a worker ever answers 500.

Issue 13: 16 clients of the cheap named queries with the result cache off got hundreds of ``503 busy`` (the queue
in front of the workers held 8) and one ``500``. These tests assert outcomes (status codes), never timings.
"""

from __future__ import annotations

import logging
import pickle
import socket
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pyoxigraph as ox
import pytest
import requests
from flask import Flask

from graph.queries import named_queries
from graph.sandbox import workers
from graph.sandbox.workers import Pool
from server import DEFAULT_THREADS, create_app
from tests.test_hardening import TOKEN, served, writable_app

CHEAP = ("statistics", "sources", "contradictions", "training-courses", "counted-statements")
ASK = {
    "sparql": "ASK { ?s ?p ?o }",
    "form": "ASK",
    "suspects": [],
    "result_format": "json",
    "boolean_format": "json",
    "graph_format": "turtle",
    "max_rows": 10,
    "default_graphs": None,
    "named_graphs": None,
    "query_dataset": False,
}


def fork_refused() -> None:
    """What ``Pool._spawn`` raises when the kernel refuses a fork (EAGAIN: process or memory limit)."""
    raise BlockingIOError(11, "Resource temporarily unavailable")


@pytest.fixture(scope="module")
def shipped_app() -> Iterator[Flask]:
    """The shipped data, the result cache off, the default queue, two workers (the fewest a machine gets)."""
    app = create_app(
        {"STORE": "memory:", "TESTING": True, "EXPLORER_WARMUP": False, "RESULT_CACHE_MB": 0, "QUERY_WORKERS": 2}
    )
    yield app
    app.extensions["sparql"].close()


def test_the_default_queue_admits_a_few_dozen_waiting_queries_for_a_bounded_time(shipped_app: Flask) -> None:
    pool = shipped_app.extensions["sparql"].pool
    assert pool.queue_size >= 32
    assert 0 < pool.queue_wait <= shipped_app.config["QUERY_TIMEOUT"]
    assert DEFAULT_THREADS > pool.size + pool.burst + pool.queue_size  # the queue decides, not the server's threads


def test_sixteen_concurrent_clients_of_cheap_named_queries_all_get_200(shipped_app: Flask) -> None:
    texts = [named_queries()[name].bind({}) for name in CHEAP]
    accept = {"Accept": "application/sparql-results+json"}

    def client(i: int) -> list[int]:
        session = requests.Session()
        codes = []
        for n in range(i, i + 6):
            response = session.get(
                base + "/sparql", params={"query": texts[n % len(texts)]}, headers=accept, timeout=120
            )
            codes.append(response.status_code)
        return codes

    with served(shipped_app, threads=DEFAULT_THREADS) as base, ThreadPoolExecutor(16) as clients:
        codes = Counter(code for codes in clients.map(client, range(16)) for code in codes)
    assert codes == {200: 16 * 6}


def test_the_fast_lane_bookkeeping_holds_while_threads_switch_constantly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request counts as slow (so each wait reads who is busy) while 16 threads start and end requests and
    the interpreter switches threads as often as it can: every call is answered, none raises."""
    monkeypatch.setattr(workers, "SLOW_SECONDS", 0.0)
    store = ox.Store()
    pool = Pool(lambda: store, size=1, memory_mb=0, queue_size=64, queue_wait=60.0, burst=2)
    statuses: Counter[str] = Counter()
    lock = threading.Lock()

    def client() -> None:
        for _ in range(40):
            try:
                status = pool.call(dict(ASK), 60.0).status
            except Exception as error:  # what used to reach Flask as a 500
                status = f"raised {type(error).__name__}: {error}"
            with lock:
                statuses[status] += 1

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=client) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
        pool.close()
    assert statuses == {"ok": 16 * 40}
    assert pool._live == 0 and not pool._busy  # every worker counted back out, none left marked busy


def test_a_cheap_query_waiting_in_the_queue_goes_before_a_slow_one_that_came_first() -> None:
    """One worker, held: a request known to take seconds queues, then a cheap one; the worker, once back, serves
    the cheap one first (the slow one is served next, not refused)."""
    store = ox.Store()
    pool = Pool(lambda: store, size=1, memory_mb=0, queue_size=4, queue_wait=60.0, burst=0)
    order: list[str] = []

    def ask(name: str, cost: float) -> None:
        assert pool.call(dict(ASK), 60.0, cost=cost).status == "ok"
        order.append(name)

    try:
        held = pool.acquire()
        threads = {}
        for name, cost in (("slow", 5.0), ("cheap", 0.01)):
            threads[name] = threading.Thread(target=ask, args=(name, cost))
            threads[name].start()
            while len(pool._waiters) < len(threads):  # queued, in this order
                threading.Event().wait(0.01)
        pool.release(held)
        for thread in threads.values():
            thread.join(60)
    finally:
        pool.close()
    assert order == ["cheap", "slow"]


def test_a_worker_that_cannot_be_started_answers_503_with_retry_after_and_logs_why(
    shipped_app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pool = shipped_app.extensions["sparql"].pool
    for idle in list(pool._idle.queue):  # no idle worker: the next query must start one
        pool._idle.get_nowait()
        pool.retire(idle)

    monkeypatch.setattr(pool, "_spawn", fork_refused)
    with caplog.at_level(logging.WARNING, logger="partnergraph.sparql"):
        response = shipped_app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert "no query worker could be started" in response.text
    logged = [r.getMessage() for r in caplog.records if "outcome=unavailable" in r.getMessage()]
    assert logged and "Resource temporarily unavailable" in logged[0]


def test_an_update_whose_preview_worker_cannot_be_started_answers_503_with_retry_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = writable_app()
    pool = app.extensions["sparql"].pool
    try:
        for idle in list(pool._idle.queue):
            pool._idle.get_nowait()
            pool.retire(idle)
        monkeypatch.setattr(pool, "_spawn", fork_refused)
        response = app.test_client().post(
            "/update",
            data=b"INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }",
            headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        )
        assert response.status_code == 503 and response.headers["Retry-After"] == "2"
        assert "no query worker could be started" in response.json["error"]
    finally:
        pool.close()


def test_a_store_that_cannot_be_read_answers_503_not_500() -> None:
    from graph.sandbox.results import evaluate

    class Unreadable:
        def query(self, *args: object, **kwargs: object) -> None:
            raise OSError(24, "Too many open files")

    outcome = evaluate(Unreadable(), {**ASK})  # type: ignore[arg-type]
    assert outcome.status == "unavailable" and "Too many open files" in outcome.message


def test_a_failure_inside_the_pool_is_an_outcome_logged_with_its_message_and_trace(
    shipped_app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug of ours (what the race on the busy table raised) reaches the log with its message, not only Flask's."""
    runner = shipped_app.extensions["sparql"]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("dictionary changed size during iteration")

    monkeypatch.setattr(runner.pool, "call", broken)
    with caplog.at_level(logging.WARNING, logger="partnergraph.sparql"):
        outcome = runner.run("ASK { ?s ?p ?o }")
    assert outcome.status == "error" and "dictionary changed size" in outcome.message
    assert any(r.exc_info for r in caplog.records)  # the trace
    assert any(
        "outcome=error" in r.getMessage() and "dictionary changed size" in r.getMessage() for r in caplog.records
    )


def test_requests_that_stop_waiting_leave_no_place_in_the_queue_behind() -> None:
    """One worker, held while eight requests wait for it until their wait runs out (busy): once the held worker is
    retired (a time-out: nothing is handed on), the queue holds none of them (it used to keep every one until some
    worker came back, so under load of timing-out queries it grew without bound)."""
    store = ox.Store()
    pool = Pool(lambda: store, size=1, memory_mb=0, queue_size=16, queue_wait=0.05, burst=0)
    statuses: list[str] = []
    try:
        held = pool.acquire()
        threads = [
            threading.Thread(target=lambda: statuses.append(pool.call(dict(ASK), 60.0).status)) for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        pool.retire(held)
        assert statuses == ["busy"] * 8
        assert pool._waiters == [] and pool._waiting == 0
        assert pool.call(dict(ASK), 60.0).status == "ok"  # and the pool still serves
    finally:
        pool.close()


@pytest.mark.parametrize(
    "garbage",
    [
        (5).to_bytes(8, "little") + b"junk!",  # not a pickle: an unpickling error
        (2**63 - 1).to_bytes(8, "little"),  # a length no buffer can hold: a MemoryError
    ],
)
def test_a_worker_whose_answer_cannot_be_read_is_retired_not_leaked(garbage: bytes) -> None:
    """An answer that cannot be read (a corrupt pickle, a corrupt length header) is raised, and its worker is
    retired: its slot is counted out, not left busy for good."""
    store = ox.Store()
    pool = Pool(lambda: store, size=1, memory_mb=0, queue_size=4, queue_wait=60.0, burst=0)
    ours, theirs = socket.socketpair()
    try:
        worker = pool.acquire()
        worker.conn.close()
        worker.conn = workers.Channel(ours)  # the "worker" end: what it answers is garbage
        theirs.sendall(garbage)
        pool.release(worker)
        with pytest.raises((pickle.UnpicklingError, MemoryError)):
            pool.call(dict(ASK), 60.0)
        assert pool._live == 0 and not pool._busy
        assert pool.call(dict(ASK), 60.0).status == "ok"  # a fresh worker takes the freed slot
    finally:
        theirs.close()
        pool.close()


def test_with_a_queue_wait_below_two_seconds_a_slow_request_still_gets_its_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A queue wait of 1 s: a request known to be slow counts as having come at most half a wait later (not 2 s, its
    whole wait), so a cheap one that comes after that does not pass it. The pool's clock is a fake one (stopped
    unless the test moves it): no wait runs out, whatever the machine's load."""
    clock = [100.0]
    monkeypatch.setattr(workers, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    store = ox.Store()
    pool = Pool(lambda: store, size=1, memory_mb=0, queue_size=4, queue_wait=1.0, burst=0)
    order: list[str] = []

    def take_turn(name: str, cost: float) -> None:
        worker = pool.acquire(cost)
        order.append(name)
        pool.release(worker)

    try:
        held = pool.acquire()
        threads = []
        for name, cost, now in (("slow", 5.0, 100.0), ("cheap", 0.01, 100.6)):
            clock[0] = now
            threads.append(threading.Thread(target=take_turn, args=(name, cost)))
            threads[-1].start()
            while len(pool._waiters) < len(threads):
                threading.Event().wait(0.01)
        pool.release(held)
        for thread in threads:
            thread.join(60)
    finally:
        pool.close()
    assert order == ["slow", "cheap"]
