"""The KnowledgeGraph: loading the shipped data once, validating imports, statistics."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import KnowledgeGraph, ValidationError, open_store
from graph.knowledge import shipped_files

BROKEN = """
PREFIX kp: <https://partnergraph.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX kind: <https://partnergraph.org/vocab/tie-kind/>
<https://partnergraph.org/id/agreement/lonely> a kp:Agreement ;
    rdfs:label "An agreement with one party" ;
    kp:party <https://partnergraph.org/id/region/kr/gyeonggi-province> ;
    kp:tieKind kind:mou ;
    kp:signedDate "last spring" .
"""


def test_the_shipped_data_satisfies_the_shapes(shipped):
    report = shipped.validate()
    assert report.conforms, report.text()


def test_the_shipped_data_has_one_graph_per_source_and_the_ontology(shipped):
    graphs = shipped.store.graphs()
    sources = [g for g in graphs if g.startswith("https://partnergraph.org/id/source/")]
    gazetteer = "https://partnergraph.org/id/source/geonames"  # the curated places' reconciliation (GeoNames)
    assert len(sources) == 6 and gazetteer in sources  # the five seed documents and the gazetteer
    assert "https://partnergraph.org/ontology" in graphs


def test_an_on_disk_store_loads_the_shipped_data_once(tmp_path: Path):
    url = f"oxigraph:{tmp_path / 'store'}"
    first = KnowledgeGraph.open(url, load_shipped=False)
    assert first.load_shipped() is True
    count = first.store.quad_count()
    first.store.close()
    again = KnowledgeGraph.open(url, load_shipped=False)
    assert again.load_shipped() is False  # same version: nothing parsed, nothing written
    assert again.store.quad_count() == count
    assert again.load_shipped(force=True) is True
    assert again.store.quad_count() == count  # replaced, not doubled
    again.store.close()


def test_an_import_that_breaks_the_shapes_is_refused_whole(tmp_path: Path):
    kg = KnowledgeGraph.open("memory:")
    before = kg.store.quad_count()
    bad = tmp_path / "lonely.ttl"
    bad.write_text(BROKEN, "utf-8")
    with pytest.raises(ValidationError) as caught:
        kg.import_file(bad)
    violations = "\n".join(caught.value.report.violations)
    assert "agreement/lonely" in violations
    assert "kp#party" in violations or "party" in violations
    assert "signedDate" in violations
    assert "evidence" in violations
    assert kg.store.quad_count() == before


def test_an_import_may_point_at_entities_the_store_already_has(tmp_path: Path):
    kg = KnowledgeGraph.open("memory:")
    good = tmp_path / "more.trig"
    good.write_text(
        """
PREFIX kp: <https://partnergraph.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kind: <https://partnergraph.org/vocab/tie-kind/>
PREFIX id: <https://partnergraph.org/id/>
id:source\\/test-note {
  id:source\\/test-note a kp:SourceDocument ; dcterms:title "A test note" ; rdfs:label "A test note" .
  id:agreement\\/gyeonggi-suwon-test a kp:Agreement ; rdfs:label "Gyeonggi – Suwon test MOU" ;
    kp:party id:region\\/kr\\/gyeonggi-province , id:region\\/kr\\/suwon ; kp:tieKind kind:mou ;
    kp:evidence id:evidence\\/test-note\\/1 .
  id:evidence\\/test-note\\/1 a kp:Evidence ; prov:value "Gyeonggi and Suwon signed a test MOU" ;
    prov:wasQuotedFrom id:source\\/test-note .
}
""",
        "utf-8",
    )
    added = kg.import_file(good)
    assert added == 12  # 3 about the note, 6 about the agreement, 3 about the quote
    assert "https://partnergraph.org/id/source/test-note" in kg.store.graphs()


def test_stats_count_by_class_and_source(shipped):
    stats = shipped.stats()
    assert stats["by_class"]["https://partnergraph.org/ontology#TrainingCourse"] == 19
    assert stats["by_class"]["https://partnergraph.org/ontology#SourceDocument"] == 6  # five seeds and GeoNames
    assert stats["triples"] == sum(s["triples"] for s in stats["by_source"].values())
    assert stats["distinct_triples"] < stats["triples"]  # entities restated by several sources


def test_the_shipped_files_are_the_ontology_and_the_seed_graphs():
    names = [p.name for p in shipped_files()]
    assert names[:2] == ["partnergraph.ttl", "vocabularies.ttl"]
    assert sum(name.endswith(".trig") for name in names) == 6  # five seed graphs and data/geonames-places.trig


def test_shipped_data_that_breaks_the_shapes_stops_the_start(tmp_path: Path, monkeypatch):
    import graph.knowledge as knowledge

    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "bad.trig").write_text(
        "PREFIX kp: <https://partnergraph.org/ontology#>\n"
        "<https://partnergraph.org/id/source/bad> { <https://partnergraph.org/id/agreement/x> a kp:Agreement . }\n",
        "utf-8",
    )
    monkeypatch.setattr(knowledge, "DATA_DIR", tmp_path)
    kg = KnowledgeGraph.open("memory:", load_shipped=False)
    with pytest.raises(ValidationError, match="the shipped ontology and data breaks the shapes"):
        kg.load_shipped()
    assert kg.store.is_empty()


def test_a_remote_engine_holds_the_same_graph(sparql_server, shipped):
    url = f"sparql:{sparql_server}/query|{sparql_server}/update"
    KnowledgeGraph(open_store(url)).store.update("DROP ALL")
    remote = KnowledgeGraph.open(url)
    assert remote.stats()["by_source"] == shipped.stats()["by_source"]
    assert remote.validate().conforms
    assert len(remote.run_named("training-courses")) == 19
    assert KnowledgeGraph.open(url).load_shipped() is False  # already there: nothing sent again
