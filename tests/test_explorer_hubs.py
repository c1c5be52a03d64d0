"""The explorer's answers stay small around a hub and say what they leave out; caches compute once per key.

A generated star: the hub "Capital" is tied to 30 cities. City *i* has ``i % 5`` extra partners among the
others (so some are better connected than others), two cities share three agreements (the strongest tie among the
partners), and every tie of the hub is one agreement. The neighbourhood of the hub asked with ``limit=11`` (the hub
and ten) and ``max_ties=14`` must show the 10 best-connected cities, each attached to the hub, the strongest ties
among them that fit, and say how many partners, connections and ties it left out.
"""

from __future__ import annotations

import threading
import time

import networkx as nx
import pytest

from graph import network as nw
from graph.network.single_flight import SingleFlight
from graph.search import SearchIndex

ID = "https://partnergraph.org/id/"
HUB = ID + "region/xx/capital"
CITIES = 30
PREFIXES = """PREFIX kp: <https://partnergraph.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX id: <https://partnergraph.org/id/>
"""


def city(i: int) -> str:
    return f"{ID}region/xx/city-{i}"


def hub_trig(cities: int = CITIES) -> str:
    """The star in TriG: the hub, its partner cities and the ties among them."""
    lines = [
        f'<{HUB}> a kp:City ; rdfs:label "Capital" .',
        *(f'<{city(i)}> a kp:City ; rdfs:label "City {i}" .' for i in range(cities)),
    ]
    n = 0

    def tie(a: str, b: str) -> None:
        nonlocal n
        n += 1
        lines.append(f'<{ID}agreement/hub-{n}> a kp:Agreement ; rdfs:label "Agreement {n}" ; kp:party <{a}> , <{b}> .')

    for i in range(cities):
        tie(HUB, city(i))
        for j in range(1, i % 5):
            tie(city(i), city((i + 7 * j) % cities))
    for _ in range(3):
        tie(city(4), city(9))  # the strongest tie among the partners: three agreements
    return PREFIXES + "<https://partnergraph.org/id/source/hubs> {\n" + "\n".join(lines) + "\n}\n"


@pytest.fixture(scope="module")
def client():
    from server import create_app

    app = create_app({"STORE": "memory:", "LOAD_SHIPPED": False, "TESTING": True})
    app.extensions["kg"].store.add_data(hub_trig().encode("utf-8"), "trig")
    return app.test_client()


def test_the_neighbourhood_of_a_hub_shows_the_best_connected_within_the_budget_and_says_what_it_left_out(
    client,
) -> None:
    body = client.get("/api/neighbourhood", query_string={"id": HUB, "limit": 11, "max_ties": 14}).get_json()
    net = nw.network(client.application.extensions["kg"])
    shown = [n["id"] for n in body["nodes"]]
    assert shown[0] == HUB and len(shown) == 11 and body["truncated"] and body["partners"] == CITIES
    # The ten shown are the best connected of the thirty: nobody left out has more partners than one shown.
    degrees = {c: net.partner_count(c) for c in map(city, range(CITIES))}
    assert min(degrees[c] for c in shown[1:]) >= max(d for c, d in degrees.items() if c not in shown)
    # Within the budget, every city attached to the hub, and the three agreements of cities 4 and 9 drawn.
    counts = body["edgeCounts"]
    ties = sum(len(e["ties"]) for e in body["edges"])
    assert ties == counts["shown"]["ties"] <= 14 and counts["maxTies"] == 14
    assert len(body["edges"]) == counts["shown"]["edges"] < counts["among"]["edges"]
    spokes = {
        e["source"] if e["target"] == HUB else e["target"] for e in body["edges"] if HUB in (e["source"], e["target"])
    }
    assert spokes == set(shown[1:])
    assert {city(4), city(9)} <= set(shown)
    assert any({e["source"], e["target"]} == {city(4), city(9)} and len(e["ties"]) == 3 for e in body["edges"])
    # What was left out, counted and said in words.
    left = body["leftOut"]
    assert left["entities"] == CITIES - 10
    assert left["edges"] == counts["among"]["edges"] - counts["shown"]["edges"] > 0
    assert left["ties"] == counts["among"]["ties"] - counts["shown"]["ties"] > 0
    assert f"10 of the {CITIES} neighbours of Capital are shown" in left["message"]
    assert f"{counts['shown']['ties']} of the {counts['among']['ties']} ties and links among them" in left["message"]
    assert "max_ties=" in left["message"] and "limit=" in left["message"]


def test_a_neighbourhood_that_fits_leaves_nothing_out(client) -> None:
    body = client.get("/api/neighbourhood", query_string={"id": city(1), "limit": 200}).get_json()
    assert not body["truncated"] and body["leftOut"] == {"entities": 0, "edges": 0, "ties": 0, "message": None}
    assert body["edgeCounts"]["shown"] == body["edgeCounts"]["among"]


def test_the_overview_is_sized_by_its_ties_and_says_so(client) -> None:
    body = client.get("/api/graph", query_string={"limit": 12, "max_ties": 15}).get_json()
    assert len(body["nodes"]) == 12 and body["truncated"]
    assert sum(len(e["ties"]) for e in body["edges"]) == body["edgeCounts"]["shown"]["ties"] <= 15
    assert body["leftOut"]["entities"] == CITIES + 1 - 12
    assert body["leftOut"]["message"].startswith(f"12 of the {CITIES + 1} entities are shown (the best connected)")


