"""A remote engine that cuts results at a row cap (Virtuoso's ResultSetMaxRows; Debian ships 10,000): the store
pages ordered reads past the cap and refuses, loudly, a result it cannot complete. Never a silent truncation."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.store import ResultCapError, open_store
from tests.conftest import running_virtuoso

pytestmark = pytest.mark.remote
CAP = 50
ID = "https://partnergraph.org/id/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    """A Virtuoso that gives at most 50 rows per result, holding 120 labels."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso-capped"), row_cap=CAP) as endpoint:
        store = open_store(f"sparql:{endpoint}")
        graph = ox.NamedNode(ID + "source/many")
        store.write(
            ox.Quad(ox.NamedNode(f"{ID}thing/{i:03d}"), LABEL, ox.Literal(f"thing {i}"), graph) for i in range(120)
        )
        yield store
        store.close()


def test_the_store_knows_the_engines_cap(capped):
    assert capped.capabilities.engine == "virtuoso"
    assert capped.capabilities.row_cap == CAP


def test_an_ordered_read_is_paged_past_the_cap(capped):
    rows = list(capped.select_values("SELECT ?x ?l WHERE { ?x ?p ?l } ORDER BY ?x"))
    assert len(rows) == 120
    assert rows[0] == (f"{ID}thing/000", "thing 0") and rows[-1] == (f"{ID}thing/119", "thing 119")
    assert len(list(capped.quads())) == 120
    assert capped.dump("nquads").count(b"\n") == 120


def test_a_read_that_cannot_be_paged_fails_loudly(capped):
    with pytest.raises(ResultCapError, match="cap of 50 rows"):
        capped.select("SELECT ?x ?l WHERE { ?x ?p ?l }")
    with pytest.raises(ResultCapError, match="cap"):
        capped.construct("CONSTRUCT { ?x ?p ?l } WHERE { ?x ?p ?l }")
    with pytest.raises(ResultCapError, match="cap"):
        capped.query_serialized("SELECT ?x WHERE { ?x ?p ?l }", "json")


def test_a_result_under_the_cap_is_whole(capped):
    assert len(capped.select("SELECT ?x WHERE { ?x ?p ?l } LIMIT 49")) == 49
    assert capped.quad_count() == 120
