"""Importing tables of ties: mapping, normalisation, idempotence, provenance, all-or-nothing, the CLI."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import open_store
from graph.cli import cli
from graph.store import Store
from graph.tabular import Mapping, RowsRefused, TableError, check_quads, import_table, parse_date, read_table

ID = "https://partnergraph.org/id/"
KP = "https://partnergraph.org/ontology#"
PREFIX = (
    f"PREFIX kp: <{KP}> PREFIX id: <{ID}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX prov: <http://www.w3.org/ns/prov#>\n"
)
TWIN_MAP = Mapping.from_pairs(
    ["city1=party1.name", "country1=party1.country", "city2=party2.name", "country2=party2.country"]
)
GOOD = """city1,country1,city2,country2
Berat,Albania,Amasya,Turkey
Amasya,Türkiye,Bérat,Albania
Moscow,Russia,Moscow Oblast,Russia
"Varna, Bulgaria",,Berat,Albania
Cardiff,Wales,Nantes,France
"""


ATLANTIS = "country1: 'Atlantis' is not a country but a place (map its column to a party's name, or fix the row)"


def write(tmp_path: Path, text: str, name: str = "ties.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def values(store: Store, query: str) -> list[tuple]:
    return sorted(store.select_values(PREFIX + query))


def test_rows_become_places_and_ties_with_provenance(tmp_path):
    store = open_store("memory:")
    report = import_table(store, write(tmp_path, GOOD), TWIN_MAP)
    assert (report.rows, report.ties, report.duplicates_merged, report.places, report.countries) == (5, 4, 1, 7, 6)
    assert report.added == report.quads
    ties = values(store, "SELECT ?t ?l WHERE { ?t a kp:Partnership ; rdfs:label ?l }")
    assert ties == [
        (ID + "partnership/twinning-al-berat--bg-varna", "Berat – Varna"),
        (ID + "partnership/twinning-al-berat--tr-amasya", "Berat – Amasya"),
        (ID + "partnership/twinning-fr-nantes--gb-cardiff", "Nantes – Cardiff"),
        (ID + "partnership/twinning-ru-moscow--ru-moscow-oblast", "Moscow – Moscow Oblast"),
    ]
    # A-B and B-A rows are one tie with the evidence of both rows, each verbatim with its row number.
    evidence = values(
        store,
        "SELECT ?row ?text ?doc WHERE { id:partnership\\/twinning-al-berat--tr-amasya kp:evidence ?e . "
        "?e prov:value ?text ; kp:row ?row ; prov:wasQuotedFrom ?doc }",
    )
    assert evidence == [
        ("2", "Berat,Albania,Amasya,Turkey", ID + "source/ties"),
        ("3", "Amasya,Türkiye,Bérat,Albania", ID + "source/ties"),
    ]
    kinds = values(store, "SELECT DISTINCT ?k WHERE { ?t kp:tieKind ?k }")
    assert kinds == [("https://partnergraph.org/vocab/tie-kind/twinning",)]
    assert store.graphs() == [ID + "source/geonames", ID + "source/ties"]  # the gazetteer's matches apart


def test_names_are_merged_by_folded_key_and_levels_stay_apart(tmp_path):
    store = open_store("memory:")
    import_table(store, write(tmp_path, GOOD), TWIN_MAP)
    places = values(
        store,
        "SELECT ?p ?class ?label ?country WHERE { ?p a ?class ; rdfs:label ?label ; kp:country ?country }",
    )
    assert places == [
        (ID + "region/al/berat", KP + "City", "Berat", ID + "region/al"),
        (ID + "region/bg/varna", KP + "City", "Varna", ID + "region/bg"),
        (ID + "region/fr/nantes", KP + "City", "Nantes", ID + "region/fr"),
        (ID + "region/gb/cardiff", KP + "City", "Cardiff", ID + "region/gb"),
        (ID + "region/ru/moscow", KP + "City", "Moscow", ID + "region/ru"),
        (ID + "region/ru/moscow-oblast", KP + "Province", "Moscow Oblast", ID + "region/ru"),
        (ID + "region/tr/amasya", KP + "City", "Amasya", ID + "region/tr"),
    ]
    table_names = f"SELECT ?p ?alt WHERE {{ GRAPH <{ID}source/ties> {{ ?p skos:altLabel ?alt }} }}"
    assert values(store, table_names) == [(ID + "region/al/berat", "Bérat")]
    countries = values(store, "SELECT ?c ?iso ?label WHERE { ?c a kp:Country ; kp:isoCode ?iso ; rdfs:label ?label }")
    assert (ID + "region/tr", "TR", "Türkiye") in countries
    assert (ID + "region/gb", "GB", "United Kingdom") in countries
    assert len(countries) == 6
    assert check_quads_of(store) == []


def check_quads_of(store: Store) -> list[str]:
    return check_quads(list(store.native.quads_for_pattern(None, None, None, None)))


def test_importing_the_same_file_twice_adds_nothing(tmp_path):
    store = open_store("memory:")
    path = write(tmp_path, GOOD)
    first = import_table(store, path, TWIN_MAP)
    size = store.quad_count()
    second = import_table(store, path, TWIN_MAP)
    assert first.added == size and second.added == 0
    assert store.quad_count() == size


def test_a_bad_row_changes_nothing_and_every_bad_row_is_reported(tmp_path):
    store = open_store("memory:")
    text = GOOD + "Springfield,,Shelbyville,United States\nAtlantis City,Atlantis,Paris,France\n"
    text += "Nice,France,nice,FRANCE\n,,Rome,Italy\n"
    with pytest.raises(RowsRefused) as refused:
        import_table(store, write(tmp_path, text), TWIN_MAP)
    assert [b.text() for b in refused.value.bad] == [  # row 7: Springfield without a country is fine
        "row 8, country1: 'Atlantis' is not a country but a place (map its column to a party's name, or fix the row)",
        "row 9, city2: a tie of a place with itself",
        "row 10, city1: missing field",
    ]
    assert store.is_empty()


def test_a_place_is_looked_up_once_whichever_column_names_it(tmp_path, monkeypatch):
    from graph.table_places import Places

    looked_up: list[tuple[str, int]] = []
    real = Places._party

    def counting(self, row, mapping, n, cols):
        looked_up.append((row.cells[cols["name"]], n))
        return real(self, row, mapping, n, cols)

    monkeypatch.setattr(Places, "_party", counting)
    text = "city1,country1,city2,country2\nBerat,Albania,Amasya,Turkey\nAmasya,Turkey,Berat,Albania\n"
    text += "Berat,Albania,Atlantis City,Atlantis\nAtlantis City,Atlantis,Amasya,Turkey\n"
    with pytest.raises(RowsRefused) as refused:
        import_table(open_store("memory:"), write(tmp_path, text), TWIN_MAP)
    assert looked_up == [("Berat", 1), ("Amasya", 2), ("Atlantis City", 2), ("Atlantis City", 1)]
    # a failure names the column of the row at fault, so it is remembered per party
    assert [b.text() for b in refused.value.bad] == [
        "row 4, " + ATLANTIS.replace("country1", "country2"),
        "row 5, " + ATLANTIS,
    ]


def test_skip_bad_imports_the_good_rows_and_writes_the_rejected_ones(tmp_path):
    store = open_store("memory:")
    text = GOOD + "Atlantis City,Atlantis,Paris,France\n"
    rejected = tmp_path / "rejected.csv"
    report = import_table(store, write(tmp_path, text), TWIN_MAP, skip_bad=rejected)
    assert report.ties == 4 and len(report.rejected) == 1
    with rejected.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["row", "city1", "country1", "city2", "country2", "reason"],
        ["7", "Atlantis City", "Atlantis", "Paris", "France", ATLANTIS],
    ]


def test_tsv_with_kinds_dates_fields_and_agreements(tmp_path):
    store = open_store("memory:")
    text = "a\tca\tb\tcb\twhat\twhen\tarea\tform\n"
    text += "Suwon\tKorea, Republic of\tHanoi\tViet Nam\tMOU\t2001.04\thealth\tagreement\n"
    spec = Mapping.from_pairs(
        [
            "a=party1.name",
            "ca=party1.country",
            "b=party2.name",
            "cb=party2.country",
            "what=kind",
            "when=date",
            "area=field",
            "form=type",
        ]
    )
    import_table(store, write(tmp_path, text, "mou.tsv"), spec)
    query = "SELECT ?t ?k ?f ?d (DATATYPE(?d) AS ?dt) WHERE { ?t a kp:Agreement ; kp:tieKind ?k ; kp:field ?f ; "
    rows = values(store, query + "kp:signedDate ?d }")
    assert rows == [
        (
            ID + "agreement/mou-kr-suwon--vn-hanoi",
            "https://partnergraph.org/vocab/tie-kind/mou",
            "https://partnergraph.org/vocab/field/health",
            "2001-04",
            "http://www.w3.org/2001/XMLSchema#gYearMonth",
        )
    ]


def test_excel_workbooks_are_read_through_the_same_mapping(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "ties"
    sheet.append(["city1", "country1", "city2", "country2"])
    sheet.append(["Kyiv", "Ukraine", "Kraków", "Poland"])
    sheet.append(["Kraków", "Poland", "Kyiv", "Ukraine"])
    path = tmp_path / "ties.xlsx"
    book.save(path)
    store = open_store("memory:")
    report = import_table(store, path, TWIN_MAP, sheet="ties")
    assert (report.ties, report.duplicates_merged) == (1, 1)
    assert values(store, "SELECT ?row ?text WHERE { ?e kp:row ?row ; prov:value ?text }") == [
        ("1", "city1\tcountry1\tcity2\tcountry2"),  # the header: the column names of the rows quoted
        ("2", "Kyiv\tUkraine\tKraków\tPoland"),
        ("3", "Kraków\tPoland\tKyiv\tUkraine"),
    ]


def test_places_already_described_by_another_source_get_no_second_label(tmp_path):
    from tests.conftest import MINI

    store = open_store("memory:")
    store.add_data(MINI.read_bytes(), "trig")
    spec = Mapping.from_pairs(["a=party1.name", "b=party2.name"], ["party1.country=XA", "party2.country=FR"])
    text = "a,b\nNorth Province,Paris\n"
    with pytest.raises(RowsRefused):  # XA is no ISO country: the mapping cannot invent one
        import_table(store, write(tmp_path, text), spec)
    spec = Mapping.from_pairs(["a=party1.name", "b=party2.name"], ["party1.country=FR", "party2.country=FR"])
    store.add_data(
        f'<{ID}region/fr/paris> a <{KP}City> ; <http://www.w3.org/2000/01/rdf-schema#label> "Paris, France" .'.encode(),
        "turtle",
        graph=ID + "source/other",
    )
    import_table(store, write(tmp_path, "a,b\nLyon,Paris\n"), spec)
    assert values(store, f"SELECT ?l WHERE {{ <{ID}region/fr/paris> rdfs:label ?l }}") == [("Paris, France",)]
    assert values(store, f"SELECT ?l WHERE {{ <{ID}region/fr/lyon> rdfs:label ?l }}") == [("Lyon",)]


def test_dates_keep_their_precision():
    assert parse_date("2014-09-03").datatype.value.endswith("#date")
    assert parse_date("2014/9").value == "2014-09"
    assert parse_date("2014").datatype.value.endswith("#gYear")
    assert parse_date("") is None
    for bad in ("2014-13", "2014-02-30", "spring 2014"):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_mapping_errors_are_clear(tmp_path):
    with pytest.raises(TableError, match="unknown target 'party1.colour'"):
        Mapping.from_pairs(["a=party1.name", "b=party2.name", "c=party1.colour"])
    with pytest.raises(TableError, match="fewer than two parties"):
        Mapping.from_pairs(["a=party1.name"])
    with pytest.raises(TableError, match="no column 'city1'"):
        import_table(open_store("memory:"), write(tmp_path, "x,y\n1,2\n"), TWIN_MAP)
    with pytest.raises(TableError, match="cannot tell the table format"):
        read_table(write(tmp_path, "x", "ties.json"))


def test_cli_import_table_and_its_errors(tmp_path):
    runner = CliRunner()
    store = f"oxigraph:{tmp_path / 'store'}"
    path = write(tmp_path, GOOD)
    maps = ["--map", "city1=party1.name", "--map", "country1=party1.country"]
    maps += ["--map", "city2=party2.name", "--map", "country2=party2.country"]
    result = runner.invoke(cli, ["--store", store, "import-table", str(path), *maps], obj={})
    assert result.exit_code == 0, result.output
    assert "5 rows -> 4 ties (1 duplicate rows merged)" in result.output
    bad = write(tmp_path, GOOD + "Atlantis City,Atlantis,Paris,France\n", "bad.csv")
    result = runner.invoke(cli, ["--store", store, "import-table", str(bad), *maps], obj={})
    assert result.exit_code == 1
    assert "row 7, " + ATLANTIS in result.output
    assert "Traceback" not in result.output


def test_cli_import_twin_cities_with_the_shipped_mapping(tmp_path):
    path = write(tmp_path, GOOD + "Nienburg,Germany,Nienburg,Germany\n", "twin_cities_raw.csv")
    rejected = tmp_path / "rejected.csv"
    store = f"oxigraph:{tmp_path / 'store'}"
    result = CliRunner().invoke(
        cli, ["--store", store, "import-twin-cities", str(path), "--skip-bad", str(rejected)], obj={}
    )
    assert result.exit_code == 0, result.output
    # Nienburg (Weser) and Nienburg (Saale): two towns of one name, kept as two places for review.
    assert "5 ties" in result.output and "0 rows rejected" in result.output
    s = open_store(store)
    rights = values(s, f"SELECT ?r WHERE {{ <{ID}source/twin-cities-wikipedia> <http://purl.org/dc/terms/rights> ?r }}")
    assert "Wikipedia" in rights[0][0] and "CC BY-SA 4.0" in rights[0][0]
    # The title is what pages show beside each quote: it credits Wikipedia too.
    titles = values(s, f"SELECT ?t WHERE {{ <{ID}source/twin-cities-wikipedia> <http://purl.org/dc/terms/title> ?t }}")
    assert titles == [
        ("Twin towns and sister cities of the world, from Wikipedia (CC BY-SA 4.0) via Hekman/twincities (MIT)",)
    ]
    assert ID + "source/twin-cities-wikipedia" in s.graphs()
    s.close()


def test_an_import_into_the_shipped_graph_satisfies_the_shapes(tmp_path):
    import pyoxigraph as ox

    from graph import KnowledgeGraph

    kg = KnowledgeGraph.open("memory:")
    text = GOOD + "Suwon,South Korea,Gyeonggi Province,South Korea,sisterhood\n"
    spec = Mapping.from_pairs(
        ["city1=party1.name", "country1=party1.country", "city2=party2.name", "country2=party2.country", "k=kind"]
    )
    import_table(kg.store, write(tmp_path, text.replace("country2\n", "country2,k\n", 1)), spec)
    graph = ox.NamedNode(ID + "source/ties")
    quads = list(kg.store.native.quads_for_pattern(None, None, None, graph))
    report = kg.validate_quads(quads)
    assert report.conforms, report.text()
    # Korea and Gyeonggi Province come from the seed data: they keep their one label.
    assert values(kg.store, f"SELECT DISTINCT ?l WHERE {{ <{ID}region/kr> rdfs:label ?l }}") == [("Korea",)]
    with pytest.raises(TableError, match="unknown kind of tie 'friendship'"):
        import_table(kg.store, write(tmp_path, "a,b,k\nLyon,Paris,friendship\n", "k.csv"), kind_map())


def kind_map() -> Mapping:
    return Mapping.from_pairs(["a=party1.name", "b=party2.name", "k=kind"], ["party1.country=FR", "party2.country=FR"])


def test_the_import_checks_catch_what_the_shapes_forbid():
    import pyoxigraph as ox

    def quad(s, p, o):
        obj = o if isinstance(o, ox.Literal) else ox.NamedNode(o)
        return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), obj, ox.NamedNode(ID + "source/x"))

    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    quads = [
        quad(ID + "partnership/t", rdf_type, KP + "Partnership"),
        quad(ID + "partnership/t", KP + "party", ID + "region/fr/lyon"),
        quad(ID + "partnership/t", label, ox.Literal("Lyon")),
        quad(ID + "partnership/t", KP + "evidence", ID + "evidence/x/1"),
        quad(ID + "evidence/x/1", rdf_type, KP + "Evidence"),
        quad(ID + "region/fr/lyon", rdf_type, KP + "City"),
        quad(ID + "region/fr/lyon", label, ox.Literal("Lyon")),
        quad(ID + "region/fr/lyon", label, ox.Literal("Lyons")),
    ]
    assert check_quads(quads) == [
        ID + "evidence/x/1: evidence without exactly one quote",
        ID + "partnership/t: a tie with fewer than two parties",
        ID + "region/fr/lyon: an entity without exactly one rdfs:label",
        ID + "region/fr/lyon: a node without evidence",
    ]
