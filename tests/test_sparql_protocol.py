"""The /sparql endpoint speaks the SPARQL 1.1 Protocol: methods, content negotiation, datasets, errors, limits."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from server import create_app

MINI = Path(__file__).parent / "data" / "mini.trig"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
ID = "https://partnergraph.org/id/"
SRC_A = ID + "source/mini-a"
SRC_B = ID + "source/mini-b"
LABELS = f"SELECT ?s ?l WHERE {{ ?s <{RDFS}label> ?l }} ORDER BY ?s ?l"


def make_app(data: bytes | None = None, **config: Any) -> Flask:
    """An app on an in-memory store holding ``data`` (TriG; default: tests/data/mini.trig), workers refreshed."""
    settings = {"STORE": "memory:", "LOAD_SHIPPED": False, "TESTING": True, "QUERY_WORKERS": 2, **config}
    app = create_app(settings)
    app.extensions["kg"].store.add_data(MINI.read_bytes() if data is None else data, "trig")
    app.extensions["sparql"].refresh()
    return app


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    application = make_app(MAX_ROWS=5)
    yield application
    application.extensions["sparql"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def bindings(response) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(response.data)["results"]["bindings"]]


ASK_NORTH = f"ASK {{ <{ID}region/xa/north> <{RDFS}label> 'North Province' }}"


def test_get_post_form_and_post_body_give_the_same_answer(client: FlaskClient) -> None:
    query = f"SELECT DISTINCT ?l WHERE {{ <{ID}region/xa/north> <{RDFS}label> ?l }}"
    by_get = client.get("/sparql", query_string={"query": query})
    by_form = client.post("/sparql", data={"query": query})
    by_body = client.post("/sparql", data=query, content_type="application/sparql-query")
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200
        assert response.mimetype == "application/sparql-results+json"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert bindings(response) == [{"l": "North Province"}]


def test_select_in_every_results_format(client: FlaskClient) -> None:
    query = f"SELECT ?s ?l WHERE {{ ?s <{RDFS}label> ?l FILTER(?s = <{ID}region/xa>) }}"
    json_doc = json.loads(client.get("/sparql", query_string={"query": query}).data)
    assert json_doc == {
        "head": {"vars": ["s", "l"]},
        "results": {
            "bindings": [
                {"s": {"type": "uri", "value": ID + "region/xa"}, "l": {"type": "literal", "value": "Atlantis"}}
            ]
        },
    }
    xml = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+xml"})
    assert xml.mimetype == "application/sparql-results+xml"
    assert f'<binding name="s"><uri>{ID}region/xa</uri></binding>' in xml.text
    assert '<binding name="l"><literal>Atlantis</literal></binding>' in xml.text
    csv_text = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert csv_text.mimetype == "text/csv"
    assert csv_text.text == f"s,l\r\n{ID}region/xa,Atlantis\r\n"
    tsv = client.get("/sparql", query_string={"query": query, "format": "tsv"})
    assert tsv.mimetype == "text/tab-separated-values"
    assert tsv.text == f'?s\t?l\n<{ID}region/xa>\t"Atlantis"\n'


def test_typed_and_language_literals_and_unbound_cells(client: FlaskClient) -> None:
    query = (
        "SELECT ?d ?x ?n WHERE { VALUES (?d ?x) { ('2001-04'^^<http://www.w3.org/2001/XMLSchema#gYearMonth> "
        "'Seoul'@en) } OPTIONAL { ?d ?nothing ?n } }"
    )
    doc = json.loads(client.get("/sparql", query_string={"query": query}).data)
    row = doc["results"]["bindings"][0]
    assert row == {
        "d": {"type": "literal", "value": "2001-04", "datatype": "http://www.w3.org/2001/XMLSchema#gYearMonth"},
        "x": {"type": "literal", "value": "Seoul", "xml:lang": "en"},
    }
    tsv = client.get("/sparql", query_string={"query": query, "format": "tsv"}).text
    assert tsv.splitlines()[1] == '"2001-04"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>\t"Seoul"@en\t'
    rows = list(csv.reader(io.StringIO(client.get("/sparql", query_string={"query": query, "format": "csv"}).text)))
    assert rows == [["d", "x", "n"], ["2001-04", "Seoul", ""]]


def test_ask_in_json_xml_csv(client: FlaskClient) -> None:
    assert json.loads(client.get("/sparql", query_string={"query": ASK_NORTH}).data) == {"head": {}, "boolean": True}
    xml = client.get("/sparql", query_string={"query": ASK_NORTH, "format": "xml"}).text
    assert "<boolean>true</boolean>" in xml
    no = client.get("/sparql", query_string={"query": "ASK { <urn:x> ?p ?o }", "format": "csv"}).text
    assert no.strip() == "false"


@pytest.mark.parametrize(
    ("accept", "fmt", "media", "rdf_format"),
    [
        ("text/turtle", None, "text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", None, "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", None, "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", None, "application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("text/html", "ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("*/*", None, "text/turtle", ox.RdfFormat.TURTLE),
    ],
)
def test_construct_in_every_rdf_format(
    client: FlaskClient, accept: str, fmt: str | None, media: str, rdf_format: ox.RdfFormat
) -> None:
    country = "https://partnergraph.org/ontology#Country"
    query = f"CONSTRUCT {{ ?s <{RDFS}label> ?l }} WHERE {{ ?s a <{country}> ; <{RDFS}label> ?l }}"
    params = {"query": query, **({"format": fmt} if fmt else {})}
    response = client.get("/sparql", query_string=params, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media
    triples = list(ox.parse(response.data, format=rdf_format))
    assert [(t.subject.value, t.object.value) for t in triples] == [(ID + "region/xa", "Atlantis")]


def test_describe(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{ID}region/xa>", "format": "nt"})
    triples = list(ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES))
    assert {t.subject.value for t in triples} == {ID + "region/xa"}
    assert {t.object.value for t in triples} >= {"Atlantis", "XA"}


def test_unacceptable_media_type_is_406(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ASK_NORTH}, headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_default_and_named_graph_uris(client: FlaskClient) -> None:
    query = "SELECT ?t WHERE { ?d <http://purl.org/dc/terms/title> ?t }"
    only_b = client.get("/sparql", query_string={"query": query, "default-graph-uri": SRC_B})
    assert bindings(only_b) == [{"t": "Mini source B"}]
    both = client.get(
        "/sparql",
        query_string=[("query", query + " ORDER BY ?t"), ("default-graph-uri", SRC_A), ("default-graph-uri", SRC_B)],
    )
    assert bindings(both) == [{"t": "Mini source A"}, {"t": "Mini source B"}]
    named = client.get(
        "/sparql",
        query_string={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": SRC_A},
    )
    assert bindings(named) == [{"g": SRC_A}]
    posted = client.post("/sparql?default-graph-uri=" + SRC_A, data=query, content_type="application/sparql-query")
    assert bindings(posted) == [{"t": "Mini source A"}]


def test_from_a_graph_of_the_store(client: FlaskClient) -> None:
    query = f"SELECT ?t FROM <{SRC_A}> WHERE {{ ?d <http://purl.org/dc/terms/title> ?t }}"
    assert bindings(client.get("/sparql", query_string={"query": query})) == [{"t": "Mini source A"}]


@pytest.mark.parametrize(
    "params",
    [
        {"query": ASK_NORTH, "default-graph-uri": "http://127.0.0.1:9/g"},
        {"query": ASK_NORTH, "named-graph-uri": "file:///etc/passwd"},
    ],
)
def test_protocol_graphs_not_in_the_store_are_refused(client: FlaskClient, params: dict) -> None:
    response = client.get("/sparql", query_string=params)
    assert response.status_code == 400
    assert "no such graph in this store" in response.text


def test_updates_are_refused_in_every_spelling(client: FlaskClient) -> None:
    insert = "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    assert client.post("/sparql", data={"update": insert}).status_code == 403
    assert client.post("/sparql", data=insert, content_type="application/sparql-update").status_code == 403
    assert client.get("/sparql", query_string={"update": insert}).status_code == 403
    as_query = client.get("/sparql", query_string={"query": insert})
    assert as_query.status_code == 400
    assert "read-only" in as_query.text
    assert client.get("/sparql", query_string={"query": "ASK { <urn:a> <urn:b> <urn:c> }"}).json["boolean"] is False


def test_syntax_error_says_line_and_column(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?s\nWHERE {\n  ?s ?p \n}"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert response.text.startswith("query syntax error: line 4, column 2: expected")


def test_bad_requests(client: FlaskClient) -> None:
    assert client.get("/sparql", query_string=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400
    assert client.post("/sparql", data="ASK {}", content_type="text/plain").status_code == 415
    assert client.post("/sparql", data={"query": "  "}).status_code == 400


def test_row_cap_is_said(client: FlaskClient) -> None:
    # mini.trig has 7 labels; this app returns at most 5 rows.
    response = client.get("/sparql", query_string={"query": LABELS})
    assert response.headers["X-Partnergraph-Truncated"] == "true"
    doc = json.loads(response.data)
    assert len(doc["results"]["bindings"]) == 5
    assert response.headers["X-Partnergraph-Rows"] == "5"
    csv_response = client.get("/sparql", query_string={"query": LABELS, "format": "csv"})
    assert csv_response.headers["X-Partnergraph-Truncated"] == "true"
    assert len(csv_response.text.splitlines()) == 6
    small = client.get("/sparql", query_string={"query": LABELS + " LIMIT 5"})
    assert "X-Partnergraph-Truncated" not in small.headers
    assert len(json.loads(small.data)["results"]["bindings"]) == 5
    construct = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
    assert construct.headers["X-Partnergraph-Truncated"] == "true"
    assert len(construct.text.splitlines()) == 5


def test_service_description_for_machines_workbench_for_browsers(client: FlaskClient) -> None:
    machine = client.get("/sparql")
    assert machine.mimetype == "text/turtle"
    graph = Graph().parse(data=machine.data, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (URIRef("http://localhost/sparql"), URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    browser = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.mimetype == "text/html"
    assert 'id="editor"' in browser.text


def test_cors_preflight(client: FlaskClient) -> None:
    response = client.options(
        "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_every_query_is_logged_without_its_text(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    secret = "SELECT ?s WHERE { ?s ?p 'my secret words' }"
    with caplog.at_level(logging.INFO, logger="partnergraph.sparql"):
        client.get("/sparql", query_string={"query": secret})
        client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <urn:x> { ?s ?p ?o } }"})
    lines = [r.getMessage() for r in caplog.records if r.name == "partnergraph.sparql"]
    assert len(lines) == 2
    assert "outcome=ok rows=0" in lines[0] and "form=SELECT" in lines[0] and " ms=" in lines[0]
    assert "outcome=refused" in lines[1]
    assert not any("secret" in line for line in lines)
