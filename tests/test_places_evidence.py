"""Places: the evidence the matching rules weigh beyond a name and a country (regions written with an English level
word, a shorter name of a small place, the partners a tie shares, one place listed twice), each on a small table
of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal

from graph import KnowledgeGraph, review
from graph import reconcile as rc
from graph.regions import region_key
from graph.store import Store
from graph.tabular import Mapping, import_table

ID = "https://partnergraph.org/id/"
KP = "https://partnergraph.org/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GN = "https://sws.geonames.org/"
TWIN_MAP = Mapping.from_pairs(
    ["city1=party1.name", "country1=party1.country", "city2=party2.name", "country2=party2.country"]
)


@pytest.fixture
def kg(gaz) -> KnowledgeGraph:
    return KnowledgeGraph.open("memory:")


def imported(kg: KnowledgeGraph, tmp_path: Path, table: str) -> Store:
    path = tmp_path / "ties.csv"
    path.write_text(table, encoding="utf-8")
    import_table(kg.store, path, TWIN_MAP)
    return kg.store


def select(store: Store, query: str) -> list[tuple]:
    return sorted(store.select_values(f"PREFIX kp: <{KP}> PREFIX skos: <{SKOS}>\n" + query))


def partners(store: Store, name: str) -> dict[str, set[str]]:
    """The entities a name was matched to (by its match node's name) -> the labels of their partners."""
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX kp: <" + KP + ">\n"
        "SELECT ?p ?label WHERE { ?m kp:matchedName ?name ; kp:place ?p . ?t kp:party ?p, ?o . "
        "?o rdfs:label ?label FILTER(?o != ?p) }"
    )
    found: dict[str, set[str]] = {}
    for p, label in store.select_values(query, {"name": Literal(name)}):
        found.setdefault(p, set()).add(label)
    return found


# -- regions written with an English level word ------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "gazetteer_name"),
    [
        ("Kaliningrad Oblast", "Kaliningradskaya oblast'"),  # the Russian adjective and level word
        ("Akmola Region", "Aqmola oblysy"),  # Kazakh romanisation (q) and level word
        ("Yeysky District", "Yeyskiy Rayon"),  # -sky / -skiy
        ("Omsk Oblast", "Omskaya oblast'"),
        ("Minsk Region", "Minskaya voblasts'"),
    ],
)
def test_a_region_key_drops_level_words_adjectival_endings_and_romanisation(written, gazetteer_name):
    assert region_key(written) == region_key(gazetteer_name)


def test_a_region_key_keeps_different_regions_apart():
    assert region_key("Kaliningrad Oblast") != region_key("Kaluga Oblast")
    assert region_key("Moscow Oblast") != region_key("Omsk Oblast")


@pytest.mark.parametrize(
    ("written", "cc", "code"),
    [
        ("Kaliningrad Oblast", "RU", "RU-KGD"),
        ("Akmola Region", "KZ", "KZ-11"),
        ("Stavropol Krai", "RU", "RU-STA"),
        ("Leningrad Oblast", "RU", "RU-LEN"),
    ],
)
def test_a_province_written_in_english_reaches_its_subdivision_and_geonames_region(rec, written, cc, code):
    found = rec.match(written, cc, level="Province")
    assert found.subdivision == code and found.region is not None and found.region.level == 1
    assert found.method == "region-name-stem+country" and found.confidence >= review.REVIEW_BELOW


def test_a_district_written_in_english_reaches_its_geonames_district(rec):
    yeysk = rec.match("Yeysky District", "RU", level="District")
    assert yeysk.place is not None and yeysk.place.name == "Yeyskiy Rayon" and yeysk.place.level == 2


def test_a_town_is_never_its_region_by_the_key(rec):
    kaliningrad = rec.match("Kaliningrad", "RU")  # no level word: the city, not the oblast
    assert kaliningrad.place is not None and kaliningrad.place.level == 0 and kaliningrad.subdivision is None


def test_an_imported_oblast_is_the_subdivision(kg, tmp_path):
    store = imported(kg, tmp_path, "city1,country1,city2,country2\nKaliningrad Oblast,Russia,Lyon,France\n")
    ((code,),) = select(
        store, "SELECT ?c WHERE { ?m kp:matchedName 'Kaliningrad Oblast' ; kp:place ?p . ?p kp:subdivisionCode ?c }"
    )
    assert code == "RU-KGD"


# -- a shorter name of a small place -----------------------------------------------------------------------


def test_a_shorter_name_of_a_small_place_is_only_proposed(rec):
    hopital = rec.match("L'Hôpital", "FR")  # L'Hôpital (Moselle) is not in the gazetteer; Hôpital-Camfrout is
    assert hopital.place is None and hopital.method == "part-of-name+country"
    assert [p.name for p in hopital.candidates] == ["Hôpital-Camfrout"]
    assert rec.match("Hôpital-Camfrout", "FR").place is not None  # its own name still finds it
    assert rec.match("Ludwigshafen", "DE").place.name == "Ludwigshafen am Rhein"  # a city: its short name is its


def test_a_place_missing_from_the_gazetteer_does_not_take_anothers_identity(kg, tmp_path):
    table = "city1,country1,city2,country2\nCamaiore,Italy,L'Hôpital,France\nFeock,England,Hôpital-Camfrout,France\n"
    store = imported(kg, tmp_path, table)
    hopital, camfrout = partners(store, "L'Hôpital"), partners(store, "Hôpital-Camfrout")
    assert set(hopital) != set(camfrout)
    (iri,) = hopital
    assert select(store, f"SELECT ?g WHERE {{ <{iri}> skos:exactMatch ?g }}") == []
    assert review.REVIEW_BELOW > 0  # and it waits in the review queue with its candidate
    ((status,),) = select(store, f"SELECT ?s WHERE {{ ?m kp:place <{iri}> ; kp:status ?s }}")
    assert status == "review"


