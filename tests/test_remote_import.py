"""Table imports against remote SPARQL 1.1 engines (a real Oxigraph server and a real Virtuoso on 127.0.0.1)."""

from __future__ import annotations

import pytest

from graph import open_store
from graph.tabular import Mapping, RowsRefused, import_table
from tests.conftest import remote_store_url

pytestmark = pytest.mark.remote
ID = "https://partnergraph.org/id/"
MAP = Mapping.from_pairs(
    ["city1=party1.name", "country1=party1.country", "city2=party2.name", "country2=party2.country"]
)
CSV = "city1,country1,city2,country2\nBerat,Albania,Amasya,Turkey\nAmasya,Türkiye,Bérat,Albania\n"


@pytest.fixture(params=["oxigraph-server", "virtuoso"])
def remote(request):
    store = open_store(remote_store_url(request, request.param))
    yield store
    store.close()


def test_a_table_imports_into_a_remote_engine_once(remote, tmp_path):
    path = tmp_path / "ties.csv"
    path.write_text(CSV, encoding="utf-8")
    first = import_table(remote, path, MAP)
    assert (first.ties, first.duplicates_merged, first.added) == (1, 1, first.quads)
    second = import_table(remote, path, MAP)
    assert second.added == 0
    rows = sorted(remote.select_values("SELECT ?p WHERE { ?t <https://partnergraph.org/ontology#party> ?p }"))
    assert rows == [(ID + "region/al/berat",), (ID + "region/tr/amasya",)]


def test_a_bad_row_writes_nothing_to_the_remote_engine(remote, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(CSV + "Atlantis City,Atlantis,Paris,France\n", encoding="utf-8")
    with pytest.raises(RowsRefused):
        import_table(remote, path, MAP)
    assert remote.is_empty()


def test_the_shipped_graph_and_an_import_load_into_a_remote_engine(remote, tmp_path):
    from graph import KnowledgeGraph

    kg = KnowledgeGraph(remote)
    assert kg.load_shipped() is True
    assert kg.load_shipped() is False  # the version marker is found: nothing is sent again
    path = tmp_path / "ties.csv"
    path.write_text("city1,country1,city2,country2\nSuwon,South Korea,Gyeonggi Province,South Korea\n", "utf-8")
    report = import_table(remote, path, MAP)
    # Suwon and Gyeonggi Province are the seed data's places: linked to, not described again.
    assert (report.ties, report.places, report.known_places) == (1, 0, 2)
