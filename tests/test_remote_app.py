"""The whole app on a remote SPARQL 1.1 engine (a real Oxigraph server on 127.0.0.1): explorer API, endpoint,
entity pages and the path finder, which must not pull the whole graph across the network."""

from __future__ import annotations

import json

import pytest

from graph import KnowledgeGraph, open_store
from server import create_app

pytestmark = pytest.mark.remote
KP = "https://partnergraph.org/ontology#"


class CountingSession:
    """Wraps the remote store's HTTP session and counts the bytes it receives."""

    def __init__(self, session) -> None:
        self.session = session
        self.received = 0

    def post(self, *args, **kwargs):
        response = self.session.post(*args, **kwargs)
        self.received += len(response.content)
        return response

    def close(self) -> None:
        self.session.close()


@pytest.fixture(scope="module")
def remote_app(sparql_server):
    url = f"sparql:{sparql_server}/query|{sparql_server}/update"
    KnowledgeGraph(open_store(url)).store.update("DROP ALL")
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
    kg = fresh.extensions["kg"]  # a new app: its first path question builds the projection
    counting = CountingSession(kg.store._http)
    kg.store._http = counting
    client = fresh.test_client()
    try:
        client.get("/api/paths", query_string={"from": "Incheon", "to": "Tianjin"})  # builds the projection
        first = counting.received
        counting.received = 0
        client.get("/api/paths", query_string={"from": "Suwon City", "to": "Liaoning Province"})
        second = counting.received
    finally:
        kg.store._http = counting.session
    print(f"remote bytes: whole graph {whole}, first path question {first}, next one {second}")
    assert first < whole  # the edges and labels, not every statement
    assert second < whole / 50  # then only the quotes of the hops on the paths
