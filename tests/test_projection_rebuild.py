"""After a write, the projection of an on-disk store is rebuilt by a child process, not in the server's interpreter:
requests are answered meanwhile from the previous projection, the API says it is ``updating``, and the new one,
persisted beside the store for that version of the data, has the edit."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from graph import network as nw
from graph.changes import Writer
from graph.network import rebuild_process
from graph.network.projection import fingerprint
from tests.conftest import DATA
from tests.test_api import running, until

ID = "https://partnergraph.org/id/"
TIE = ID + "agreement/gyeonggi-liaoning"
RENAME = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
DELETE {{ GRAPH ?g {{ <{TIE}> rdfs:label ?l }} }}
INSERT {{ GRAPH ?g {{ <{TIE}> rdfs:label "Gyeonggi–Liaoning twinning" }} }}
WHERE {{ GRAPH ?g {{ <{TIE}> rdfs:label ?l }} }}"""
PATH = "/api/paths?from=Gyeonggi Province&to=Liaoning Province&k=1"


def on_disk_app(tmp_path: Path):
    """An app over an on-disk store holding the hand-drawn network (no shipped data, no measures precomputed)."""
    from server import create_app

    app = create_app({"STORE": f"oxigraph:{tmp_path / 'store'}", "LOAD_SHIPPED": False, "TESTING": True})
    kg = app.extensions["kg"]
    kg.store.add_data((DATA / "network.trig").read_bytes(), "trig")
    holder = nw.projection_of(kg)
    holder.precompute, holder.recheck_seconds, holder.quiet_seconds = False, 0, 0
    return app, kg, holder


def tie_label(body: dict) -> str:
    """The label of the first tie of the first hop of the first path."""
    return body["paths"][0][0]["ties"][0]["label"]


def test_after_a_write_a_child_rebuilds_the_projection_while_requests_are_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = tmp_path / "go"  # the rebuild process waits for this file: the rebuild lasts as long as the test wants
    monkeypatch.setenv(rebuild_process.GATE, str(gate))
    gate.touch()
    app, kg, holder = on_disk_app(tmp_path)
    client = app.test_client()
    try:
        first = client.get(PATH)
        assert first.status_code == 200 and first.headers["X-Projection"] == "current"
        assert tie_label(first.get_json()) == "Gyeonggi–Liaoning sisterhood"
        assert holder.rebuilt_by == "child process"  # even the first build, the store having no projection yet
        gate.unlink()

        Writer(kg).update(RENAME, "tester", "a new name for the tie")

        # The next request starts the rebuild and is answered at once, from the previous projection, saying so.
        during = client.get(PATH)
        assert during.status_code == 200 and during.headers["X-Projection"] == "updating"
        assert tie_label(during.get_json()) == "Gyeonggi–Liaoning sisterhood"
        (child,) = until(rebuild_process.live)
        assert child != os.getpid() and running(child)  # built elsewhere than in the server's process
        state = client.get("/api/measures").get_json()["projection"]
        assert state["status"] == "updating" and 0 <= state["progress"] < 1 and state["seconds"] >= 0
        assert client.get("/api/search?q=hanoi").status_code == 200  # other questions too

        gate.touch()
        assert until(lambda: client.get("/api/measures").get_json()["projection"]["status"] == "current", 600)
        after = client.get(PATH)
        assert (
            after.headers["X-Projection"] == "current" and tie_label(after.get_json()) == "Gyeonggi–Liaoning twinning"
        )
        assert until(lambda: not running(child))  # ended and reaped: no zombie
        assert rebuild_process.live() == []
        # What the child wrote is the projection of this version of the data, found again at the next start.
        with holder.path.open("rb") as f:
            assert pickle.load(f)["fingerprint"] == fingerprint(kg)
    finally:
        gate.touch()
        holder.wait(600)


def test_a_failed_child_leaves_the_projection_built_in_process_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, kg, holder = on_disk_app(tmp_path)
    client = app.test_client()
    assert client.get(PATH).status_code == 200
    monkeypatch.setattr(rebuild_process.sys, "executable", str(tmp_path / "no-such-python"))
    Writer(kg).update(RENAME, "tester", "a new name for the tie")
    client.get(PATH)
    holder.wait(600)
    after = client.get(PATH)
    assert after.headers["X-Projection"] == "current" and tie_label(after.get_json()) == "Gyeonggi–Liaoning twinning"
    state = client.get("/api/measures").get_json()["projection"]
    assert state["rebuiltBy"] == "in process" and "no-such-python" in state["lastError"]


def test_ties_another_thread_made_after_this_ones_lookup_missed_are_found(tmp_path: Path) -> None:
    from graph.network import persist

    _, kg, holder = on_disk_app(tmp_path)
    holder.get()  # built and persisted
    _, loaded = persist.read(holder.path, {})
    data = loaded.graph.edges[ID + "region/kr/gyeonggi-province", ID + "region/cn/liaoning-province"]
    assert not dict.__contains__(data, "ties")  # made on first access
    # Two requests walk the loaded graph at once: this one's lookup missed, then the other made the ties and let
    # the columns go before this one asked for them.
    data._make()
    assert data.__missing__("ties")[0]["label"] == "Gyeonggi–Liaoning sisterhood"
