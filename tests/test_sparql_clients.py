"""Standard SPARQL clients work against a real server (``python server.py``) on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from graph.store import open_store
from tests.conftest import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "data" / "mini.trig"
ID = "https://partnergraph.org/id/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
LABELS = f"SELECT DISTINCT ?s ?l WHERE {{ ?s <{RDFS}label> ?l FILTER(STRSTARTS(STR(?s), '{ID}region/x')) }} ORDER BY ?s"
EXPECTED = [
    (ID + "region/xa", "Atlantis"),
    (ID + "region/xa/north", "North Province"),
    (ID + "region/xb/south", "South Province"),
]
COUNTRY = "https://partnergraph.org/ontology#Country"
XA = f"<{ID}region/xa>"
CONSTRUCT = f"CONSTRUCT {{ ?s <{RDFS}label> ?l }} WHERE {{ VALUES ?s {{ {XA} }} ?s a <{COUNTRY}> ; <{RDFS}label> ?l }}"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python server.py --port P --store oxigraph:DIR`` with the mini dataset and the shipped data; yields its URL."""
    path = tmp_path_factory.mktemp("clients") / "store"
    store = open_store(f"oxigraph:{path}")
    store.add_data(MINI.read_bytes(), "trig")
    store.close()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "server.py", "--port", str(port), "--store", f"oxigraph:{path}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/sparql"
    wait_until_serving(url, process, "the server")
    yield url
    process.terminate()
    process.wait(10)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json_and_xml(endpoint: str, method: str) -> None:
    for fmt in (JSON, XML):
        sparql = SPARQLWrapper(endpoint)
        sparql.setMethod(method)
        sparql.setQuery(LABELS)
        sparql.setReturnFormat(fmt)
        result = sparql.queryAndConvert()
        if fmt == JSON:
            rows = [(b["s"]["value"], b["l"]["value"]) for b in result["results"]["bindings"]]
        else:
            rows = [
                tuple(b.getElementsByTagName(t)[0].firstChild.data for t in ("uri", "literal"))
                for b in result.getElementsByTagName("result")
            ]
        assert rows == EXPECTED, fmt


def test_sparqlwrapper_select_csv_and_tsv(endpoint: str) -> None:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(LABELS)
    sparql.setReturnFormat(CSV)
    assert sparql.queryAndConvert().decode().splitlines() == ["s,l"] + [f"{s},{label}" for s, label in EXPECTED]
    sparql.setReturnFormat(TSV)
    assert sparql.queryAndConvert().decode().splitlines() == ["?s\t?l"] + [f'<{s}>\t"{label}"' for s, label in EXPECTED]


def test_sparqlwrapper_ask(endpoint: str) -> None:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(f"ASK {{ <{ID}region/xa> <{RDFS}label> 'Atlantis' }}")
    sparql.setReturnFormat(JSON)
    assert sparql.queryAndConvert()["boolean"] is True


@pytest.mark.parametrize(
    ("fmt", "media", "rdf_format"),
    [
        (TURTLE, "text/turtle", ox.RdfFormat.TURTLE),
        (N3, "text/turtle", ox.RdfFormat.TURTLE),
        (RDFXML, "application/rdf+xml", ox.RdfFormat.RDF_XML),
        (XML, "application/rdf+xml", ox.RdfFormat.RDF_XML),
        (JSONLD, "application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_sparqlwrapper_construct(endpoint: str, fmt: str, media: str, rdf_format: ox.RdfFormat) -> None:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(CONSTRUCT)
    sparql.setReturnFormat(fmt)
    result = sparql.query()
    assert result.response.headers["Content-Type"].split(";")[0] == media
    # Parsed with pyoxigraph: SPARQLWrapper's own RDF/XML conversion uses rdflib's deprecated ConjunctiveGraph.
    triples = list(ox.parse(result.response.read(), format=rdf_format))
    assert [(t.subject.value, t.predicate.value, t.object.value) for t in triples] == [
        (ID + "region/xa", RDFS + "label", "Atlantis")
    ]


def test_sparqlwrapper_sees_refusals(endpoint: str) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    sparql.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="SERVICE is not allowed"):
        sparql.query()


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="xml"))
    rows = [(str(s), str(label)) for s, label in graph.query(LABELS)]
    assert rows == EXPECTED
    assert graph.query(f"ASK {{ <{ID}region/xa> ?p ?o }}").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert set(constructed) == {(URIRef(ID + "region/xa"), URIRef(RDFS + "label"), Literal("Atlantis"))}
    assert (URIRef(ID + "region/xa"), URIRef(RDFS + "label"), Literal("Atlantis")) in graph


def test_curl_style_requests(endpoint: str) -> None:
    by_get = requests.get(endpoint, params={"query": LABELS}, headers={"Accept": "text/csv"}, timeout=10)
    assert by_get.text.splitlines()[1] == f"{ID}region/xa,Atlantis"
    by_post = requests.post(
        endpoint, data=LABELS, headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"}, timeout=10
    )
    assert by_post.text == by_get.text
    assert by_post.headers["Access-Control-Allow-Origin"] == "*"
