"""Table imports resolve their places in bulk: the gazetteer's answers remembered per name and read for a whole
table in one pass give the very matches one look-up at a time gives (homonyms, parties without a country, Korean
names, region hints, bad countries), close spellings are found as rapidfuzz finds them over the whole list, and
a cell is cleaned as the regular expression cleans it."""

from __future__ import annotations

import random
import re
import sqlite3

import pytest
from rapidfuzz import fuzz, process

from graph import gazetteer
from graph.gazetteer import _REGION, _place, _region
from graph.normalize import clean, fold
from graph.spellings import Spellings
from graph.table_places import Party, Places, lookup_names
from graph.table_read import BadRow, Mapping, Row

HEADER = ("city1", "country1", "city2", "country2")
ROWS = [
    ("Suwon", "South Korea", "Freiberg, Saxony", "Germany"),
    ("수원시", "대한민국", "Falkenstein", "Germany"),
    ("Falkenstein", "Germany", "Falkenstein", "Germany"),
    ("Frankfurt", "Germany", "Halle (Saale)", "Germany"),
    ("Saint-Denis", "France", "Springfield", "United States"),
    ("Springfield", "", "Paris", ""),
    ("Gyeonggi Province", "South Korea", "Lengnau", "Switzerland"),
    ("Lengnau, Bern", "Switzerland", "Strakonice", "Czech Republic"),
    ("Strakonice", "Czech Republic", "Lengnau", "Switzerland"),
    ("Yeongcheon", "Republic of Korea", "Sao Paolo", "Brazil"),
    ("Gwangjin (Seoul)", "South Korea", "Welington", "New Zealand"),
    ("Moscow Oblast", "Russia", "Milan", "Atlantis"),
    ("Nowhere-in-particular", "Germany", "Kaliningrad Oblast", "Russia"),
]


def _table() -> tuple[list[Row], Mapping]:
    rows = [Row(n, dict(zip(HEADER, cells, strict=True)), ",".join(cells)) for n, cells in enumerate(ROWS, 2)]
    columns = {
        "city1": "party1.name",
        "country1": "party1.country",
        "city2": "party2.name",
        "country2": "party2.country",
    }
    return rows, Mapping(columns=columns, defaults={"kind": "twinning"})


def _resolved(gaz: gazetteer.Gazetteer, *, bulk: bool) -> list:
    """Every party of every row and its homonym, resolved with or without reading the table at once."""
    rows, mapping = _table()
    places = Places(None, gaz)
    if not bulk:
        places.prefetch = lambda rows, mapping: None  # type: ignore[method-assign]
    places.learn_partners(rows, mapping)
    found = []
    for row in rows:
        for n in mapping.parties():
            party = places.party(row, mapping, n)
            found.append((row.number, n, party, places.homonym(party) if isinstance(party, Party) else None))
    return found


def test_a_table_read_at_once_gives_the_matches_of_one_look_up_at_a_time(gaz):
    fresh, single = gazetteer.Gazetteer(gaz.path), gazetteer.Gazetteer(gaz.path)  # nothing remembered yet
    queries: dict[str, list[str]] = {"bulk": [], "single": []}
    fresh.db.set_trace_callback(queries["bulk"].append)
    single.db.set_trace_callback(queries["single"].append)
    bulk = _resolved(fresh, bulk=True)
    one_by_one = _resolved(single, bulk=False)
    assert bulk == one_by_one  # every party, its match (method, confidence, candidates, reason) and its homonym
    parties = {(number, n): party for number, n, party, _ in bulk}
    homonyms = {(number, n): other for number, n, _, other in bulk}
    assert parties[(2, 1)].match.place.id == 1835553 == parties[(3, 1)].match.place.id  # Suwon, and 수원시 too
    assert homonyms[(4, 2)].match.method == "homonym-pair"  # Falkenstein - Falkenstein: two places
    assert homonyms[(4, 2)].iri != parties[(4, 1)].iri
    assert parties[(7, 1)].iso2 == "" and parties[(7, 1)].match is not None  # no country given: still resolved
    assert isinstance(parties[(13, 2)], BadRow)  # "Atlantis" is no country
    by_name = {run: [q for q in done if "WHERE n.key =" in q] for run, done in queries.items()}
    assert len(by_name["bulk"]) * 4 < len(by_name["single"])  # most names were read in the one pass


def test_remembered_answers_are_the_index_own_even_for_places_of_one_population(gaz):
    db = sqlite3.connect(f"file:{gaz.path}?mode=ro", uri=True)
    tied = [k for (k,) in db.execute(_TIED_KEYS)][:150]
    keys = [*tied, fold("Springfield"), fold("San Jose"), fold("Suwon"), "falkenstein", "no such place at all"]
    fresh = gazetteer.Gazetteer(gaz.path)
    fresh.prefetch(keys[::2])  # half read at once, half one at a time
    for key in keys:
        countries = {
            None,
            *(r[2] for r in db.execute("SELECT p.* FROM name n JOIN place p ON p.id = n.id WHERE key = ?", (key,))),
        }
        for cc in countries:
            expected = _sql_places(db, key, cc)
            assert fresh.places(key, cc) == expected, (key, cc)
            assert fresh.primary(key, cc) == _sql_primary(db, key, cc)
            for place in expected[:3]:
                assert fresh.homonyms(place) == _sql_homonyms(db, place)
            for level in (None, 1, 2):
                assert fresh.regions(key, cc, level) == _sql_regions(db, key, cc, level)
            assert fresh.subdivisions(key, cc) == sorted(
                db.execute(
                    "SELECT DISTINCT code, cc FROM subdivision WHERE key = ?" + (" AND cc = ?" if cc else ""),
                    (key, cc) if cc else (key,),
                )
            )