def test_the_edges_among_a_drawing_can_be_bounded_too(client) -> None:
    ids = [HUB, *map(city, range(CITIES))]
    whole = client.post("/api/subgraph", json={"ids": ids}).get_json()
    assert "edgeCounts" not in whole  # the answer as it was when no budget is asked for
    bounded = client.post("/api/subgraph", json={"ids": ids, "maxTies": 40}).get_json()
    counts = bounded["edgeCounts"]
    assert sum(len(e["ties"]) for e in bounded["edges"]) == counts["shown"]["ties"] <= 40
    assert counts["among"] == {"edges": len(whole["edges"]), "ties": sum(len(e["ties"]) for e in whole["edges"])}


def test_the_ties_budget_is_checked(client) -> None:
    response = client.get("/api/neighbourhood", query_string={"id": HUB, "max_ties": 0})
    assert response.status_code == 400 and "max_ties" in response.get_json()["error"]
    response = client.post("/api/subgraph", json={"ids": [HUB], "maxTies": "all"})
    assert response.status_code == 400 and "maxTies" in response.get_json()["error"]


def wait_until(condition, seconds: float = 30.0) -> None:
    """Poll ``condition`` until true (a generous bound: the machine may be loaded)."""
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "gave up waiting"
        time.sleep(0.005)


def test_two_callers_of_one_key_compute_it_once() -> None:
    cache = SingleFlight()
    calls = []
    release = threading.Event()

    def compute() -> str:
        calls.append(threading.get_ident())
        release.wait(30)
        return "facets"

    results: list[str] = []
    first = threading.Thread(target=lambda: results.append(cache.get("facets", compute)))
    first.start()
    wait_until(lambda: len(calls) == 1)  # the first caller is computing
    second = threading.Thread(target=lambda: results.append(cache.get("facets", compute)))
    second.start()
    wait_until(lambda: cache.waiting("facets") == 1)  # the second waits for the first instead of computing
    release.set()
    first.join(30)
    second.join(30)
    assert results == ["facets", "facets"] and len(calls) == 1


def test_a_failed_computation_is_raised_to_its_waiters_and_not_cached() -> None:
    cache = SingleFlight()
    release = threading.Event()
    started = threading.Event()

    def fail() -> None:
        started.set()
        release.wait(30)
        raise ValueError("no facets")

    errors: list[str] = []

    def ask() -> None:
        try:
            cache.get("facets", fail)
        except ValueError as error:
            errors.append(str(error))

    first = threading.Thread(target=ask)
    first.start()
    started.wait(30)
    second = threading.Thread(target=ask)
    second.start()
    wait_until(lambda: cache.waiting("facets") == 1)
    release.set()
    first.join(30)
    second.join(30)
    assert errors == ["no facets", "no facets"]
    assert cache.get("facets", lambda: "computed again") == "computed again"


def test_the_network_computes_its_facets_once_for_concurrent_requests(client, monkeypatch) -> None:
    net = nw.network(client.application.extensions["kg"])
    net._cache.pop("facets", None)
    calls = []
    release = threading.Event()
    real = nw.views.facets

    def slow_facets(network):
        calls.append(1)
        release.wait(30)
        return real(network)

    monkeypatch.setattr(nw.views, "facets", slow_facets)
    assert ask_twice_at_once(client, "/api/facets", net, "facets", calls, release) == [200, 200]
    assert len(calls) == 1


def ask_twice_at_once(client, url: str, net, key: str, calls: list, release: threading.Event) -> list[int]:
    """Two requests of ``url``: the first starts computing ``key`` (held until ``release``), the second comes
    meanwhile and waits for it; their statuses once both are answered."""
    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(client.get(url).status_code)) for _ in "ab"]
    threads[0].start()
    wait_until(lambda: len(calls) == 1)  # the first request computes ...
    threads[1].start()
    wait_until(lambda: net._flight.waiting(key) == 1)  # ... the second waits for it
    release.set()
    for t in threads:
        t.join(30)
    return answers


def test_ranked_paths_between_hubs_read_only_the_candidates_that_could_rank() -> None:
    graph = nx.Graph()
    for i in range(40):  # two hubs with forty partners in common: forty paths of two hops, each costing 2
        graph.add_edge("hub-a", f"p{i}", relations={"agreement"}, cost=1.0)
        graph.add_edge(f"p{i}", "hub-b", relations={"agreement"}, cost=1.0)
    found = nw.algorithms.ranked_paths(graph, "hub-a", "hub-b", k=3)
    assert found["considered"] == 3 and found["exact"] and all(len(p) == 3 for p in found["paths"])
    # A shorter path through containment costs more: the longer path of ties still ranks first, and is found.
    graph.add_edge("hub-a", "country", relations={"located-in"}, cost=4.0)
    graph.add_edge("country", "hub-c", relations={"located-in"}, cost=4.0)
    graph.add_edge("hub-a", "u", relations={"agreement"}, cost=1.0)
    graph.add_edge("u", "v", relations={"agreement"}, cost=1.0)
    graph.add_edge("v", "hub-c", relations={"agreement"}, cost=1.0)
    found = nw.algorithms.ranked_paths(graph, "hub-a", "hub-c", k=1)
    assert found["paths"] == [["hub-a", "u", "v", "hub-c"]] and found["exact"]


def test_concurrent_searches_build_the_name_index_once(client, monkeypatch) -> None:
    net = nw.network(client.application.extensions["kg"])
    net._cache.pop("search-index", None)
    calls = []
    release = threading.Event()
    real = SearchIndex.__init__

    def slow_index(self, *args, **kwargs):
        calls.append(1)
        release.wait(30)
        real(self, *args, **kwargs)

    monkeypatch.setattr(SearchIndex, "__init__", slow_index)
    assert ask_twice_at_once(client, "/api/search?q=hub", net, "search-index", calls, release) == [200, 200]
    assert len(calls) == 1
