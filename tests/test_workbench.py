"""The workbench's server side: page, vocabulary for completion, examples, labels, named queries with twins."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.test_sparql_protocol import make_app

MINI = Path(__file__).parent / "data" / "mini.trig"
ID = "https://partnergraph.org/id/"
EXTRA = b"""
PREFIX kp: <https://partnergraph.org/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX id: <https://partnergraph.org/id/>
<https://partnergraph.org/ontology> {
  kp:Agreement a owl:Class ; rdfs:label "Agreement"@en .
  kp:Tie a owl:Class ; rdfs:label "Tie"@en .
  kp:party a owl:ObjectProperty ; rdfs:label "party"@en .
  kp:signedDate a owl:DatatypeProperty ; rdfs:label "signed on"@en .
}
id:source\\/evil {
  id:region\\/xa\\/evil a kp:Province ; rdfs:label "<script>alert(1)</script>" .
  id:agreement\\/evil a kp:Agreement ; rdfs:label "Evil pact" ;
    kp:party id:region\\/xa\\/evil , id:region\\/xa\\/north .
}
"""


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    application = make_app(MINI.read_bytes() + EXTRA)
    yield application
    application.extensions["sparql"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_workbench_page_serves_only_local_assets(client: FlaskClient) -> None:
    page = client.get("/query")
    assert page.status_code == 200
    html = page.text
    assert 'id="editor"' in html and "vendor/codemirror/editor.js" in html and "workbench/workbench.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html.replace(
        "https://partnergraph.org", ""
    )
    for ref in (
        "/static/vendor/codemirror/editor.js",
        "/static/workbench/workbench.js",
        "/static/workbench/workbench.css",
    ):
        response = client.get(ref)
        assert response.status_code == 200
        response.close()
    # Every named query is in the gallery, with its parameters as fields.
    assert "Ties (agreements and partnerships)" in html
    assert 'name="entity"' in html


def test_vocabulary_for_completion(client: FlaskClient) -> None:
    vocab = client.get("/query/vocabulary.json").json
    assert vocab["prefixes"]["kp"] == "https://partnergraph.org/ontology#"
    assert vocab["terms"] == [
        {
            "iri": "https://partnergraph.org/ontology#Agreement",
            "curie": "kp:Agreement",
            "label": "Agreement",
            "kind": "class",
        },
        {"iri": "https://partnergraph.org/ontology#Tie", "curie": "kp:Tie", "label": "Tie", "kind": "class"},
        {"iri": "https://partnergraph.org/ontology#party", "curie": "kp:party", "label": "party", "kind": "property"},
        {
            "iri": "https://partnergraph.org/ontology#signedDate",
            "curie": "kp:signedDate",
            "label": "signed on",
            "kind": "property",
        },
    ]


def test_examples(client: FlaskClient) -> None:
    examples = {e["name"]: e for e in client.get("/query/examples.json").json}
    assert "ties" in examples and "partners" in examples
    assert examples["partners"]["params"][0]["name"] == "entity"
    assert examples["partners"]["url"] == "/query/partners"


def test_labels_endpoint(client: FlaskClient) -> None:
    iris = [ID + "region/xa", ID + "source/mini-a", "http://example.org/x", "not an iri"]
    answer = client.post("/query/labels", json=iris).json
    assert answer[ID + "region/xa"] == {"label": "Atlantis", "url": "/id/region/xa"}
    assert answer[ID + "source/mini-a"] == {"label": "Mini source A", "url": "/id/source/mini-a"}
    assert answer["http://example.org/x"] == {"label": None, "url": None}
    assert client.post("/query/labels", data="x", content_type="text/plain").status_code == 400


def test_named_query_json_twin_with_params(client: FlaskClient) -> None:
    doc = client.get("/query/partners.json", query_string={"entity": ID + "region/xa/south"}).json
    assert doc["name"] == "partners" and doc["params"] == {"entity": ID + "region/xa/south"}
    assert doc["rows"] == []
    doc = client.get("/query/partners.json", query_string={"entity": ID + "region/xb/south"}).json
    assert doc["columns"] == ["partner", "partnerLabel", "tie", "tieLabel", "kindLabel", "signed"]
    assert [(r["partnerLabel"], r["tie"], r["signed"]) for r in doc["rows"]] == [
        ("North Province", ID + "agreement/north-south", "2001-04")
    ]
    assert doc["truncated"] is False and doc["row_count"] == 1


def test_named_query_csv_twin(client: FlaskClient) -> None:
    response = client.get("/query/partners.csv", query_string={"entity": ID + "org/east-university"})
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["partner"], r["partnerLabel"], r["signed"]) for r in rows] == [
        (ID + "region/xa/north", "North Province", "2014-09-03")
    ]


def test_named_query_rq_twin_binds_safely(client: FlaskClient) -> None:
    text = client.get("/query/partners.rq", query_string={"entity": ID + "region/xa"}).text
    assert f"VALUES ?entity {{ <{ID}region/xa> }}" in text
    bad = client.get("/query/partners.rq", query_string={"entity": "x> } ; DROP ALL ; <y"})
    assert bad.status_code == 400 and "is not an IRI" in bad.text


def test_named_query_page_shows_labels_links_and_escapes(client: FlaskClient) -> None:
    page = client.get("/query/partners", query_string={"entity": ID + "region/xa/north"})
    assert page.status_code == 200
    html = page.text
    assert "<h1>Partners of an entity</h1>" in html
    assert f'<a href="/id/region/xa/evil" title="{ID}region/xa/evil">&lt;script&gt;alert(1)&lt;/script&gt;</a>' in html
    assert "<script>alert(1)</script>" not in html
    assert f'<a href="/id/agreement/north-east" title="{ID}agreement/north-east">North–East MOU</a>' in html
    assert 'href="/query/partners.json?entity=' in html
    assert "3 rows in" in html


def test_named_query_errors(client: FlaskClient) -> None:
    assert client.get("/query/nope").status_code == 404
    assert client.get("/query/nope.json").status_code == 404
    assert client.get("/query/ties.exe").status_code == 404
    bad = client.get("/query/partners.json", query_string={"entity": "not an iri"})
    assert bad.status_code == 400 and "is not an IRI" in bad.text
    page = client.get("/query/partners", query_string={"entity": "not an iri"})
    assert page.status_code == 400 and "is not an IRI" in page.text


def test_every_shipped_named_query_runs(client: FlaskClient) -> None:
    for example in client.get("/query/examples.json").json:
        response = client.get(f"/query/{example['name']}.json")
        assert response.status_code == 200, (example["name"], response.text)
