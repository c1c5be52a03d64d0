"""The background measures run in a process of their own: the server's interpreter stays free for requests, the
process reports its progress, and it never outlives the server nor the version of the data it computes for."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
import requests

from graph import KnowledgeGraph
from graph import network as nw
from graph.network import measure_process
from graph.network.measures import Measures
from tests.conftest import DATA, free_port, wait_until_serving
from tests.test_api import running, until

ROOT = Path(__file__).resolve().parent.parent


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (and are not zombies)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def measure_children(pid: int) -> list[int]:
    """The measure processes of the server ``pid``."""
    out = []
    for child in children(pid):
        try:
            if b"graph.network.measure_process" in Path(f"/proc/{child}/cmdline").read_bytes():
                out.append(child)
        except OSError:
            pass
    return out


def test_a_measure_is_computed_in_another_process_which_reports_progress_and_is_reaped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(measure_process, "PROGRESS_EVERY", 0.0)  # every step said, however fast
    said: list[tuple[str, int, float, int | None]] = []
    heard = Measures._said

    graph = nx.relabel_nodes(nx.barabasi_albert_graph(400, 2, seed=7), str)
    net = nw.Network(graph)

    def listen(self: Measures, kind: str, job: int, share: float) -> None:
        if self is net.measures:  # not what other tests' measures, still computing, say
            said.append((kind, job, share, self.pid))
        heard(self, kind, job, share)

    monkeypatch.setattr(Measures, "_said", listen)
    ready = net.measures.wait("betweenness", timeout=900)
    assert ready["status"] == "ready" and ready["scores"] == pytest.approx(nx.betweenness_centrality(graph))
    kinds = [kind for kind, *_ in said]
    assert kinds[0] == "start" and kinds[-1] == "done" and kinds.count("progress") >= 10
    shares = [share for kind, _, share, _ in said if kind == "progress"]
    assert shares == sorted(shares) and 0 < shares[-1] <= 1
    pids = {pid for *_, pid in said}
    (child,) = pids
    assert child is not None and child != os.getpid()  # computed elsewhere than in this (the server's) process
    assert until(lambda: not running(child) and net.measures.pid is None)  # ended and reaped, no zombie


def test_a_new_version_of_the_data_ends_the_measure_process_of_the_old_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gate = tmp_path / "go"
    monkeypatch.setenv(measure_process.GATE, str(gate))
    kg = KnowledgeGraph.open("memory:", load_shipped=False)
    kg.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    holder = nw.Projection(kg, None, recheck_seconds=0, precompute=False)
    old = holder.get()
    assert old.measures.request("betweenness")["status"] in ("queued", "computing")
    child = until(lambda: old.measures.pid)
    assert child and running(child)
    kg.store.add_data((DATA / "xss.trig").read_bytes(), "trig")  # a write: a new version of the data
    new = holder.get(background=False)
    assert new is not old and old.measures.closed
    assert until(lambda: not running(child))  # the old version's process is ended and reaped
    assert old.measures.status("betweenness")["status"] != "ready"  # and nothing of it is kept as ready
    gate.touch()
    assert new.measures.wait("betweenness", timeout=900)["status"] == "ready"


def test_the_server_answers_while_a_measure_computes_and_its_process_dies_with_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    kg = KnowledgeGraph.open(f"oxigraph:{store}", load_shipped=False)
    kg.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    kg.store.close()
    gate, port = tmp_path / "go", free_port()
    env = {**os.environ, measure_process.GATE: str(gate), "PARTNERGRAPH_LOAD_SHIPPED": "false"}
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py"), "--store", f"oxigraph:{store}", "--port", str(port)],
        cwd=tmp_path,  # the measure process finds the package wherever the server was started from
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{base}/healthz", server, "the server")
        pending = requests.get(f"{base}/api/rankings?measure=betweenness", timeout=60).json()
        assert pending["status"] in ("queued", "computing") and pending["results"] == []
        (child,) = until(lambda: measure_children(server.pid))  # started by the warm-up: one at a time
        # The server answers meanwhile: a query and a path.
        answer = requests.get(f"{base}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        assert requests.get(f"{base}/api/paths?from=Hanoi&to=Liaoning Province", timeout=60).status_code == 200
        status = requests.get(f"{base}/api/measures", timeout=60).json()["measures"]
        waiting = {m["measure"] for m in status if m["status"] in ("queued", "computing")}
        assert waiting == {"betweenness", "communities"}
        # Killed outright (no clean-up of its own), the server takes its measure process with it.
        server.send_signal(signal.SIGKILL)
        server.wait(60)
        assert until(lambda: not running(child))
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(60)


def test_measures_asked_together_are_computed_by_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    pids: list[tuple[str, int | None]] = []
    heard = Measures._said

    net = nw.Network(nx.relabel_nodes(nx.karate_club_graph(), str))

    def listen(self: Measures, kind: str, job: int, share: float) -> None:
        if self is net.measures:
            pids.append((kind, self.pid))
        heard(self, kind, job, share)

    monkeypatch.setattr(Measures, "_said", listen)
    net.measures.request_all(["communities", "betweenness"])
    assert net.measures.wait("communities", timeout=900)["status"] == "ready"
    assert net.measures.wait("betweenness", timeout=900)["status"] == "ready"
    assert [kind for kind, _ in pids].count("done") == 2
    assert len({pid for _, pid in pids}) == 1  # the projection read once, by one process


def test_a_cancelled_measure_is_no_failure_and_starts_again_when_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from graph.network.measures import cancel_all

    gate = tmp_path / "go"
    monkeypatch.setenv(measure_process.GATE, str(gate))
    monkeypatch.setenv(measure_process.NICE_ENV, "3")  # the tests' own setting is 0: the server's priority
    net = nw.Network(nx.relabel_nodes(nx.karate_club_graph(), str))
    assert net.measures.request("betweenness")["status"] in ("queued", "computing")
    child = until(lambda: net.measures.pid)
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert child and until(lambda: os.getpriority(os.PRIO_PROCESS, child) == ours + 3)  # set as the child starts
    cancel_all()  # what the tests do after each test: nothing left running or waiting for its turn
    assert until(lambda: not running(child) and net.measures.pid is None)
    assert until(lambda: net.measures.status("betweenness")["status"] == "not started")  # not "failed"
    gate.touch()
    assert net.measures.wait("betweenness", timeout=900)["status"] == "ready"
