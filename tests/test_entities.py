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


# -- pages for people: the ontology's words, a summary first, each fact once, table rows as rows, history ------

TWIN_CSV = "city1,country1,city2,country2\nParis,France,Rome,Italy\nRome,Italy,Paris,France\n"


@pytest.fixture(scope="module")
def shipped_client() -> FlaskClient:
    from server import create_app

    return create_app({"STORE": "memory:", "TESTING": True, "EXPLORER_WARMUP": False}).test_client()


@pytest.fixture(scope="module")
def table_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """The network fixture plus a small twin-cities table imported the way the CLI imports it."""
    from graph.tabular import Mapping, import_table

    app = network_app()
    path = tmp_path_factory.mktemp("table") / "twins.csv"
    path.write_text(TWIN_CSV, "utf-8")
    mapping = Mapping.from_pairs(
        ["city1=party1.name", "country1=party1.country", "city2=party2.name", "country2=party2.country"]
    )
    import_table(app.extensions["kg"].store, path, mapping)
    return app.test_client()


def _visible_text(page: str) -> str:
    """The page's text without tags, attributes or the head (what a reader sees)."""
    import re

    body = page.split("<body", 1)[1]
    return re.sub(r"<[^>]+>", " ", body)


def test_entity_page_speaks_the_ontologys_words(shipped_client: FlaskClient) -> None:
    page = shipped_client.get("/id/region/kr/gyeonggi-province").get_data(as_text=True)
    text = _visible_text(page)
    for raw in ("rdf:type", "skos:altLabel", "altLabel", "kp:", "participantOrigin", "traineeCount", "rdfs:label"):
        assert raw not in text, raw
    assert "Also known as" in text and "What it is" in text
    assert "Participant origin" in text  # kp:participantOrigin's rdfs:label, as the ontology file gives it
    assert '<span class="tag" data-group="region">Province</span>' in page


def test_summary_comes_first_then_ties_then_the_other_facts(shipped_client: FlaskClient) -> None:
    page = shipped_client.get("/id/region/kr/gyeonggi-province").get_data(as_text=True)
    summary, ties, facts = page.index('id="summary"'), page.index('id="ties"'), page.index('id="facts"')
    assert summary < ties < facts
    # partners with since-when, in the summary
    partners = page[page.index('id="partners"') : ties]
    assert "Liaoning Province</a>" in partners and "since 2001-04" in partners
    # the long lists are collapsed with their counts
    assert "Show the other 14 ties" in page  # 2 more since the plans renewed in 2017 are agreements of their own
    assert "more partners</summary>" in page


def test_each_fact_once_with_all_its_sources(shipped_client: FlaskClient) -> None:
    described = shipped_client.get("/api/entity?id=" + GYEONGGI).get_json()
    every = [*described["summary"]["facts"], *described["facts"]]
    assert len({f["property"] for f in every}) == len(every)
    country = next(f for f in every if f["curie"] == "kp:country")
    assert country["label"] == "country" and len(country["values"]) == 1
    assert len(country["values"][0]["sources"]) == 3  # one value, the three documents that state it
    assert {f["curie"] for f in every}.isdisjoint({"rdf:type", "kp:evidence"})
    page = shipped_client.get("/id/region/kr/gyeonggi-province").get_data(as_text=True)
    facts_part = page[page.index('id="summary"') : page.index('id="ties"')]
    assert facts_part.count(">Korea</a>") == 1


def test_tie_sources_come_once_per_document(shipped_client: FlaskClient) -> None:
    described = shipped_client.get("/api/entity?id=" + GYEONGGI).get_json()
    for tie in described["ties"]:
        documents = [s["source"] for s in tie["sources"]]
        assert len(documents) == len(set(documents)), tie["id"]
    general = next(t for t in described["ties"] if t["id"].endswith("officials-exchange-training-general"))
    assert len(general["sources"]) == 1 and len(general["sources"][0]["quotes"]) == 2


