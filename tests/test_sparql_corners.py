"""The protocol's corners (issue 12), each side by side with the Oxigraph server as the reference.

The same request goes to /sparql and to ``oxigraph serve`` holding the same data; where the reference answers a
valid request, so do we, and where it errs we err the same way or better (a 400 where it says 500).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import requests
from flask import Flask

from tests.conftest import MINI
from tests.test_sparql_protocol import make_app

pytestmark = pytest.mark.remote


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    application = make_app()
    yield application
    application.extensions["sparql"].close()


@pytest.fixture(scope="module")
def reference(sparql_server: str) -> str:
    """The Oxigraph server's query URL, holding mini.trig."""
    requests.post(f"{sparql_server}/update", data="DROP ALL", headers={"Content-Type": "application/sparql-update"})
    requests.post(
        f"{sparql_server}/store", data=MINI.read_bytes(), headers={"Content-Type": "application/trig"}
    ).raise_for_status()
    return f"{sparql_server}/query"


def both(app: Flask, reference: str, query: str, **headers: str):
    ours = app.test_client().get("/sparql", query_string={"query": query}, headers=headers)
    theirs = requests.get(reference, params={"query": query}, headers=headers, timeout=30)
    return ours, theirs


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p <http://ex.org/a,service> }",
        "SELECT * WHERE { ?s ?p <http://ex.org/(load)> }",
        "SELECT * WHERE { ?s ?p 'x'@add }",
        'SELECT * WHERE { ?s ?p "x"@en-x-load }',
        "SELECT * WHERE { ?s ?p <http://ex.org/it's> }",
        "PREFIX x: <http://x/> SELECT * WHERE { ?s ?p x:a\\# }",
        "PREFIX x: <http://x/> SELECT * WHERE { ?s ?p x:a\\' }",
        "SELECT ?service ?load WHERE { ?service ?load ?o } LIMIT 1",
    ],
)
def test_valid_queries_are_not_refused_by_the_guard(app: Flask, reference: str, query: str) -> None:
    ours, theirs = both(app, reference, query)
    assert theirs.status_code == 200
    assert ours.status_code == 200, ours.text


def test_a_query_without_a_form_gets_the_syntax_error_with_its_position(app: Flask, reference: str) -> None:
    ours, theirs = both(app, reference, "SELEC * WHERE { ?s ?p ?o }")
    assert theirs.status_code == ours.status_code == 400
    assert ours.text.startswith("query syntax error: line 1, column")
    assert "Update" not in ours.text


def test_an_unknown_function_is_400_not_500(app: Flask, reference: str) -> None:
    ours, theirs = both(app, reference, "SELECT * WHERE { BIND(<http://ex.org/nofunction>(1) AS ?x) }")
    assert theirs.status_code == 500  # the reference's answer, which we improve on
    assert ours.status_code == 400
    assert "nofunction" in ours.text


def test_query_in_both_the_url_and_the_body_is_400(app: Flask, reference: str) -> None:
    ours_form = app.test_client().post("/sparql?query=ASK%7B%7D", data={"query": "ASK {}"})
    ours_body = app.test_client().post(
        "/sparql?query=ASK%7B%7D", data="ASK {}", content_type="application/sparql-query"
    )
    theirs = requests.post(reference + "?query=ASK%7B%7D", data={"query": "ASK {}"}, timeout=30)
    assert theirs.status_code == ours_form.status_code == ours_body.status_code == 400
    assert "not both" in ours_form.text


def test_a_charset_parameter_in_accept_is_fine(app: Flask, reference: str) -> None:
    accept = "application/sparql-results+json;charset=utf-8"
    ours, theirs = both(app, reference, "ASK { ?s ?p ?o }", Accept=accept)
    assert theirs.status_code == ours.status_code == 200
    assert ours.mimetype == "application/sparql-results+json"
    assert ours.json == theirs.json() == {"head": {}, "boolean": True}


def test_text_wildcard_gets_a_text_format(app: Flask) -> None:
    client = app.test_client()
    select = client.get(
        "/sparql", query_string={"query": "SELECT ?s { ?s ?p ?o } LIMIT 1"}, headers={"Accept": "text/*"}
    )
    assert (select.status_code, select.mimetype) == (200, "text/csv")
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/*"})
    assert (graph.status_code, graph.mimetype) == (200, "text/turtle")
    ask = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "text/*"})
    assert ask.status_code == 200 and ask.mimetype.startswith("text/")


@pytest.mark.parametrize(
    ("accept", "rdf_format"), [("application/n-quads", ox.RdfFormat.N_QUADS), ("application/trig", ox.RdfFormat.TRIG)]
)
def test_construct_as_a_quad_format(app: Flask, reference: str, accept: str, rdf_format: ox.RdfFormat) -> None:
    query = "CONSTRUCT { ?s <urn:label> ?l } WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    ours, theirs = both(app, reference, query, Accept=accept)
    assert theirs.status_code == ours.status_code == 200
    assert ours.mimetype == accept
    mine = {str(q) for q in ox.parse(ours.data, format=rdf_format)}
    assert mine == {str(q) for q in ox.parse(theirs.content, format=rdf_format)}


def test_ask_as_plain_text(app: Flask, reference: str) -> None:
    ours, theirs = both(app, reference, "ASK { ?s ?p ?o }", Accept="text/plain")
    assert theirs.status_code == ours.status_code == 200
    assert ours.mimetype == "text/plain" and ours.text.strip() == "true" == theirs.text.strip()


def test_cors_preflight_allows_authorization_and_is_cached(app: Flask) -> None:
    preflight = app.test_client().options(
        "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 204
    allowed = {h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "accept"} <= allowed
    assert int(preflight.headers["Access-Control-Max-Age"]) >= 600
    wrong_method = app.test_client().put("/sparql", data="ASK {}")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Access-Control-Allow-Origin"] == "*"


def test_get_varies_on_accept(app: Flask) -> None:
    for params in ({"query": "ASK {}"}, {}, {"query": "SELEC"}):
        response = app.test_client().get("/sparql", query_string=params)
        assert "Accept" in response.headers["Vary"], params


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_the_service_description_by_accept_lists_the_dataset(app: Flask, accept: str, rdf_format: ox.RdfFormat) -> None:
    response = app.test_client().get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    store = ox.Store()
    store.load(response.data, format=rdf_format, base_iri="http://localhost/sparql")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    names = store.query(
        f"SELECT ?g WHERE {{ ?service <{sd}defaultDataset> ?d . ?d <{sd}namedGraph> ?n . ?n <{sd}name> ?g }}"
    )
    graphs = sorted(row["g"].value for row in names)
    assert graphs == ["https://partnergraph.org/id/source/mini-a", "https://partnergraph.org/id/source/mini-b"]
