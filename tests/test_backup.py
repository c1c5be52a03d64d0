"""Backups (round trip gives an isomorphic dataset), restore (atomic, checked), and exports of the ties."""

from __future__ import annotations

import csv
import gc
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from graph import KnowledgeGraph, StoreError
from graph.backup import backup, manifest_path, restore, ties_csv, ties_network
from graph.changes import Writer
from graph.cli import cli

from .conftest import MINI

ID = "https://partnergraph.org/id/"
BNODES = (
    b"<https://partnergraph.org/id/x> <https://partnergraph.org/ontology#about> _:a "
    b"<https://partnergraph.org/id/source/bn> .\n"
    b"_:a <https://partnergraph.org/ontology#next> _:b <https://partnergraph.org/id/source/bn> .\n"
    b'_:b <http://www.w3.org/2000/01/rdf-schema#label> "b"@en <https://partnergraph.org/id/source/bn> .\n'
)


def mini_kg(url: str = "memory:") -> KnowledgeGraph:
    kg = KnowledgeGraph.open(url, load_shipped=False)
    kg.import_file(MINI, validate=False)
    return kg


def datasets_isomorphic(a: KnowledgeGraph, b: KnowledgeGraph) -> bool:
    """Same graph names, and each graph isomorphic (blank nodes may be renamed)."""
    da, db = Dataset(), Dataset()
    da.parse(data=a.store.dump("nquads"), format="nquads")
    db.parse(data=b.store.dump("nquads"), format="nquads")
    graphs_a = {str(g.identifier): g for g in da.graphs() if len(g)}
    graphs_b = {str(g.identifier): g for g in db.graphs() if len(g)}
    if graphs_a.keys() != graphs_b.keys():
        return False
    return all(isomorphic(Graph() + graphs_a[k], Graph() + graphs_b[k]) for k in graphs_a)


@pytest.fixture
def rich(tmp_path) -> KnowledgeGraph:
    """mini.trig, a graph with blank nodes and a recorded change."""
    kg = mini_kg(f"oxigraph:{tmp_path / 'source-store'}")
    kg.store.add_data(BNODES, "nquads")
    writer = Writer(kg, shapes=None)
    writer.update(
        "INSERT DATA { GRAPH <https://partnergraph.org/id/source/mini-a> { <https://partnergraph.org/id/region/xa> "
        '<http://www.w3.org/2004/02/skos/core#altLabel> "Atlantide"@fr } }',
        "alice",
        "French name",
    )
    return kg


def test_backup_restore_round_trip_is_isomorphic(rich, tmp_path):
    file = tmp_path / "backup.nq"
    manifest = backup(rich, file)
    assert manifest["quads"] == 26 + 19 + 3 + 1 + 10  # mini, the blank nodes, the change and its record
    assert manifest["graphs"][f"{ID}source/mini-a"] == 27
    assert manifest["graphs"][f"{ID}source/bn"] == 3
    assert json.loads(manifest_path(file).read_text()) == manifest
    fresh = KnowledgeGraph.open("memory:", load_shipped=False)
    restore(fresh, file)
    assert datasets_isomorphic(rich, fresh)
    assert [c.comment for c in Writer(fresh, shapes=None).changes()] == ["French name"]


def test_restore_replaces_everything(rich, tmp_path):
    file = tmp_path / "backup.nq"
    backup(rich, file)
    target = KnowledgeGraph.open(f"oxigraph:{tmp_path / 'target'}", load_shipped=False)
    target.store.add_data(
        b'<https://partnergraph.org/id/y> <https://partnergraph.org/p> "old" .', "nt", f"{ID}source/old"
    )
    restore(target, file)
    assert f"{ID}source/old" not in target.store.graphs()
    assert datasets_isomorphic(rich, target)


def test_a_damaged_backup_is_refused_and_the_store_untouched(rich, tmp_path):
    file = tmp_path / "backup.nq"
    backup(rich, file)
    target = mini_kg()
    before = target.store.dump("nquads")
    file.write_bytes(file.read_bytes().replace(b"Atlantis", b"Atlantys"))
    with pytest.raises(StoreError, match="checksum does not match"):
        restore(target, file)
    manifest_path(file).unlink()
    file.write_bytes(file.read_bytes() + b"<broken")
    with pytest.raises(StoreError, match="line"):
        restore(target, file)
    assert target.store.dump("nquads") == before


