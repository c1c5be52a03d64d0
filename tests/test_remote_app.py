"""The whole app on a remote SPARQL 1.1 engine (a real Oxigraph server on 127.0.0.1): explorer API, endpoint,
entity pages and the path finder, which must not pull the whole graph across the network."""

from __future__ import annotations

import json

import pytest

from server import create_app
from tests.conftest import remote_store_url

pytestmark = pytest.mark.remote
KP = "https://partnergraph.org/ontology#"


class CountingSession:
    """Wraps the remote store's HTTP session and counts the bytes it receives."""

    def __init__(self, session) -> None:
        self.session = session
        self.received = 0

    def request(self, *args, **kwargs):
        response = self.session.request(*args, **kwargs)
        self.received += len(response.content)
        return response

    def close(self) -> None:
        self.session.close()


@pytest.fixture(scope="module", params=["oxigraph-server", "virtuoso"])
def remote_app(request):
    """The app on each remote engine, the shipped data loaded into it by the app's start."""
    url = remote_store_url(request, request.param)
    app = create_app({"STORE": url, "TESTING": True, "EXPLORER_WARMUP": False})
    yield app


def test_the_explorer_api_answers_from_the_remote_engine(remote_app):
    client = remote_app.test_client()
    found = client.get("/api/search", query_string={"q": "gacon"}).get_json()["results"]
    assert [r["label"] for r in found] == ["Gacheon University"]
    paths = client.get("/api/paths", query_string={"from": "Gyeonggi Province", "to": "Gacon University"})
    assert paths.status_code == 200
    first = paths.get_json()["paths"][0]
    assert len(first) == 1 and first[0]["to"]["label"] == "Gacheon University"
    assert first[0]["ties"][0]["kindLabel"] == "memorandum of understanding"


