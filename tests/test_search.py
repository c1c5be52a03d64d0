"""Search that forgives: accents, case, other languages and scripts, typos; ranked exact > prefix > fuzzy >
importance; the network's search and resolve use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import KnowledgeGraph, gazetteer
from graph import network as nw
from graph.search import SearchIndex, resolve_name, search
from graph.tabular import Mapping, import_table

NAMES = {
    "x:gachon": ["Gachon University Gil Medical Center"],
    "x:gachon-u": ["Gachon University"],
    "x:naboi": ["Naboi"],
    "x:wellington": ["Wellington"],
    "x:sao-paulo": ["São Paulo"],
    "x:kyiv": ["Kyiv", "Kiev", "Київ"],
    "x:seoul": ["Seoul", "서울", "서울특별시"],
    "x:gyeonggi": ["Gyeonggi Province", "경기도"],
    "x:paulo-afonso": ["Paulo Afonso"],
}
NODES = {n: {"label": names[0], "group": "region", "type": "City"} for n, names in NAMES.items()}
NODES["x:gachon"]["group"] = "organization"
INDEX = SearchIndex(NAMES, NODES, {"x:gachon": 5, "x:gachon-u": 1})


@pytest.mark.parametrize(
    ("text", "node", "match"),
    [
        ("Gachon University", "x:gachon-u", "exact"),
        ("Navoi", "x:naboi", "fuzzy"),
        ("Welington", "x:wellington", "fuzzy"),
        ("Sao Paolo", "x:sao-paulo", "fuzzy"),
        ("sao paulo", "x:sao-paulo", "exact"),
        ("Kiev", "x:kyiv", "exact"),
        ("서울", "x:seoul", "exact"),
        ("Gyeongi", "x:gyeonggi", "fuzzy"),
        ("GYEONGGI", "x:gyeonggi", "prefix"),
        ("경기", "x:gyeonggi", "prefix"),
    ],
)
def test_what_people_type_finds_what_they_mean(text, node, match):
    first = search(INDEX, text)[0]
    assert (first["id"], first["match"]) == (node, match)


def test_ranking_is_exact_then_prefix_then_fuzzy_then_importance():
    results = search(INDEX, "gachon university")
    assert [r["id"] for r in results[:2]] == ["x:gachon-u", "x:gachon"]  # exact beats the better connected
    assert [r["match"] for r in results[:2]] == ["exact", "prefix"]
    assert results[0]["score"] == 100.0 and results[0]["exact"]
    assert [r["id"] for r in search(INDEX, "gachon")] == ["x:gachon", "x:gachon-u"]  # both prefixes: importance
    assert [r["id"] for r in search(INDEX, "paulo")][:2] == ["x:paulo-afonso", "x:sao-paulo"]  # prefix > word


def test_groups_limit_and_empty_text():
    assert [r["id"] for r in search(INDEX, "gachon", groups=["organization"])] == ["x:gachon"]
    assert len(search(INDEX, "a", limit=2)) == 2
    assert search(INDEX, "  ") == []
    assert search(INDEX, "qqqqqqq") == []


def test_resolve_name_is_exact_on_every_label():
    assert resolve_name(INDEX, "KIEV") == {"x:kyiv"}
    assert resolve_name(INDEX, "Kie") == set()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> nw.Network:
    """The curated graph with a small table of ties, reconciled with the gazetteer."""
    gazetteer.get()
    table = Path(tmp_path_factory.mktemp("search")) / "ties.csv"
    table.write_text(
        "city1,country1,city2,country2\nKyiv,Ukraine,Wellington,New Zealand\nSeoul,South Korea,São Paulo,Brazil\n",
        encoding="utf-8",
    )
    kg = KnowledgeGraph.open("memory:")
    import_table(
        kg.store,
        table,
        Mapping.from_pairs(
            ["city1=party1.name", "country1=party1.country", "city2=party2.name", "country2=party2.country"]
        ),
    )
    return nw.network(kg, background=False)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Kiev", "Kyiv"),
        ("서울", "Seoul"),
        ("Welington", "Wellington"),
        ("Sao Paolo", "São Paulo"),
        ("Gyeongi", "Gyeonggi Province"),
        ("Navoi", "Naboi"),
        ("수원시", "Suwon City"),
    ],
)
def test_the_network_search_uses_every_label_of_the_gazetteer(world, text, label):
    assert world.search(text, limit=5)[0]["label"] == label


def test_the_network_resolves_names_in_other_languages(world):
    assert world.resolve("서울") == world.search("Seoul")[0]["id"]
    assert world.resolve("Kiev").endswith("/ua/kyiv")
    with pytest.raises(nw.EntityNotFound) as missing:
        world.resolve("Kyivv")
    assert missing.value.suggestions and missing.value.suggestions[0]["label"] == "Kyiv"
