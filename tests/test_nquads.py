"""Statements written as N-Quads text (graph/nquads.py): the same terms the engine would build, whatever the
values hold, and an import gives the same quads whether its text is loaded on disk or parsed in memory."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import KnowledgeGraph, gazetteer
from graph import nquads as nq
from graph.store import OxigraphStore, StoreError
from graph.tabular import Mapping, check_quads, check_statements, import_table

G, S, P = "https://example.org/g", "https://example.org/s", "https://example.org/p"
XSD = "http://www.w3.org/2001/XMLSchema#"
HOSTILE = ['say "hi"', "back\\slash", "two\nlines", "carriage\rreturn", "tab\there", "수원시", "", "\\n, not a newline"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_literal_written_as_text_is_the_literal_the_engine_builds(value):
    out = nq.NQuads()
    out.text(S, P, value, G)
    out.text(S, P, value, G, language="ko")
    out.text(S, P, value, G, datatype=XSD + "token")
    g, s, p = ox.NamedNode(G), ox.NamedNode(S), ox.NamedNode(P)
    assert out.as_quads() == [
        ox.Quad(s, p, ox.Literal(value), g),
        ox.Quad(s, p, ox.Literal(value, language="ko"), g),
        ox.Quad(s, p, ox.Literal(value, datatype=ox.NamedNode(XSD + "token")), g),
    ]


def test_decimals_terms_and_language_tags():
    out = nq.NQuads()
    out.raw(S, P, nq.decimal(37.291111), G)
    out.raw(S, P, nq.term(ox.Literal("2014", datatype=ox.NamedNode(XSD + "gYear"))), G)
    assert [q.object for q in out.as_quads()] == [
        ox.Literal("37.29111", datatype=ox.NamedNode(XSD + "decimal")),
        ox.Literal("2014", datatype=ox.NamedNode(XSD + "gYear")),
    ]
    assert (nq.language_tag("pt-BR"), nq.language_tag("pt_BR"), nq.language_tag("")) == ("pt-br", "", "")


def test_an_iri_from_outside_is_checked_before_it_is_written():
    assert nq.checked_iri("https://example.org/kind/x") == "https://example.org/kind/x"
    with pytest.raises(ValueError):
        nq.checked_iri("https://example.org/a kind")  # the bulk loader would not have caught it


def test_watched_statements_are_kept_as_strings_in_order():
    out = nq.NQuads(watched=[P])
    out.iri(S, P, "https://example.org/o", G)
    out.text(S, "https://example.org/other", "not watched", G)
    out.text(S, P, 'a "label"', G)
    out.quads([ox.Quad(ox.NamedNode(S), ox.NamedNode(P), ox.Literal("from a quad"), ox.NamedNode(G))])
    assert out.seen == [(S, P, "https://example.org/o"), (S, P, 'a "label"'), (S, P, "from a quad")]
    assert len(out) == 4


def test_the_shape_checks_read_strings_as_they_read_quads():
    kp = "https://partnergraph.org/ontology#"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    tie = "https://partnergraph.org/id/partnership/t"
    statements = [(tie, rdf_type, kp + "Partnership"), (tie, kp + "party", "https://partnergraph.org/id/a")]
    quads = [ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.NamedNode(G)) for s, p, o in statements]
    expected = [
        f"{tie}: a tie with fewer than two parties",
        f"{tie}: an entity without exactly one rdfs:label",
        f"{tie}: a node without evidence",
    ]
    assert check_statements(statements) == check_quads(quads) == expected


def test_a_failed_load_of_text_leaves_the_store_unchanged(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    with pytest.raises(StoreError, match="breaks"), store.bulk_session() as load:
        out = nq.NQuads()
        out.text(S, P, "never written", G)
        load.add_nquads(out.data())
        load.start()
        raise StoreError("the built data breaks the shapes")
    assert len(store.native) == 0
    with store.bulk_session() as load:
        load.add_nquads(out.data())
    assert load.added == 1
    store.close()


TABLE = """city1,country1,city2,country2,date,note
Suwon,South Korea,Cluj-Napoca,Romania,2002,"a ""quoted"" note"
수원시,대한민국,Freiburg im Breisgau,Germany,2015-05-03,"two
lines, and a back\\slash"
München,Deutschland,Praha,Czechia,1990.04,
Saint-Denis,France,Pasadena,,,
"""
MAP = Mapping.from_pairs(
    ["city1=party1.name", "country1=party1.country", "city2=party2.name", "country2=party2.country", "date=date"]
)


def test_an_import_gives_the_same_quads_on_disk_as_in_memory(tmp_path: Path):
    """On disk the text goes to the engine's bulk loader as it is; in memory it is parsed and written: the
    same statements either way, the table's rows quoted verbatim whatever they hold."""
    gazetteer.get()
    table = tmp_path / "ties.csv"
    table.write_text(TABLE, encoding="utf-8")
    reports, contents = [], []
    for url in (f"oxigraph:{tmp_path / 'store'}", "memory:"):
        kg = KnowledgeGraph.open(url)
        before = set(kg.store.native)
        reports.append(import_table(kg.store, table, MAP))
        contents.append(set(kg.store.native) - before)
    (disk, memory), (on_disk, in_memory) = reports, contents
    assert on_disk == in_memory
    assert disk.added == memory.added == len(on_disk) > 100  # the gazetteer's names of each place, among others
    quoted = {q.object.value for q in on_disk if q.predicate.value == "http://www.w3.org/ns/prov#value"}
    assert 'Suwon,South Korea,Cluj-Napoca,Romania,2002,"a ""quoted"" note"' in quoted
    assert '수원시,대한민국,Freiburg im Breisgau,Germany,2015-05-03,"two\nlines, and a back\\slash"' in quoted


def test_an_import_pauses_the_cycle_collector_and_leaves_it_as_it_was(tmp_path: Path):
    import gc

    table = tmp_path / "ties.csv"
    table.write_text("city1,country1,city2,country2,date\nBerat,Albania,Amasya,Turkey,2001\n", encoding="utf-8")
    seen = []
    kg = KnowledgeGraph.open("memory:")
    real = kg.store.bulk_session
    kg.store.bulk_session = lambda: seen.append(gc.isenabled()) or real()  # type: ignore[method-assign]
    assert gc.isenabled()
    import_table(kg.store, table, MAP, gazetteer=False)
    gc.disable()
    try:
        import_table(kg.store, table, MAP, gazetteer=False)
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False, False]  # paused while the statements were built and loaded
    assert gc.isenabled()