def test_a_table_row_is_shown_as_a_row_with_its_column_names(table_client: FlaskClient) -> None:
    tie = "/id/partnership/twinning-fr-paris--it-rome"
    described = table_client.get("/api/entity?id=https://partnergraph.org" + tie).get_json()
    if described is None or "error" in described:  # the IRI policy may name it differently: find it
        found = table_client.get("/api/search?q=Paris").get_json()["results"][0]["id"]
        tie = (
            table_client.get("/api/entity?id=" + found)
            .get_json()["ties"][0]["id"]
            .removeprefix("https://partnergraph.org")
        )
        described = table_client.get("/api/entity?id=https://partnergraph.org" + tie).get_json()
    rows = described["evidence"][0]["rows"]
    assert [r["row"] for r in rows] == [2, 3]
    assert rows[0]["cells"] == [
        {"column": "city1", "value": "Paris"},
        {"column": "country1", "value": "France"},
        {"column": "city2", "value": "Rome"},
        {"column": "country2", "value": "Italy"},
    ]
    assert described["evidence"][0]["quote"] is None
    page = table_client.get(tie).get_data(as_text=True)
    assert "<caption>Row 2 of the table" in page
    assert '<th scope="col">country2</th>' in page and "<td>Italy</td>" in page
    assert "Paris,France,Rome,Italy" not in page  # never the raw CSV line as a quote
    assert 'id="ties"' not in page  # a tie's own page lists its parties in the summary, not "Ties (0)"
    assert "the sources give no dates" in table_client.get("/id/region/fr/paris").get_data(as_text=True)
    sources = table_client.get("/sources").get_data(as_text=True)
    assert "<caption>Row 3 of the table" in sources and "<td>Rome</td>" in sources
    assert "Paris,France,Rome,Italy" not in sources and "city1,country1" not in sources  # the header is no quote


def test_links_go_only_to_our_pages_or_http(client: FlaskClient) -> None:
    from web.entities import entity_href

    assert entity_href(GYEONGGI) == "/id/region/kr/gyeonggi-province"
    assert entity_href("https://www.wikidata.org/entity/Q20937") == "https://www.wikidata.org/entity/Q20937"
    for bad in ("javascript:alert(1)", "data:text/html,x", "ftp://x", "", None, "https://partnergraph.org/id/a b"):
        assert entity_href(bad) is None, bad
    assert entity_href("JAVASCRIPT:alert(1)") is None


def test_history_lists_the_changes_that_touched_the_entity(tmp_path) -> None:
    from server import create_app
    from tests.conftest import DATA
    from web.update import get_writer

    app = create_app({"STORE": "memory:", "LOAD_SHIPPED": False, "TESTING": True, "WRITE_TOKENS": "office:" + "t" * 20})
    app.extensions["kg"].store.add_data((DATA / "network.trig").read_bytes(), "trig")
    client = app.test_client()
    assert "No recorded change touched it" in client.get("/id/region/vn/hanoi").get_data(as_text=True)
    with app.app_context():
        get_writer().update(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> INSERT DATA { GRAPH "
            "<https://partnergraph.org/id/source/net-one> { <https://partnergraph.org/id/region/vn/hanoi> "
            'skos:altLabel "Hà Nội <b>" } }',
            "office",
            "the Vietnamese spelling",
        )
    page = client.get("/id/region/vn/hanoi").get_data(as_text=True)
    history = page[page.index('id="history"') :]
    assert "office" in history and "the Vietnamese spelling" in history
    assert "also known as" in history and "“Hà Nội &lt;b&gt;”" in history
    assert ">Network source one</a>" in history and 'class="added"' in history
    assert "No recorded change touched it" in client.get("/id/region/kr").get_data(as_text=True)


def test_a_quoted_row_is_read_as_the_table_wrote_it() -> None:
    from graph.labels import local_words, table_row

    assert table_row('"Varna, Bulgaria",,Berat,Albania', "city1,country1,city2,country2") == [
        {"column": "city1", "value": "Varna, Bulgaria"},
        {"column": "country1", "value": ""},
        {"column": "city2", "value": "Berat"},
        {"column": "country2", "value": "Albania"},
    ]
    assert table_row("Kyiv\tUkraine", "city\tcountry")[1] == {"column": "country", "value": "Ukraine"}
    assert table_row("Paris,France", None) == [  # a table imported before headers were kept
        {"column": "column 1", "value": "Paris"},
        {"column": "column 2", "value": "France"},
    ]
    assert local_words("https://partnergraph.org/ontology#signedDate") == "signed date"
