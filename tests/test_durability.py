"""Durability: an acknowledged write survives ``kill -9`` of the server; nothing is ever half-written."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from graph import KnowledgeGraph

from .conftest import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "kill-test-token-0123456789"
ID = "https://partnergraph.org/id/"
KP = "https://partnergraph.org/ontology#"
GRAPH = ID + "source/kill-test"
PREFIXES = (
    "PREFIX kp: <https://partnergraph.org/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX prov: <http://www.w3.org/ns/prov#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
)
SOURCE = PREFIXES + (
    f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{GRAPH}> a kp:SourceDocument ; rdfs:label "Kill test" ;'
    ' dcterms:title "Kill test" } }'
)


def entity(n: int) -> str:
    """One write: a complete organisation with its evidence, six statements."""
    org, ev = f"<{ID}org/kill-{n}>", f"<{ID}evidence/kill-test/{n}>"
    return PREFIXES + (
        f'INSERT DATA {{ GRAPH <{GRAPH}> {{ {org} a kp:Organization ; rdfs:label "Kill {n}" ; kp:evidence {ev} .'
        f' {ev} a kp:Evidence ; prov:value "kill {n}" ; prov:wasQuotedFrom <{GRAPH}> . }} }}'
    )


def start_server(store: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PARTNERGRAPH_WRITE_TOKENS": f"killer:{TOKEN}", "PARTNERGRAPH_SECRET_KEY": "k" * 32}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py"), "--store", f"oxigraph:{store}", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_serving(f"http://127.0.0.1:{port}/healthz", process, "the server")
    return process


def write(port: int, text: str) -> bool:
    """Send one update; True only when the server acknowledged it."""
    try:
        response = requests.post(
            f"http://127.0.0.1:{port}/update",
            data=text.encode(),
            headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        )
    except requests.RequestException:
        return False
    return response.status_code == 200


@pytest.mark.slow
def test_acknowledged_writes_survive_kill_9(tmp_path: Path):
    store = tmp_path / "store"
    acknowledged: set[int] = set()
    attempted: set[int] = set()
    counter = iter(range(100000))
    rng = random.Random(1234)
    for _round in range(5):
        port = free_port()
        server = start_server(store, port)
        if _round == 0:
            assert write(port, SOURCE)
        stop = threading.Event()

        def writer(port: int = port, stop: threading.Event = stop) -> None:
            while not stop.is_set():
                n = next(counter)
                attempted.add(n)
                if write(port, entity(n)):
                    acknowledged.add(n)

        threads = [threading.Thread(target=writer) for _ in range(3)]
        for t in threads:
            t.start()
        # Kill once this round has had its share of acknowledged writes (however slow a loaded machine is),
        # at a random moment while the writers keep writing.
        deadline = time.monotonic() + 120
        while len(acknowledged) < 6 * (_round + 1) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.8))
        server.send_signal(signal.SIGKILL)  # kill -9 in the middle of the writes
        server.wait(10)
        stop.set()
        for t in threads:
            t.join()

    kg = KnowledgeGraph.open(f"oxigraph:{store}", load_shipped=False)
    rows = kg.store.select_values(f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} GROUP BY ?s")
    statements = {s: int(n) for s, n in rows}
    present = {int(s.rsplit("-", 1)[1]) for s in statements if s.startswith(f"{ID}org/kill-")}
    assert len(acknowledged) > 20, "too few writes to say anything"
    assert acknowledged <= present, f"acknowledged but lost: {sorted(acknowledged - present)}"
    assert present <= attempted
    for n in present:  # every write is there whole: 3 statements of the org and 3 of its evidence
        assert statements[f"{ID}org/kill-{n}"] == 3
        assert statements[f"{ID}evidence/kill-test/{n}"] == 3
    evidence = {int(s.rsplit("/", 1)[1]) for s in statements if s.startswith(f"{ID}evidence/kill-test/")}
    assert evidence == present
    # and each write that is there has its change record (same transaction)
    recorded = int(
        next(
            iter(
                kg.store.select_values(
                    "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE "
                    "{ GRAPH ?c { ?c a <http://www.w3.org/ns/prov#Activity> } "
                    f'FILTER(STRSTARTS(STR(?c), "{ID}change/")) }}'
                )
            )
        )[0]
    )
    assert recorded == len(present) + 1  # the source document's write too
    kg.store.close()
    print(f"kill -9 x5: {len(acknowledged)} acknowledged, {len(present)} present, {len(attempted)} attempted")


GYEONGGI = ID + "region/kr/gyeonggi-province"
RENAME = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    f"DELETE {{ GRAPH ?g {{ <{GYEONGGI}> rdfs:label ?l }} }}"
    f' INSERT {{ GRAPH ?g {{ <{GYEONGGI}> rdfs:label "Gyeonggi-do" }} }}'
    f" WHERE {{ GRAPH ?g {{ <{GYEONGGI}> rdfs:label ?l }} }}"
)


def labels(kg: KnowledgeGraph) -> list[str]:
    rows = kg.store.select_values(
        f"SELECT DISTINCT ?l WHERE {{ <{GYEONGGI}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    )
    return sorted(label for (label,) in rows)


def test_edits_of_shipped_graphs_survive_a_reload_of_the_shipped_files():
    from graph.changes import Writer

    kg = KnowledgeGraph.open("memory:")
    writer = Writer(kg)
    assert writer.reapply_log() == 0  # nothing recorded yet: only the marker
    assert labels(kg) == ["Gyeonggi Province"]
    change = writer.update(RENAME, "office", "the name the province uses")
    assert labels(kg) == ["Gyeonggi-do"]
    kg.load_shipped(force=True)  # what a new version of the data files does on start
    assert labels(kg) == ["Gyeonggi Province"]
    assert writer.reapply_log() == len(change.added) + len(change.removed)
    assert labels(kg) == ["Gyeonggi-do"]
    assert writer.reapply_log() == 0  # once per reload
    writer.revert(change.iri, "office")
    kg.load_shipped(force=True)
    writer.reapply_log()
    assert labels(kg) == ["Gyeonggi Province"]  # the last change of each statement decides


def test_the_app_puts_edits_back_on_start(tmp_path):
    store = f"oxigraph:{tmp_path / 'store'}"
    config = {"STORE": store, "WRITE_TOKENS": f"office:{TOKEN}", "SECRET_KEY": "k" * 32, "TESTING": True}
    from server import create_app

    app = create_app(config)
    response = app.test_client().post(
        "/update",
        data=RENAME.encode(),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 200
    app.extensions["kg"].store.close()
    kg = KnowledgeGraph.open(store, load_shipped=False)
    kg.load_shipped(force=True)
    assert labels(kg) == ["Gyeonggi Province"]
    kg.store.close()
    again = create_app(config)
    assert labels(again.extensions["kg"]) == ["Gyeonggi-do"]
    again.extensions["kg"].store.close()
