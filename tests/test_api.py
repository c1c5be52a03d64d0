"""The JSON API of "who connects to whom", over the hand-checked network (see tests/test_network.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from graph import network as nw
from tests.conftest import network_app
from tests.test_network import GACHEON, GYEONGGI, HANOI, HMU, ID, LIAONING


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    return network_app().test_client()


def until_ready(client: FlaskClient, path: str, seconds: float = 600) -> dict:
    """GET ``path`` until its background measure is ready (polling as the explorer does)."""
    deadline = time.monotonic() + seconds
    while True:
        body = client.get(path).get_json()
        if body["status"] == "ready" or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_search(client: FlaskClient) -> None:
    body = client.get("/api/search?q=gyeonggi-do").get_json()
    (hit,) = body["results"]
    assert hit["id"] == GYEONGGI and hit["label"] == "Gyeonggi Province" and hit["type"] == "Province"
    assert hit["matched"] == "Gyeonggi-do"
    assert client.get("/api/search?q=zzz").get_json()["results"] == []
    assert [r["label"] for r in client.get("/api/search?q=university&limit=1").get_json()["results"]] == [
        "Gacheon University"
    ]
    bad = client.get("/api/search?q=x&limit=many")
    assert bad.status_code == 400 and "limit" in bad.get_json()["error"]


def test_paths_by_names_with_hops_and_sources(client: FlaskClient) -> None:
    response = client.get("/api/paths?from=Gyeonggi Province&to=hanoi&only=agreement")
    assert response.status_code == 200
    body = response.get_json()
    assert body["from"]["id"] == GYEONGGI and body["to"]["id"] == HANOI
    (path,) = body["paths"]
    assert [(h["from"]["id"], h["to"]["id"]) for h in path] == [(GYEONGGI, LIAONING), (LIAONING, HANOI)]
    tie = path[1]["ties"][0]
    assert (tie["id"], tie["label"], tie["kindLabel"], tie["date"]) == (
        ID + "agreement/liaoning-hanoi",
        "Liaoning–Hanoi friendship",
        "friendly cooperation",
        "2005",
    )
    assert tie["source"]["quote"] == "Liaoning signed a friendly cooperation agreement with Hanoi in 2005"
    assert tie["source"]["title"] == "Network source one"
    # IRIs work too, and k alternatives come shortest first.
    many = client.get(f"/api/paths?from={GYEONGGI}&to={HANOI}&k=3").get_json()["paths"]
    assert [len(p) for p in many] == [2, 2, 3]
    # A containment hop is explained by its link.
    via_hmu = next(p for p in many if p[0]["to"]["id"] == HMU)
    assert via_hmu[1]["links"][0]["role"] == "located-in" and via_hmu[1]["relations"] == ["located-in"]


def test_path_errors_are_json(client: FlaskClient) -> None:
    ambiguous = client.get("/api/paths?from=Springfield&to=Hanoi")
    assert ambiguous.status_code == 409
    body = ambiguous.get_json()
    assert "Springfield" in body["error"] and len(body["candidates"]) == 2
    unknown = client.get("/api/paths?from=Atlantis&to=Hanoi")
    assert unknown.status_code == 404 and "Atlantis" in unknown.get_json()["error"]
    missing = client.get("/api/paths?from=Hanoi")
    assert missing.status_code == 400 and missing.get_json()["error"] == "missing parameter 'to'"
    same = client.get("/api/paths?from=Hanoi&to=Hanoi")
    assert same.status_code == 400
    bad_filter = client.get("/api/paths?from=Hanoi&to=Gyeonggi Province&avoid=rivers")
    assert bad_filter.status_code == 400 and "unknown relation" in bad_filter.get_json()["error"]
    assert client.get("/api/nothing-here").status_code == 404
    assert client.get("/api/nothing-here").is_json


def test_entity(client: FlaskClient) -> None:
    body = client.get("/api/entity?id=Gyeonggi Province").get_json()
    assert body["id"] == GYEONGGI and body["degree"] == 7  # six in the fixture plus the XSS test's agreement
    assert "Gyeonggi–Liaoning sisterhood" in [t["label"] for t in body["ties"]]
    tie = client.get(f"/api/entity?id={ID}agreement/gyeonggi-liaoning").get_json()
    assert tie["label"] == "Gyeonggi–Liaoning sisterhood" and tie["evidence"][0]["title"] == "Network source one"
    assert client.get(f"/api/entity?id={ID}region/zz").status_code == 404


def test_neighbourhood(client: FlaskClient) -> None:
    body = client.get("/api/neighbourhood?id=Liaoning Province").get_json()
    assert body["center"]["id"] == LIAONING
    assert sorted(n["label"] for n in body["nodes"]) == [
        "China",
        "Gyeonggi Province",
        "Hanoi",
        "Liaoning Province",
        "Springfield",
    ]
    # Four edges from the centre, and the twinning Hanoi - Springfield among its neighbours.
    assert len(body["edges"]) == 5 and not body["truncated"] and body["partners"] == 4
    edge = next(e for e in body["edges"] if {e["source"], e["target"]} == {LIAONING, GYEONGGI})
    assert edge["label"] == "sisterhood 1993" and edge["ties"][0]["fields"] == ["culture"]
    small = client.get("/api/neighbourhood?id=Liaoning Province&limit=2").get_json()
    assert len(small["nodes"]) == 2 and small["truncated"]
    ties = client.get("/api/neighbourhood?id=Liaoning Province&only=tie").get_json()
    assert sorted(n["label"] for n in ties["nodes"]) == ["Gyeonggi Province", "Hanoi", "Liaoning Province"]


def test_common_and_partners(client: FlaskClient) -> None:
    body = client.get("/api/common?id=Gyeonggi Province&id=Hanoi").get_json()
    assert [c["id"] for c in body["common"]] == [LIAONING]
    assert body["common"][0]["ties"][HANOI][0]["label"] == "Liaoning–Hanoi friendship"
    everything = client.get("/api/common?id=Gyeonggi Province&id=Hanoi&avoid=program").get_json()
    assert [c["label"] for c in everything["common"]] == ["Hanoi Medical University", "Liaoning Province"]
    assert client.get("/api/common?id=Hanoi").status_code == 400
    partners = client.get("/api/partners?id=Liaoning Province").get_json()
    assert [p["label"] for p in partners["partners"]] == ["Gyeonggi Province", "Hanoi"]
    assert sorted(p["label"] for p in partners["partnersOfPartners"]) == [
        "<img src=x onerror=alert(1)>{{ 7*7 }}",
        "Gacheon University",
        "Hanoi Medical University",
        "Springfield",
    ]


def test_rankings_communities_facets_and_scores(client: FlaskClient) -> None:
    body = client.get("/api/rankings?measure=degree&limit=2").get_json()
    # Partners, not containment: Hanoi's partners are Liaoning and Springfield; its other links say what lies in it.
    assert [(r["label"], r["score"]) for r in body["results"]] == [
        ("Gyeonggi Province", 5),
        ("Medical training program", 4),
    ]
    assert "partners" in body["explanation"].lower() or "directly tied" in body["explanation"]
    between = until_ready(client, "/api/rankings?measure=betweenness&limit=1")
    assert between["label"] == "Broker (betweenness)" and "Brandes" in between["reference"]
    assert between["method"].startswith("exact") and between["results"][0]["label"] == "Gyeonggi Province"
    assert client.get("/api/rankings?measure=fame").status_code == 400
    communities = until_ready(client, "/api/communities")
    assert sum(c["size"] for c in communities["communities"]) == 13
    one = client.get("/api/communities?members=1").get_json()["communities"]  # the best connected member of each
    assert [c["members"] for c in one] == [c["members"][:1] for c in communities["communities"]]
    facets = client.get("/api/facets").get_json()
    assert facets["years"] == [1993, 2020] and facets["nodes"] == 13
    scores = client.post("/api/scores", json={"measure": "degree", "ids": [HANOI, GACHEON]}).get_json()
    assert scores["scores"] == {HANOI: 2, GACHEON: 3}
    assert client.post("/api/scores", json={"measure": "x", "ids": []}).status_code == 400


def test_overview_and_subgraph(client: FlaskClient) -> None:
    body = client.get("/api/graph").get_json()
    assert len(body["nodes"]) == 13 and len(body["edges"]) == 19 and not body["truncated"]
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in body["nodes"])
    top = client.get("/api/graph?limit=3").get_json()
    assert top["truncated"] and [n["label"] for n in top["nodes"]] == [
        "Gyeonggi Province",
        "Medical training program",  # 4 partners; then Gacheon University's 3 (containment makes no partner)
        "Gacheon University",
    ]
    sub = client.post("/api/subgraph", json={"ids": [GYEONGGI, LIAONING, HANOI]}).get_json()
    assert len(sub["edges"]) == 2
    assert client.post("/api/subgraph", json={"ids": "all"}).status_code == 400


def test_export(client: FlaskClient) -> None:
    ids = [GYEONGGI, LIAONING, ID + "org/xss"]
    graphml = client.post("/api/export", json={"format": "graphml", "ids": ids})
    assert graphml.status_code == 200 and graphml.mimetype == "application/graphml+xml"
    assert "attachment" in graphml.headers["Content-Disposition"]
    html = client.post("/api/export", json={"format": "html", "ids": ids, "title": "{{ 7*7 }}"}).get_data(as_text=True)
    assert "<title>{{ 7*7 }}</title>" in html and "<img src=x" not in html
    assert client.post("/api/export", json={"format": "pdf", "ids": ids}).status_code == 400


def test_measures_never_make_a_request_wait_nor_show_stale_figures(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from graph.network import measure_process

    gate = tmp_path / "go"  # the measure process waits for this file before computing: as slow as the test wants
    monkeypatch.setenv(measure_process.GATE, str(gate))
    app = network_app()
    client = app.test_client()
    try:
        pending = client.get("/api/rankings?measure=betweenness").get_json()
        assert pending["status"] in ("queued", "computing") and pending["results"] == []  # no degree figures meanwhile
        assert pending["measure"] == "betweenness" and 0 <= pending["progress"] < 1
        scores = client.post("/api/scores", json={"measure": "betweenness", "ids": [HANOI]}).get_json()
        assert scores["status"] in ("queued", "computing") and scores["scores"] == {}
        # It is computed in a process of its own, not in the server's.
        measures = nw.network(app.extensions["kg"]).measures
        child = until(lambda: measures.pid)
        assert child is not None and child != os.getpid() and running(child)
        # Other questions are answered meanwhile: the API's and a query's.
        assert client.get("/api/paths?from=Hanoi&to=Liaoning Province").status_code == 200
        assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
        status = client.get("/api/measures").get_json()["measures"]
        assert {m["measure"]: m["status"] for m in status}["betweenness"] in ("queued", "computing")
        gate.touch()
        # The measure process runs at a lower priority: on a loaded machine it may take minutes.
        ready = until_ready(client, "/api/rankings?measure=betweenness&limit=3", seconds=900)
        assert ready["status"] == "ready" and ready["results"][0]["label"] == "Gyeonggi Province"
        scored = client.post("/api/scores", json={"measure": "betweenness", "ids": [HANOI]}).get_json()
        assert scored["status"] == "ready" and scored["scores"][HANOI] > 0
        # Its work done, the process is gone (reaped by the server: no zombie left behind).
        assert until(lambda: not running(child))
    finally:
        gate.touch()  # never a child left waiting for the gate, whatever failed (measures run one at a time)


def until(check: Callable[[], Any], seconds: float = 300) -> Any:
    """Poll ``check()`` until it answers something true (or the time is up: its last answer)."""
    deadline = time.monotonic() + seconds
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_paths_say_why_each_ranks_where_it_does(client: FlaskClient) -> None:
    body = client.get(f"/api/paths?from={GYEONGGI}&to={HANOI}&k=3").get_json()
    ranking = body["ranking"]
    assert ranking["by"] == "meaning" and "containment (located in) 4" in ranking["rule"]
    assert [r["rank"] for r in ranking["paths"]] == [1, 2, 3] and len(body["paths"]) == 3
    # Two ties (Liaoning) before a tie and a containment hop (Hanoi Medical University is in Hanoi).
    assert ranking["paths"][0]["why"] == "2 hops: 2 agreement; cost 2"
    assert [h["to"]["id"] for h in body["paths"][0]] == [LIAONING, HANOI]
    by_hops = client.get(f"/api/paths?from={GYEONGGI}&to={HANOI}&k=3&rank=hops").get_json()
    assert by_hops["ranking"]["by"] == "hops" and [len(p) for p in by_hops["paths"]] == [2, 2, 3]
    assert client.get(f"/api/paths?from={GYEONGGI}&to={HANOI}&rank=fame").status_code == 400


def test_country_by_code_or_name_and_a_clear_400_otherwise(client: FlaskClient) -> None:
    by = {
        c: client.get(f"/api/neighbourhood?id=Liaoning Province&country={c}").get_json()
        for c in ("cn", "CN", "China", f"{ID}region/cn")
    }
    assert len({tuple(sorted(n["id"] for n in b["nodes"])) for b in by.values()}) == 1
    assert {n["label"] for n in by["cn"]["nodes"]} >= {"Liaoning Province", "China"}
    province = client.get("/api/neighbourhood?id=Liaoning Province&country=Gyeonggi Province")
    assert province.status_code == 400 and "not a country" in province.get_json()["error"]
    unknown = client.get("/api/paths?from=Hanoi&to=Liaoning Province&country=Atlantis")
    assert unknown.status_code == 400 and "'Atlantis' is not a country" in unknown.get_json()["error"]


def test_an_empty_answer_says_why(client: FlaskClient) -> None:
    body = client.get("/api/paths?from=Gyeonggi Province&to=Hanoi&from_year=2019&to_year=2019&only=tie").get_json()
    assert body["paths"] == []
    assert [c["parameter"] for c in body["empty"]["emptiedBy"]] == ["from_year/to_year"]  # no tie of 2019
    assert body["empty"]["undated"]["ties"] == 1  # the undated twinning of Hanoi and Springfield
    partners = client.get("/api/partners?id=Hanoi&kind=sisterhood").get_json()
    assert partners["partners"] == [] and partners["empty"]["emptiedBy"] == [{"filter": "kinds", "parameter": "kind"}]
    summary = client.get("/api/filtered?from_year=1993&to_year=1993&only=tie").get_json()
    assert (summary["ties"], summary["undated"]["ties"]) == (1, 1) and "empty" not in summary
