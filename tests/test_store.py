"""The store contract: every backend (memory, on-disk, remote SPARQL endpoint) behaves the same."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.store import DataSyntaxError, QuerySyntaxError, StoreError, open_store
from tests.conftest import MINI

KP = "https://partnergraph.org/ontology#"
ID = "https://partnergraph.org/id/"
PREFIX = f"PREFIX kp: <{KP}> PREFIX id: <{ID}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def load_mini(store) -> int:
    return store.add_data(MINI.read_bytes(), "trig")


def test_a_new_store_is_empty(store):
    assert store.is_empty()
    assert store.count() == 0
    assert store.graphs() == []


def test_loading_trig_keeps_one_named_graph_per_source(store):
    added = load_mini(store)
    assert added == 45  # 26 statements from source A, 19 from source B
    assert store.graphs() == [ID + "source/mini-a", ID + "source/mini-b"]
    assert store.quad_count() == 45


def test_the_default_graph_is_the_union_of_the_sources(store):
    load_mini(store)
    result = store.select(PREFIX + "SELECT ?label WHERE { ?t a kp:Agreement ; rdfs:label ?label } ORDER BY ?label")
    assert [row[0] for row in result] == [Literal("North–East MOU"), Literal("North–South sisterhood")]
    # "North Province is a Province" is said by both sources: one distinct triple, two statements.
    assert store.count() == store.quad_count() - 2


def test_terms_come_back_typed(store):
    load_mini(store)
    result = store.select(PREFIX + "SELECT ?t ?d WHERE { ?t kp:signedDate ?d } ORDER BY ?d")
    assert result.variables == ["t", "d"]
    assert result.rows[0] == (URIRef(ID + "agreement/north-south"), Literal("2001-04", datatype=XSD.gYearMonth))
    assert result.rows[1][1] == Literal("2014-09-03", datatype=XSD.date)
    assert result.dicts()[1]["t"] == URIRef(ID + "agreement/north-east")


def test_select_values_gives_plain_strings_and_none_for_unbound(store):
    load_mini(store)
    rows = sorted(
        store.select_values(
            PREFIX + "SELECT DISTINCT ?x ?iso WHERE { ?x a kp:Province OPTIONAL { ?x kp:isoCode ?iso } }"
        )
    )
    assert rows == [(ID + "region/xa/north", None), (ID + "region/xb/south", None)]


def test_ask_and_construct(store):
    load_mini(store)
    # Full IRIs: Virtuoso does not take the escaped prefixed names of SPARQL 1.1 (id:agreement\\/north-south).
    assert store.ask(PREFIX + f"ASK {{ <{ID}agreement/north-south> kp:party <{ID}region/xb/south> }}")
    assert not store.ask(PREFIX + f"ASK {{ <{ID}agreement/north-east> kp:party <{ID}region/xb/south> }}")
    graph = store.construct(PREFIX + "CONSTRUCT { ?a kp:party ?p } WHERE { ?a kp:party ?p }")
    assert len(graph) == 4


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_the_engine_serialises_results(store, fmt):
    load_mini(store)
    body, media = store.query_serialized(PREFIX + f"SELECT ?l WHERE {{ <{ID}org/east-university> rdfs:label ?l }}", fmt)
    assert "East University" in body.decode("utf-8")
    assert media.startswith(("application/sparql-results", "text/"))
    if fmt == "json":
        assert json.loads(body)["results"]["bindings"][0]["l"]["value"] == "East University"


def test_construct_serialises_as_rdf(store):
    load_mini(store)
    body, media = store.query_serialized(PREFIX + "CONSTRUCT { ?a kp:party ?p } WHERE { ?a kp:party ?p }", "nt")
    assert media == "application/n-triples"
    assert body.decode().count("\n") == 4


def test_update_applies(store):
    load_mini(store)
    store.update(PREFIX + f"DELETE WHERE {{ GRAPH ?g {{ <{ID}org/east-university> rdfs:label ?l }} }}")
    assert not store.ask(PREFIX + f"ASK {{ <{ID}org/east-university> rdfs:label ?l }}")


def test_bad_data_writes_nothing_and_says_where(store):
    load_mini(store)
    before = store.quad_count()
    bad = b'<http://a/s> <http://a/p> <http://a/o> .\n<http://a/s> <http://a/p> "unterminated .\n'
    with pytest.raises(DataSyntaxError, match=r"line 2"):
        store.add_data(bad, "nt", graph="http://a/g")
    assert store.quad_count() == before
    assert "http://a/g" not in store.graphs()


def test_a_query_syntax_error_says_where(store):
    # Virtuoso names the line only; Oxigraph the line and the column.
    where = r"line 1\b" if store.capabilities.engine == "virtuoso" else r"line 1, column \d+"
    with pytest.raises(QuerySyntaxError, match=where):
        store.select("SELECT ?x WHERE { ?x ?y }")


def test_dropping_a_graph_removes_only_its_statements(store):
    load_mini(store)
    store.drop_graph(ID + "source/mini-b")
    assert store.graphs() == [ID + "source/mini-a"]
    assert store.ask(PREFIX + 'ASK { ?x rdfs:label "North Province" }')
    assert not store.ask(PREFIX + 'ASK { ?x rdfs:label "East University" }')


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_dumping_quads_round_trips(store, fmt):
    load_mini(store)
    copy = open_store("memory:")
    copy.add_data(store.dump(fmt), fmt)
    assert copy.graphs() == store.graphs()
    assert copy.quad_count() == store.quad_count()


def test_the_on_disk_store_survives_a_restart(tmp_path):
    path = tmp_path / "kept"
    first = open_store(f"oxigraph:{path}")
    load_mini(first)
    first.close()
    again = open_store(f"oxigraph:{path}")
    assert again.quad_count() == 45
    again.close()


class _NoCounting:
    """The engine, except that counting every quad fails the test."""

    def __init__(self, engine):
        self._engine = engine

    def __len__(self):
        raise AssertionError("the store counted every quad")

    def query(self, sparql, *args, **kwargs):
        from graph.store import store_query

        if sparql == store_query("every-quad-count"):  # the count the store makes (by a query: no stall)
            raise AssertionError("the store counted every quad")
        return self._engine.query(sparql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._engine, name)


def test_a_restart_on_unchanged_files_reads_the_count_kept_beside_the_store(tmp_path):
    from graph.store import OxigraphStore
    from graph.store_count import count_file

    path = tmp_path / "kept"
    first = open_store(f"oxigraph:{path}")
    load_mini(first)
    first.close()
    # Read-only sessions: the engine compacts nothing, so the files stay exactly as they are.
    counting = OxigraphStore(path, read_only=True)
    assert counting.quad_count() == 45  # counted once, kept beside the store
    assert json.loads(count_file(path).read_text())["quads"] == 45
    counting.close()
    again = OxigraphStore(path, read_only=True)
    again._store = _NoCounting(again._store)
    assert again.quad_count() == 45
    again._store = again._store._engine
    again.close()


def test_a_change_by_another_process_is_counted_afresh(tmp_path):
    path = tmp_path / "kept"
    first = open_store(f"oxigraph:{path}")
    load_mini(first)
    assert first.quad_count() == 45
    first.close()
    other = open_store(f"oxigraph:{path}")  # what a command line import does while the app is down
    other.update(PREFIX + "INSERT DATA { GRAPH id:g { id:a rdfs:label 'A' . id:b rdfs:label 'B' } }")
    other._store = _NoCounting(other._store)
    with pytest.raises(AssertionError, match="counted every quad"):  # its own write: the count is not reused
        other.quad_count()
    other._store = other._store._engine
    other.close()
    again = open_store(f"oxigraph:{path}")
    assert again.quad_count() == 47
    again.update(PREFIX + "DELETE DATA { GRAPH id:g { id:a rdfs:label 'A' } }")
    assert again.quad_count() == 46  # a write of this process too
    again.close()
    assert open_store(f"oxigraph:{path}").quad_count() == 46


def test_a_damaged_count_file_is_counted_again(tmp_path):
    from graph.store import OxigraphStore
    from graph.store_count import count_file

    path = tmp_path / "kept"
    first = open_store(f"oxigraph:{path}")
    load_mini(first)
    first.close()
    count_file(path).write_text("{not json")
    again = OxigraphStore(path, read_only=True)  # nothing compacted meanwhile: the new count is kept
    assert again.quad_count() == 45
    assert json.loads(count_file(path).read_text())["quads"] == 45
    again.close()


def test_an_unknown_setting_is_refused():
    with pytest.raises(StoreError, match="unknown store setting"):
        open_store("mongodb://localhost")


def test_an_unreachable_endpoint_is_a_clear_error():
    from tests.conftest import free_port

    remote = open_store(f"sparql:http://127.0.0.1:{free_port()}/query")
    with pytest.raises(StoreError, match="cannot reach"):
        remote.ask("ASK {}")


def test_every_write_bumps_the_generation_of_an_embedded_store():
    store = open_store("memory:")
    seen = [store.generation]
    load_mini(store)
    seen.append(store.generation)
    store.update(PREFIX + "INSERT DATA { GRAPH id:g { id:a rdfs:label 'A' } }")
    seen.append(store.generation)
    store.drop_graph(ID + "g")
    seen.append(store.generation)
    store.select(PREFIX + "SELECT * WHERE { ?s ?p ?o } LIMIT 1")  # reads do not
    seen.append(store.generation)
    assert seen == [0, 1, 2, 3, 3]
    assert open_store("sparql:http://127.0.0.1:9/query").generation is None  # others may write there


# -- the seam callers use instead of branching on the backend ----------------------------------------------

NORTH = ox.NamedNode(ID + "region/xa/north")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
GRAPH_A = ox.NamedNode(ID + "source/mini-a")


def test_quads_by_pattern(store):
    load_mini(store)
    about_north = list(store.quads(NORTH))
    assert about_north and all(q.subject == NORTH for q in about_north)
    assert {q.graph_name for q in about_north} == {GRAPH_A, ox.NamedNode(ID + "source/mini-b")}
    labels = list(store.quads(NORTH, LABEL, None, GRAPH_A))
    assert [q.object for q in labels] == [ox.Literal("North Province")]
    assert len(list(store.quads(graph=GRAPH_A))) == 26
    assert len(list(store.quads())) == 45
    assert list(store.quads(ox.NamedNode(ID + "nothing"))) == []


def test_present_tells_which_quads_are_there(store):
    load_mini(store)
    there = ox.Quad(NORTH, LABEL, ox.Literal("North Province"), GRAPH_A)
    absent = ox.Quad(NORTH, LABEL, ox.Literal("North Province"), ox.NamedNode(ID + "source/other"))
    assert store.present([there, absent]) == {there}


def test_write_removes_drops_and_adds(store):
    load_mini(store)
    old = ox.Quad(NORTH, LABEL, ox.Literal("North Province"), GRAPH_A)
    new = ox.Quad(NORTH, LABEL, ox.Literal("Northern Province", language="en"), GRAPH_A)
    store.write([new], [old], drop_graphs=[ID + "source/mini-b"])
    assert store.present([old, new]) == {new}
    assert store.graphs() == [ID + "source/mini-a"]


def test_values_are_bound_never_spliced(store):
    load_mini(store)
    # DISTINCT: Virtuoso's union default graph repeats a triple once per graph that states it (Oxigraph's does not).
    query = "SELECT DISTINCT ?l WHERE { $x <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    assert [r[0] for r in store.select_values(query, {"x": URIRef(ID + "region/xa/north")})] == ["North Province"]
    both = store.select_values(query + " ORDER BY ?l", {"x": [NORTH, ox.NamedNode(ID + "org/east-university")]})
    assert [r[0] for r in both] == ["East University", "North Province"]
    rows = store.select("SELECT ?x WHERE { ?x ?p ?l }", {("p", "l"): [(LABEL, Literal("East University"))]})
    assert rows.rows == [(URIRef(ID + "org/east-university"),)]
    with pytest.raises(StoreError, match="not an IRI|not a valid"):
        list(store.select_values(query, {"x": URIRef("http://x/> } ; DROP ALL ; <http://x/")}))
    assert store.quad_count() == 45


def test_literals_with_tabs_newlines_and_quotes_round_trip(store):
    text = 'a\ttab, a "quote",\na new line and a backslash \\'
    store.write([ox.Quad(NORTH, LABEL, ox.Literal(text), GRAPH_A)])
    assert list(store.select_values("SELECT ?l WHERE { ?x ?p ?l }")) == [(text,)]
    assert store.select("SELECT ?l WHERE { ?x ?p ?l }").rows == [(Literal(text),)]
    body, _ = store.query_serialized("SELECT ?l WHERE { ?x ?p ?l }", "json")
    assert json.loads(body)["results"]["bindings"][0]["l"]["value"] == text


def test_a_large_write_arrives_whole(store):
    quads = [
        ox.Quad(ox.NamedNode(f"{ID}thing/{i}"), LABEL, ox.Literal(f"thing number {i}"), GRAPH_A) for i in range(2500)
    ]
    store.write(quads)
    assert store.quad_count() == 2500
    store.remove_quads(quads[:1200])
    assert store.quad_count() == 1300


def test_bulk_load_and_version(store, tmp_path):
    path = tmp_path / "data.nq"
    path.write_bytes(open_store("memory:").dump("nquads") or b"")
    copy = open_store("memory:")
    copy.add_data(MINI.read_bytes(), "trig")
    path.write_bytes(copy.dump("nquads"))
    before = store.version()
    assert store.bulk_load(path) == 45
    assert store.version() != before
    assert store.graphs() == [ID + "source/mini-a", ID + "source/mini-b"]


def test_blank_nodes_come_back_as_valid_blank_nodes(store):
    store.add_data(b'<http://a/s> <http://a/p> _:x .\n_:x <http://a/q> "b" .\n', "nt", graph=ID + "source/bn")
    objects = [q.object for q in store.quads(ox.NamedNode("http://a/s"))]
    assert len(objects) == 1 and isinstance(objects[0], ox.BlankNode)
    copy = open_store("memory:")
    copy.add_data(store.dump("nquads"), "nquads")  # the engine's identifiers parse as blank nodes
    assert copy.quad_count() == 2


def test_capabilities_say_what_the_backend_can_do(store):
    caps = store.capabilities
    assert caps.embedded == (store.generation is not None) == caps.tracks_writes
    assert caps.engine in ("oxigraph", "oxigraph-server", "virtuoso")
    assert not set(caps.hidden_graphs) & set(store.graphs())
    # Whole reads: the embedded engine's scan, the Oxigraph server's dataset in one response, CONSTRUCT elsewhere.
    assert caps.whole_reads == {"oxigraph": "engine", "oxigraph-server": "graph-store"}.get(caps.engine, "construct")
    # Only Virtuoso needs large writes staged: the others take any write in one request, one transaction.
    assert caps.staged_writes == (caps.engine == "virtuoso") == (caps.atomic_write_quads is not None)


def test_whole_reads_give_every_statement_as_it_is(store):
    """Reading the whole store (or one graph) takes the engine's fast way (one response of N-Quads, or a CONSTRUCT
    per graph answered as N-Triples) and gives exactly what a pattern read gives: types, languages, odd text."""
    load_mini(store)
    odd = [
        ox.Quad(NORTH, LABEL, ox.Literal('tab\there, "quotes",\nnew line, é 漢字 \\'), GRAPH_A),
        ox.Quad(NORTH, LABEL, ox.Literal("Nord", language="fr"), GRAPH_A),
        ox.Quad(NORTH, ox.NamedNode(KP + "population"), ox.Literal("12", datatype=ox.NamedNode(XSD.integer)), GRAPH_A),
    ]
    store.write(odd)
    everything = set(store.quads())
    assert len(everything) == 48 and set(odd) <= everything
    by_pattern = {q for s in {q.subject for q in everything} for q in store.quads(s)}
    assert everything == by_pattern
    assert set(store.quads(graph=GRAPH_A)) == {q for q in everything if q.graph_name == GRAPH_A}
    copy = open_store("memory:")
    copy.add_data(store.dump("nquads"), "nquads")
    assert set(copy.quads()) == everything
    union = open_store("memory:")
    union.add_data(store.dump("nt"), "nt", graph=ID + "source/union")
    assert union.quad_count() == store.count()  # a statement two sources make is one triple of the union
