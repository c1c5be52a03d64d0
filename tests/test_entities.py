"""Entity pages (HTML, Turtle and JSON-LD twins by suffix and by content negotiation) and the sources page."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef

from tests.conftest import network_app

ID = "https://partnergraph.org/id/"
GYEONGGI = ID + "region/kr/gyeonggi-province"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    return network_app().test_client()


def test_entity_page_lists_facts_ties_and_quotes(client: FlaskClient) -> None:
    response = client.get("/id/region/kr/gyeonggi-province")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<h1 id="entity-label">Gyeonggi Province</h1>' in page
    assert "Gyeongi Province" in page  # the hidden label is a fact
    assert 'href="/id/agreement/gyeonggi-liaoning"' in page
    assert "Gyeonggi and Liaoning became sister provinces on 4 October 1993" in page
    assert 'href="/id/source/net-one"' in page
    assert response.headers["Vary"] == "Accept"


def test_twins_by_suffix_and_negotiation(client: FlaskClient) -> None:
    ttl = client.get("/id/region/kr/gyeonggi-province.ttl")
    assert ttl.mimetype == "text/turtle"
    graph = Graph().parse(data=ttl.get_data(as_text=True), format="turtle")
    assert (URIRef(GYEONGGI), RDFS_LABEL, Literal("Gyeonggi Province")) in graph
    negotiated = client.get("/id/region/kr/gyeonggi-province", headers={"Accept": "text/turtle"})
    assert negotiated.mimetype == "text/turtle"
    assert len(Graph().parse(data=negotiated.get_data(as_text=True), format="turtle")) == len(graph) == 6
    jsonld = client.get("/id/agreement/gyeonggi-liaoning.jsonld")
    assert jsonld.mimetype == "application/ld+json"
    parsed = list(ox.parse(jsonld.get_data(), format=ox.RdfFormat.JSON_LD))  # rdflib's JSON-LD parser warns
    quotes = {t.object.value for t in parsed if t.predicate.value == "http://www.w3.org/ns/prov#value"}
    assert quotes == {"Gyeonggi and Liaoning became sister provinces on 4 October 1993"}
    json.loads(jsonld.get_data(as_text=True))
    by_accept = client.get("/id/agreement/gyeonggi-liaoning", headers={"Accept": "application/ld+json"})
    assert by_accept.mimetype == "application/ld+json"
    browser = client.get("/id/agreement/gyeonggi-liaoning", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.mimetype == "text/html"


def test_unknown_entity_is_404(client: FlaskClient) -> None:
    assert client.get("/id/region/zz").status_code == 404
    assert client.get("/id/region/zz.ttl").status_code == 404
    assert client.get("/id/region/<b>").status_code == 404


def test_source_document_page_lists_what_it_states(client: FlaskClient) -> None:
    page = client.get("/id/source/net-two").get_data(as_text=True)
    assert "What this document states" in page and 'href="/id/org/bach-mai-hospital"' in page


def test_sources_page(client: FlaskClient) -> None:
    page = client.get("/sources").get_data(as_text=True)
    assert "Network source one" in page and "Network source three" in page
    assert "Liaoning signed a friendly cooperation agreement with Hanoi in 2005" in page
    assert 'href="/id/agreement/liaoning-hanoi"' in page


def test_data_is_shown_as_text_never_markup_or_template(client: FlaskClient) -> None:
    page = client.get("/id/org/xss").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;{{ 7*7 }}" in page
    assert "<img src=x" not in page and "49" not in page
    sources = client.get("/sources").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; source {{ 7*7 }}" in sources and "<b>Bold</b>" not in sources
    assert "&lt;i&gt;quoted&lt;/i&gt; {{ 7*7 }} words" in sources
    tie = client.get("/id/org/xss").get_data(as_text=True)
    assert "&lt;script&gt;alert(2)&lt;/script&gt; pact" in tie and "<script>alert(2)" not in tie
    results = client.get("/api/search?q=img").get_json()["results"]
    assert results[0]["label"] == "<img src=x onerror=alert(1)>{{ 7*7 }}"
