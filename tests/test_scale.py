"""The generator and the on-disk store at scale: deterministic, power-law, in the model; restarts reuse the store."""

from __future__ import annotations

import io
import statistics
from collections import Counter

import pyoxigraph as ox
import pytest

from graph import KnowledgeGraph, open_store
from graph.generate import bulk_load, generate, generate_file

KP = "https://partnergraph.org/ontology#"


def generated(agreements: int, seed: int = 42) -> tuple[str, object]:
    buffer = io.StringIO()
    sizes = generate(agreements, buffer, seed)
    return buffer.getvalue(), sizes


def test_the_generator_is_deterministic_and_counts_what_it_writes():
    text, sizes = generated(400)
    again, _ = generated(400)
    other, _ = generated(400, seed=7)
    assert text == again and text != other
    quads = list(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == sizes.quads
    types = Counter(q.object.value.rsplit("#", 1)[-1] for q in quads if q.predicate.value.endswith("#type"))
    assert types["Agreement"] + types["Partnership"] == 400
    assert types["Country"] == 249  # every ISO 3166-1 country
    assert types["TrainingProgram"] + types["ExchangeProgram"] + types["MedicalAidProject"] == sizes.programs == 20
    assert len({q.graph_name.value for q in quads}) == sizes.sources == 1


def test_degrees_follow_a_heavy_tail():
    text, _ = generated(3000)
    quads = ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS)
    degree = Counter(q.object.value for q in quads if q.predicate.value == KP + "party")
    values = sorted(degree.values())
    assert values[-1] > 20 * statistics.median(values)


def test_about_fourteen_statements_per_agreement():
    _, sizes = generated(5000)
    assert 13 <= sizes.quads / 5000 <= 15.5


def test_generated_data_satisfies_the_shapes():
    kg = KnowledgeGraph.open("memory:")
    text, _ = generated(120)
    quads = list(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS))
    report = kg.validate_quads(quads)
    assert report.conforms, report.text()


def test_bulk_load_then_restart_reuses_the_store(tmp_path, monkeypatch):
    path = tmp_path / "g.nq"
    sizes = generate_file(200, path)
    url = f"oxigraph:{tmp_path / 'store'}"
    kg = KnowledgeGraph.open(url)
    total = bulk_load(kg.store, path)
    assert total >= sizes.quads
    kg.store.close()
    # On restart the shipped data is recognised by its version marker: nothing is parsed or validated again.
    import graph.knowledge as knowledge

    def refuse(*args, **kwargs):
        raise AssertionError("the shipped files were parsed again on restart")

    monkeypatch.setattr(knowledge, "parse_rdf", refuse)
    again = KnowledgeGraph.open(url)
    assert again.store.quad_count() == total
    rows = list(again.store.select_values(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?t <{KP}party> ?p }}"))
    assert int(rows[0][0]) >= 400
    again.store.close()


@pytest.mark.remote
def test_bulk_load_into_a_remote_engine_in_chunks(sparql_server, tmp_path):
    path = tmp_path / "g.nq"
    sizes = generate_file(50, path)
    store = open_store(f"sparql:{sparql_server}/query|{sparql_server}/update")
    store.update("DROP ALL")
    assert bulk_load(store, path) == sizes.quads
    store.close()


def test_the_query_page_links_a_guide_to_writing_fast_queries():
    from tests.conftest import network_app
    from web.guides import render_markdown

    client = network_app().test_client()
    assert 'href="/query/fast"' in client.get("/query").get_data(as_text=True)
    page = client.get("/query/fast")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Writing fast queries</h1>" in text
    assert "<pre><code>SELECT ?country ?year" in text and "28.5 s" in text  # the slow shape, with its measure
    assert "<code>/api/search?q=san</code>" in text
    # The guide's Markdown is escaped: markup in it is shown, never run.
    html = render_markdown('# A <b>\n\n- item `<script>`\n  continued\n\n```\n"<i>"\n```\ntext & more')
    assert html == (
        "<h1>A &lt;b&gt;</h1>\n<ul><li>item <code>&lt;script&gt;</code> continued</li></ul>\n"
        "<pre><code>&#34;&lt;i&gt;&#34;</code></pre>\n<p>text &amp; more</p>"
    )