def test_ties_csv():
    rows = list(csv.DictReader(io.StringIO(ties_csv(mini_kg()).decode())))
    assert rows == [
        {
            "id": f"{ID}agreement/north-east",
            "label": "North–East MOU",
            "type": "Agreement",
            "kind": "https://partnergraph.org/vocab/tie-kind/mou",
            "date": "2014-09-03",
            "field": "",
            "parties": "East University | North Province",
            "party_ids": f"{ID}org/east-university {ID}region/xa/north",
            "sources": "Mini source B",
            "source_ids": f"{ID}source/mini-b",
        },
        {
            "id": f"{ID}agreement/north-south",
            "label": "North–South sisterhood",
            "type": "Agreement",
            "kind": "https://partnergraph.org/vocab/tie-kind/sisterhood",
            "date": "2001-04",
            "field": "",
            "parties": "North Province | South Province",
            "party_ids": f"{ID}region/xa/north {ID}region/xb/south",
            "sources": "Mini source A",
            "source_ids": f"{ID}source/mini-a",
        },
    ]


def test_network_graphml_and_gexf(tmp_path):
    kg = mini_kg()
    network = ties_network(kg)
    assert sorted(network.nodes) == [f"{ID}org/east-university", f"{ID}region/xa/north", f"{ID}region/xb/south"]
    assert network.nodes[f"{ID}region/xa/north"] == {"label": "North Province", "type": "Province"}
    assert network.edges[f"{ID}region/xa/north", f"{ID}region/xb/south"] == {
        "weight": 1,
        "ties": f"{ID}agreement/north-south",
        "labels": "North–South sisterhood",
    }
    runner = CliRunner()
    store = f"oxigraph:{tmp_path / 'store'}"
    assert runner.invoke(cli, ["--store", store, "load", "--no-validate", str(MINI)], obj={}).exit_code == 0
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"ties.{fmt}"
        result = runner.invoke(cli, ["--store", store, "export", "--format", fmt, "-o", str(out)], obj={})
        assert result.exit_code == 0, result.output
        back = read(out)  # the CLI loads the shipped data too: the mini ties are a part of the network
        assert back.nodes[f"{ID}org/east-university"]["label"] == "East University"
        assert sorted(back.neighbors(f"{ID}region/xa/north")) == [f"{ID}org/east-university", f"{ID}region/xb/south"]
        assert back.edges[f"{ID}region/xa/north", f"{ID}region/xb/south"]["weight"] == 1


def test_cli_backup_restore_changes_revert(tmp_path):
    runner = CliRunner()
    store = f"oxigraph:{tmp_path / 'store'}"
    assert runner.invoke(cli, ["--store", store, "load", "--no-validate", str(MINI)], obj={}).exit_code == 0
    kg = KnowledgeGraph.open(store, load_shipped=False)
    change = Writer(kg, shapes=None).update(
        "DELETE DATA { GRAPH <https://partnergraph.org/id/source/mini-a> { <https://partnergraph.org/id/region/xa> "
        '<https://partnergraph.org/ontology#isoCode> "XA" } }',
        "alice",
        "no such code",
    )
    kg.store.close()
    listed = runner.invoke(cli, ["--store", store, "changes"], obj={})
    assert listed.exit_code == 0 and "alice" in listed.output and "no such code" in listed.output
    shown = runner.invoke(cli, ["--store", store, "changes", "--show", change.iri], obj={})
    assert '- <https://partnergraph.org/id/region/xa> <https://partnergraph.org/ontology#isoCode> "XA"' in shown.output
    file = tmp_path / "b.nq"
    assert runner.invoke(cli, ["--store", store, "backup", str(file)], obj={}).exit_code == 0
    reverted = runner.invoke(cli, ["--store", store, "revert", change.iri.rsplit("/", 1)[1], "--agent", "bob"], obj={})
    assert reverted.exit_code == 0, reverted.output
    other = f"oxigraph:{tmp_path / 'other'}"
    restored = runner.invoke(cli, ["--store", other, "restore", "--yes", str(file)], obj={})
    quads = json.loads(manifest_path(file).read_text())["quads"]
    assert restored.exit_code == 0 and f"restored {quads} statements" in restored.output
    gc.collect()  # the CLI's store of the last invocation still holds the on-disk lock until collected
    assert datasets_isomorphic(KnowledgeGraph.open(other, load_shipped=False), _backup_as_kg(file))
    missing = runner.invoke(cli, ["--store", other, "restore", "--yes", str(tmp_path / "nope.nq")], obj={})
    assert missing.exit_code == 1 and missing.output.startswith("error: ") and "Traceback" not in missing.output


def _backup_as_kg(file: Path) -> KnowledgeGraph:
    kg = KnowledgeGraph.open("memory:", load_shipped=False)
    kg.store.add_data(file.read_bytes(), "nquads")
    return kg


def test_path_is_not_required_to_exist_for_backup(tmp_path: Path):
    kg = mini_kg()
    manifest = backup(kg, tmp_path / "b.nq")
    assert (tmp_path / "b.nq").is_file() and not (tmp_path / "b.nq.tmp").exists()
    assert manifest["quads"] == 45