_TIED_KEYS = (
    "SELECT n.key FROM name n JOIN place p ON p.id = n.id GROUP BY n.key, p.pop HAVING COUNT(*) > 1 ORDER BY n.key"
)


def _sql_places(db: sqlite3.Connection, key: str, cc: str | None) -> list:
    sql = "SELECT p.* FROM name n JOIN place p ON p.id = n.id WHERE n.key = ?" + (" AND p.cc = ?" if cc else "")
    return [_place(r) for r in db.execute(sql + " ORDER BY p.pop DESC LIMIT 50", (key, cc) if cc else (key,))]


def _sql_primary(db: sqlite3.Connection, key: str, cc: str | None) -> set[int]:
    sql = "SELECT n.id FROM name n JOIN place p ON p.id = n.id WHERE n.key = ? AND n.primary_name = 1"
    return {r[0] for r in db.execute(sql + (" AND p.cc = ?" if cc else ""), (key, cc) if cc else (key,))}


def _sql_homonyms(db: sqlite3.Connection, place: gazetteer.Place) -> int:
    sql = (
        "SELECT COUNT(*) FROM name n JOIN place p ON p.id = n.id WHERE n.key = ? AND n.primary_name = 1 AND p.cc = ? "
        "AND (p.pop > ? OR (p.pop = ? AND p.id < ?))"
    )
    pop = place.population
    return db.execute(sql, (fold(place.name), place.cc, pop, pop, place.id)).fetchone()[0]


def _sql_regions(db: sqlite3.Connection, key: str, cc: str | None, level: int | None) -> list:
    sql, args = f"SELECT {_REGION} FROM region_name n JOIN region r ON r.id = n.id WHERE n.key = ?", [key]
    if cc:
        sql, args = sql + " AND r.cc = ?", [*args, cc]
    if level:
        sql, args = sql + " AND r.level = ?", [*args, level]
    return [_region(r) for r in db.execute(sql + " ORDER BY r.pop DESC LIMIT 50", args)]


def test_a_table_read_at_once_needs_no_further_look_up_for_its_names(gaz):
    fresh = gazetteer.Gazetteer(gaz.path)
    fresh.prefetch(lookup_names("Halle (Saale)") | lookup_names("Suwon City", korean=True))
    queries: list[str] = []
    fresh.db.set_trace_callback(queries.append)
    assert [p.name for p in fresh.places("Halle", "DE")][:1] == ["Halle (Saale)"]
    assert any(p.name == "Suwon" for p in fresh.places("Suwon-si", "KR") + fresh.places("Suwon", "KR"))
    fresh.subdivisions("Saale", "DE")
    fresh.regions("Saale", "DE")
    assert queries == []


def test_remembered_answers_are_bounded(gaz, monkeypatch):
    monkeypatch.setattr(gazetteer, "MEMO_LIMIT", 5)
    fresh = gazetteer.Gazetteer(gaz.path)
    fresh.prefetch(["Paris", "Berlin", "Rome", "Madrid", "Vienna", "Prague", "Warsaw"])  # one batch is kept whole
    paris = fresh.places("Paris", "FR")[0].id
    fresh.prefetch(["Seoul"])  # the next one empties the memo first: it holds at most the limit or one batch
    assert set(fresh._named) == {"seoul"} and paris not in fresh._by_id
    assert fresh.places("Paris", "FR")[0].name == "Paris"  # still answered, read again
    assert "paris" in fresh._named


@pytest.mark.parametrize("cutoff", [60.0, 90.0])
def test_close_spellings_are_the_ones_rapidfuzz_finds_over_the_whole_list(cutoff):
    rng = random.Random(7)
    letters = "aabeilnorst"
    names = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 12))) for _ in range(3000)]
    names += names[:50]  # equal names: the first in the list wins, as in rapidfuzz
    spellings = Spellings(names)
    for query in [*names[:100], "salerno", "strasbourg", "", "x"]:
        for limit in (1, 2, 5):
            expected = process.extract(
                query, names, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=limit
            )
            assert spellings.closest(query, cutoff, limit) == expected


def test_a_cell_is_cleaned_as_the_regular_expression_cleans_it():
    rng = random.Random(3)
    alphabet = [" ", "\t", "\n", "\r", "\x0b", "\u00a0", "\u2003", "\u3000", "\x85", "\u2028", "a", "é", "수", "-"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        assert clean(text) == re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()
    assert clean(None) == "" and clean("Halle (Saale)") == "Halle (Saale)"
