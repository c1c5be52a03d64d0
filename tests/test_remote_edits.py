"""Edits and read-only commands on both remote engines (Oxigraph server, Virtuoso): an edit reads only the quads it
can touch and is recorded and reverted as on the embedded store; a command that only reads writes nothing."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph import KnowledgeGraph, open_store
from graph.changes import Writer
from graph.cli import cli
from graph.knowledge import META_GRAPH
from tests.conftest import MINI, remote_store_url

pytestmark = pytest.mark.remote
ID = "https://partnergraph.org/id/"
RENAME = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
DELETE { GRAPH ?g { <https://partnergraph.org/id/org/east-university> rdfs:label ?l } }
INSERT { GRAPH ?g { <https://partnergraph.org/id/org/east-university> rdfs:label "Eastern University" } }
WHERE { GRAPH ?g { <https://partnergraph.org/id/org/east-university> rdfs:label ?l } }"""


@pytest.fixture(params=["oxigraph-server", "virtuoso"])
def remote_kg(request):
    """A remote engine holding mini.trig and 3,000 statements no edit below has to do with."""
    store = open_store(remote_store_url(request, request.param))
    store.add_data(MINI.read_bytes(), "trig")
    filler = ox.NamedNode(ID + "source/filler")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.write(ox.Quad(ox.NamedNode(f"{ID}thing/{i}"), label, ox.Literal(f"thing {i}"), filler) for i in range(3000))
    yield KnowledgeGraph(store)
    store.close()


def count_reads(store) -> list[int]:
    """Count the quads read through ``store.quads`` from now on."""
    read = [0]
    original = store.quads

    def counting(*pattern, **named):
        for quad in original(*pattern, **named):
            read[0] += 1
            yield quad

    store.quads = counting
    return read


def test_an_edit_reads_only_what_it_touches_and_can_be_reverted(remote_kg):
    store = remote_kg.store
    read = count_reads(store)
    writer = Writer(remote_kg, shapes=None)
    change = writer.update(RENAME, "alice", "the university's own spelling")
    assert read[0] < 20, read[0]  # the two labels it rewrites and little else, of 3,045 statements
    assert len(change.added) == len(change.removed) == 1
    assert change.removed[0].object == ox.Literal("East University")
    query = "SELECT DISTINCT ?l WHERE { $x ?p ?l FILTER(isLiteral(?l)) }"
    labels = store.select_values(query, {"x": ox.NamedNode(ID + "org/east-university")})
    assert sorted(labels) == [("Eastern University",)]
    assert [c.iri for c in writer.changes(agent="alice")] == [change.iri]
    undo = writer.revert(change.iri, "bob")
    assert undo.reverts == change.iri
    assert store.present(change.removed) == set(change.removed)
    assert store.present(change.added) == set()
    assert [c.agent for c in writer.changes(limit=5)] == ["bob", "alice"]


def test_a_command_that_only_reads_writes_nothing_to_a_remote_store(remote_kg):
    store = remote_kg.store
    marker = ox.Quad(
        ox.NamedNode(META_GRAPH),
        ox.NamedNode("https://partnergraph.org/ontology#shippedDataHash"),
        ox.Literal("an-older-version"),
        ox.NamedNode(META_GRAPH),
    )
    store.write([marker])
    before = store.quads_per_graph()
    result = CliRunner().invoke(cli, ["stats", "--json", "--store", store.url], obj={})
    assert result.exit_code == 0, result.output
    assert "older version of the shipped data" in result.stderr
    assert store.quads_per_graph() == before  # no graph dropped, none loaded
    assert store.present([marker]) == {marker}
    shown = json.loads(result.stdout)
    assert shown["by_source"][ID + "source/mini-a"]["triples"] == 26
    assert not any("openlinksw" in g or g.endswith("/sparql") for g in shown["by_source"])  # no system graphs