# -- the partners a tie shares -----------------------------------------------------------------------------

VERNOUILLETS = """city1,country1,city2,country2
"Vernouillet, Yvelines",France,Trumau,Austria
"Vernouillet, Eure-et-Loir",France,Cheddar,"England, United Kingdom"
Trumau,Austria,Vernouillet,France
Cheddar,England,Vernouillet,France
Canoinhas,Brazil,Vernouillet,France
"""


def test_a_homonym_is_the_one_that_shares_the_rows_partner(kg, tmp_path):
    store = imported(kg, tmp_path, VERNOUILLETS)
    bare = partners(store, "Vernouillet")  # two Vernouillets in France; each row's partner tells which
    yvelines, eure = partners(store, "Vernouillet, Yvelines"), partners(store, "Vernouillet, Eure-et-Loir")
    assert len(yvelines) == 1 and len(eure) == 1 and set(yvelines) != set(eure)
    (y,), (e,) = yvelines, eure
    assert bare[y] == {"Trumau"} and bare[e] == {"Cheddar"}  # one tie each, from both sides
    ((method, confidence, why),) = select(
        store,
        f"SELECT ?m ?c ?why WHERE {{ ?x kp:place <{y}> ; kp:matchedName 'Vernouillet' ; kp:method ?m ; "
        "kp:confidence ?c ; prov:value ?why }".replace("SELECT", "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT"),
    )
    assert method == "name+country+shared-partner" and float(confidence) >= review.REVIEW_BELOW
    assert "Trumau" in why
    undecided = [p for p in bare if p not in (y, e)]  # Canoinhas shares no partner: still for review
    assert len(undecided) == 1 and undecided[0].endswith("-unresolved")


def test_one_tie_listed_from_both_sides_is_one_tie(kg, tmp_path):
    store = imported(kg, tmp_path, VERNOUILLETS)
    ties = select(
        store,
        "SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE { ?t a kp:Partnership ; kp:evidence ?e ; kp:party ?p . "
        "?m kp:place ?p ; kp:matchedName ?name FILTER(STRSTARTS(?name, 'Vernouillet')) } GROUP BY ?t",
    )
    assert sorted(int(n) for _, n in ties) == [1, 2, 2]  # Trumau and Cheddar twice (both sides), Canoinhas once


# -- one place listed twice --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "cc"), [("Sioux Lookout", "CA"), ("Viimsi", "EE"), ("Mondoñedo", "ES")])
def test_one_place_listed_twice_by_geonames_is_one_place(rec, name, cc):
    found = rec.match(name, cc)  # two GeoNames entries of this name a few km apart in one region
    assert found.place is not None and found.method.endswith("+same-place")
    assert found.place.population == max(p.population for p in found.candidates)
    assert all(rc.distance_km(found.place.lat, found.place.lon, p.lat, p.lon) <= 10 for p in found.candidates)


def test_homonyms_in_one_region_but_far_apart_stay_undecided(rec):
    dromore = rec.match("Dromore", "GB")  # Dromore in County Down and in County Tyrone: 60 km apart
    assert dromore.place is None and len(dromore.candidates) == 2


def test_a_merged_municipality_is_not_one_of_its_parts(rec):
    heusden_zolder = rec.match("Heusden-Zolder", "BE")  # the name of neither Heusden nor Zolder
    assert heusden_zolder.place is None


# -- a level word as a qualifier ---------------------------------------------------------------------------


def test_a_district_named_after_its_town_is_not_the_town(rec):
    herford = rec.match("Herford (district)", "DE", level=rc.written_level("Herford (district)"))
    assert herford.place is None or herford.place.level > 0  # the Kreis, which the gazetteer lacks: not the town
    karlsruhe = rec.match("Karlsruhe (district)", "DE", level="District")
    assert karlsruhe.place is None  # nor the Regierungsbezirk "Karlsruhe Region", a higher level
    assert rec.match("Herford", "DE").place.name == "Herford"  # the town itself is still found


def test_a_level_word_in_a_hint_names_where_a_town_lies():
    assert rc.written_level("Doksy (Česká Lípa District)") == "City"
    assert rc.written_level("Herford (district)") == "District"
    assert rc.written_level("Moscow Oblast") == "Province"


def test_an_imported_district_keeps_its_own_identity(kg, tmp_path):
    table = "city1,country1,city2,country2\nHerford (district),Germany,Lyon,France\nHerford,Germany,Quimper,France\n"
    store = imported(kg, tmp_path, table)
    district, town = partners(store, "Herford (district)"), partners(store, "Herford")
    assert set(district) and set(town) and set(district) != set(town)
    ((cls,),) = select(store, f"SELECT ?c WHERE {{ <{next(iter(district))}> a ?c }}")
    assert cls == KP + "District"


@pytest.mark.parametrize(
    ("written", "cc", "code"),
    [("County Limerick", "IE", "IE-LK"), ("Tulcea County", "RO", "RO-TL"), ("Qabala District", "AZ", "AZ-QAB")],
)
def test_a_county_is_a_first_level_region_when_iso_calls_it_one(rec, written, cc, code):
    assert rec.match(written, cc, level="County").subdivision == code


def test_a_district_is_never_a_first_level_city_or_region_of_its_name(rec):
    assert not rec.match("Moscow District", "RU", level="District").matched  # not the federal city of Moscow


def test_a_polish_county_is_its_powiat(rec):
    augustow = rec.match("Augustów County", "PL", level="County")
    assert augustow.place is not None and augustow.place.name == "Powiat augustowski"