def test_the_endpoint_and_entity_pages_answer_from_the_remote_engine(remote_app):
    # The query sandbox goes through Store.query_serialized (form-encoded, caps checked), so Virtuoso too.
    client = remote_app.test_client()
    answer = client.get(
        "/sparql",
        query_string={"query": f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{KP}TrainingCourse> }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert json.loads(answer.data)["results"]["bindings"][0]["n"]["value"] == "19"
    refused = client.get(
        "/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}
    )
    assert refused.status_code == 400
    page = client.get("/id/region/kr/gyeonggi-province")
    assert page.status_code == 200 and "Gyeonggi Province" in page.text


def test_a_path_question_transfers_far_less_than_the_graph(remote_app, sparql_server):
    whole = len(remote_app.extensions["kg"].store.dump("nquads"))
    fresh = create_app({"STORE": remote_app.config["STORE"], "TESTING": True, "EXPLORER_WARMUP": False})
    kg = fresh.extensions["kg"]  # a new app: no projection, so path questions go to the remote path finder
    counting = CountingSession(kg.store._http)
    kg.store._http = counting
    client = fresh.test_client()
    try:
        answer = client.get("/api/paths", query_string={"from": "Incheon", "to": "Tianjin"})
        first = counting.received
        counting.received = 0
        other = client.get("/api/paths", query_string={"from": "Suwon City", "to": "Liaoning Province"})
        second = counting.received
    finally:
        kg.store._http = counting.session
    print(f"remote bytes: whole graph {whole} (N-Quads), first path question {first}, next one {second}")
    assert answer.status_code == 200 and other.status_code == 200
    assert [len(p) for p in answer.get_json()["paths"]] == [1, 2, 6]
    assert [len(p) for p in other.get_json()["paths"]] == [2, 3, 3]
    assert getattr(kg, "_network", None) is None  # the projection was never built
    assert first < whole / 10
    assert second < whole / 10


def test_remote_names_fail_as_the_projections_do(remote_app):
    from graph import network as nw
    from graph import pathfinder

    kg = remote_app.extensions["kg"]
    net = nw.network(kg)

    def outcome(resolve, ref: str):
        try:
            return resolve(ref)
        except nw.NetworkError as error:
            return type(error), str(error), getattr(error, "candidates", None), getattr(error, "suggestions", None)

    for ref in ("Nowhere Town", "Gyeonggi", "https://partnergraph.org/id/region/xx/nowhere", "", "Suwon", "gacon"):
        got = outcome(pathfinder.Explorer(kg).resolve, ref)
        print(repr(ref), got if isinstance(got, str) else got[:2])
        assert got == outcome(net.resolve, ref)
    with pytest.raises(nw.NetworkError, match="two different"):
        pathfinder.find_paths(kg, "Suwon City", "id:region/kr/suwon")


PAIRS = [
    ("Gyeonggi Province", "Gacheon University", {}),
    ("Suwon City", "Liaoning Province", {}),
    ("Incheon", "Tianjin", {}),
    ("Incheon", "Tianjin", {"only": "agreement"}),
    ("Gyeonggi Province", "Liaoning Province", {"only": "agreement"}),
    ("Suwon City", "Gacheon University", {"only": "tie"}),
    ("Suwon City", "Liaoning Province", {"avoid": "located-in"}),
    ("Gyeonggi Province", "Gacheon University", {"avoid": "located-in"}),
]


def _path_ids(answer: dict) -> list[list[str]]:
    return [[hop["from"]["id"] for hop in hops] + [hops[-1]["to"]["id"]] for hops in answer["paths"]]


@pytest.mark.parametrize(("a", "b", "params"), PAIRS)
def test_the_remote_path_finder_finds_the_projections_paths(remote_app, a, b, params):
    from graph import entities, pathfinder
    from graph import network as nw

    kg = remote_app.extensions["kg"]
    filters = nw.Filters.from_params(params)
    remote = pathfinder.find_paths(kg, a, b, k=3, filters=filters)
    net = nw.network(kg)
    source, target = net.resolve(a), net.resolve(b)
    found = net.paths(source, target, k=3, filters=filters)
    mine = _path_ids(remote)
    print(a, b, params, [len(p) - 1 for p in mine])
    assert [len(p) for p in mine] == [len(p) for p in found]
    # Paths shorter than the last are the same set; among equally long ones networkx's order decides which
    # come first, and that follows the order edges were added, so the last length may pick other alternatives.
    last = len(found[-1]) if found else 0
    assert sorted(p for p in mine if len(p) < last) == sorted(p for p in found if len(p) < last)
    view = net.view(filters)
    assert all(view.has_edge(x, y) or {x, y} & {source, target} for p in mine for x, y in zip(p, p[1:], strict=False))
    # Each hop is explained as the projection explains it: ends, ties with their sources, links.
    local = {
        "from": net.node_json(source),
        "to": net.node_json(target),
        "k": 3,
        "paths": entities.explain_paths(kg, net, mine, filters),
    }
    # A tie's fields come in the engine's row order (Virtuoso's differs from Oxigraph's): compared as sets.
    for answer in (remote, local):
        for hop in (hop for hops in answer["paths"] for hop in hops):
            for tie in hop["ties"]:
                tie["fields"] = sorted(tie.get("fields", []), key=lambda f: f["id"])
    for mine_hops, local_hops in zip(remote["paths"], local["paths"], strict=True):
        for x, y in zip(mine_hops, local_hops, strict=True):
            assert x == y, (x, y)
    assert remote == local


def test_an_ambiguous_name_fails_as_in_the_projection(remote_app):
    from graph import network as nw
    from graph import pathfinder

    kg = remote_app.extensions["kg"]
    graph = "https://partnergraph.org/id/source/test-ambiguity"
    kg.store.update(
        f"INSERT DATA {{ GRAPH <{graph}> {{ <https://partnergraph.org/id/region/xx/suwon> a <{KP}City> ; "
        '<http://www.w3.org/2000/01/rdf-schema#label> "Suwon City" . } }'
    )
    try:
        with pytest.raises(nw.AmbiguousName) as expected:
            nw.build_network(kg).resolve("suwon city")
        with pytest.raises(nw.AmbiguousName) as got:
            pathfinder.find_paths(kg, "suwon city", "Incheon")
        assert str(got.value) == str(expected.value) and got.value.candidates == expected.value.candidates
        assert len(got.value.candidates) == 2
    finally:
        kg.store.drop_graph(graph)


def test_the_cli_path_command_uses_the_remote_path_finder(remote_app):
    from click.testing import CliRunner

    from graph.cli import cli

    result = CliRunner().invoke(
        cli, ["--store", remote_app.config["STORE"], "path", "Gyeonggi Province", "Gacheon University", "--json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert set(answer) == {"from", "to", "paths"}
    assert [len(p) for p in answer["paths"]] == [1, 2, 2]
    assert answer["paths"][0][0]["ties"][0]["kindLabel"] == "memorandum of understanding"


def test_a_search_that_grows_too_wide_stops_with_a_clear_error(remote_app, monkeypatch):
    from graph import network as nw
    from graph import pathfinder

    monkeypatch.setattr(pathfinder, "MAX_FRONTIER", 1)
    with pytest.raises(nw.NetworkError, match=r"around Tianjin reached 3 entities at 1 hops \(the limit is 1\)"):
        pathfinder.find_paths(remote_app.extensions["kg"], "Suwon City", "Tianjin", k=3)
