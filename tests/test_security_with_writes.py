"""With writes enabled, the public endpoint stays read-only and nothing, through either door, fetches anything;
and what a token holder writes is what the public endpoint then reads."""

from __future__ import annotations

import json
import time

import pytest

from server import create_app
from tests.test_sparql_limits import Listener

TOKEN = "office-token-0123456789abcdef"
KP = "https://partnergraph.org/ontology#"


@pytest.fixture(scope="module")
def app():
    return create_app(
        {"STORE": "memory:", "WRITE_TOKENS": f"office:{TOKEN}", "TESTING": True, "EXPLORER_WARMUP": False}
    )


@pytest.fixture
def listener():
    watch = Listener()
    yield watch
    watch.close()


def count_label(client, label: str) -> int:
    query = (
        f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> "{label}" }} }}'
    )
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return int(json.loads(answer.data)["results"]["bindings"][0]["n"]["value"])


def test_the_public_endpoint_refuses_writes_and_fetches_even_with_writes_enabled(app, listener):
    client = app.test_client()
    here = f"http://127.0.0.1:{listener.port}"
    bearer = {"Authorization": f"Bearer {TOKEN}"}  # a valid token does not open /sparql to writes
    assert client.post("/sparql", data={"update": "CLEAR ALL"}, headers=bearer).status_code == 403
    sparql_update = {"Content-Type": "application/sparql-update", **bearer}
    assert client.post("/sparql", data=b"CLEAR ALL", headers=sparql_update).status_code == 403
    assert client.get("/sparql", query_string={"query": f"LOAD <{here}/x.ttl>"}).status_code == 400
    service = f"SELECT * WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}"
    assert client.get("/sparql", query_string={"query": service}).status_code == 400
    foreign_from = f"SELECT * FROM <{here}/g.ttl> WHERE {{ ?s ?p ?o }}"
    assert client.get("/sparql", query_string={"query": foreign_from}).status_code == 400
    time.sleep(0.3)
    assert listener.connections == 0
    assert count_label(client, "Gyeonggi Province") >= 1  # and it still answers reads


def test_the_update_door_refuses_to_fetch_too(app, listener):
    client = app.test_client()
    here = f"http://127.0.0.1:{listener.port}"
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    for text in (
        f"LOAD <{here}/data.ttl> INTO GRAPH <https://partnergraph.org/id/source/x>",
        "LOAD <file:///etc/passwd>",
        f"INSERT {{ GRAPH <https://partnergraph.org/id/source/x> {{ ?s ?p ?o }} }} "
        f"WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}",
    ):
        assert client.post("/update", data=text.encode(), headers=headers).status_code == 400, text
    time.sleep(0.3)
    assert listener.connections == 0


def test_an_acknowledged_write_is_what_the_public_endpoint_reads_next(app):
    client = app.test_client()
    assert count_label(client, "Partnergraph test office") == 0
    graph = "https://partnergraph.org/id/source/test-office-note"
    text = f"""PREFIX kp: <{KP}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/>
    INSERT DATA {{ GRAPH <{graph}> {{
      <{graph}> a kp:SourceDocument ; rdfs:label "A note" ; dcterms:title "A note" .
      <https://partnergraph.org/id/org/test-office> a kp:Organization ; rdfs:label "Partnergraph test office" ;
        kp:evidence <https://partnergraph.org/id/evidence/test-office-note/1> .
      <https://partnergraph.org/id/evidence/test-office-note/1> a kp:Evidence ; prov:value "the test office" ;
        prov:wasQuotedFrom <{graph}> .
    }} }}"""
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    response = client.post("/update", data=text.encode(), headers=headers)
    assert response.status_code in (200, 201), response.text
    assert count_label(client, "Partnergraph test office") == 1
