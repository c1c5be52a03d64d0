"""The map's JSON (``/api/map/*``) and its library (``graph/geo.py``): places with coordinates, the ties between
them as index pairs, the explorer's filters, refused coordinates, sources that disagree, and empty states that
say why."""

from __future__ import annotations

import doctest
import re

import pytest
from flask.testing import FlaskClient

from graph import geo
from tests.conftest import network_app

ID = "https://partnergraph.org/id/"
GYEONGGI, LIAONING, HANOI = (
    ID + "region/kr/gyeonggi-province",
    ID + "region/cn/liaoning-province",
    ID + "region/vn/hanoi",
)

#: Coordinates for the hand-drawn network (approximate centres, written for these tests), one refused row (a
#: latitude of 123°) and a second source that puts Hanoi in the wrong place (to be flagged, not drawn).
COORDINATES = """
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX id: <https://partnergraph.org/id/>
id:source\\/test-coordinates {
  id:source\\/test-coordinates dcterms:title "Test coordinates" ; dcterms:rights "Written for the tests" .
  id:region\\/kr\\/gyeonggi-province geo:lat "37.4"^^xsd:decimal ; geo:long "127.5"^^xsd:decimal .
  id:region\\/cn\\/liaoning-province geo:lat "41.3"^^xsd:decimal ; geo:long "122.6"^^xsd:decimal .
  id:region\\/vn\\/hanoi geo:lat "21.03"^^xsd:decimal ; geo:long "105.85"^^xsd:decimal .
  id:org\\/xss geo:lat "37.56"^^xsd:decimal ; geo:long "126.97"^^xsd:decimal .
  id:region\\/kr\\/springfield geo:lat "123"^^xsd:decimal ; geo:long "127"^^xsd:decimal .
}
id:source\\/z-other-coordinates {
  id:region\\/vn\\/hanoi geo:lat "10.8"^^xsd:decimal ; geo:long "106.6"^^xsd:decimal .
}
"""


#: Organisations without coordinates of their own, drawn where they are located (tests/data/network.trig).
PLACED_ORGS = {
    ID + "org/gacheon-university": GYEONGGI,
    ID + "org/hanoi-medical-university": HANOI,
    ID + "org/bach-mai-hospital": HANOI,
}


def map_app(coordinates: bool = True):
    """The explorer's test network, with the coordinates above (or none)."""
    app = network_app()
    if coordinates:
        app.extensions["kg"].store.add_data(COORDINATES.encode("utf-8"), "trig")
    return app


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    return map_app().test_client()


def places_of(body: dict) -> dict[str, list]:
    """Place rows by full IRI."""
    return {geo.full_id(row[0]): row for row in body["places"]["rows"]}


def tied_pairs(client: FlaskClient, query: str = "") -> set[frozenset[str]]:
    """The pairs of places the map draws a tie between, as IRIs (indexes resolved through /api/map/places)."""
    places = client.get("/api/map/places" + query).get_json()
    ties = client.get("/api/map/ties" + query).get_json()
    assert places["key"] == ties["key"]
    ids = [geo.full_id(row[0]) for row in places["places"]["rows"]]
    return {frozenset((ids[a], ids[b])) for a, b, *_ in ties["ties"]["rows"]}


def test_places_with_coordinates_are_listed_best_tied_first(client: FlaskClient) -> None:
    body = client.get("/api/map/places").get_json()
    assert body["places"]["columns"] == [
        "id", "label", "lat", "lon", "country", "partners", "ties", "source", "placedAt"
    ]  # fmt: skip
    rows = places_of(body)
    assert set(rows) == {GYEONGGI, LIAONING, HANOI, ID + "org/xss"} | set(PLACED_ORGS)
    assert body["places"]["rows"][0][0] == "id:region/kr/gyeonggi-province"  # the most tied place first
    gyeonggi = rows[GYEONGGI]
    assert gyeonggi[1:4] == ["Gyeonggi Province", 37.4, 127.5]
    assert body["countries"][gyeonggi[4]]["label"] == "South Korea"
    assert body["sources"][gyeonggi[7]]["title"] == "Test coordinates"
    assert body["sources"][gyeonggi[7]]["rights"] == "Written for the tests"
    # Hanoi has two sources: the first (in IRI order) is drawn.
    assert rows[HANOI][2:4] == [21.03, 105.85]
    assert body["empty"] is None


def test_ties_join_places_by_index_and_count_what_is_not_drawn(client: FlaskClient) -> None:
    gacheon, hmu = ID + "org/gacheon-university", ID + "org/hanoi-medical-university"
    assert tied_pairs(client) == {
        frozenset((GYEONGGI, LIAONING)),
        frozenset((LIAONING, HANOI)),
        frozenset((GYEONGGI, ID + "org/xss")),
        # The medical MOU ties Gyeonggi and two universities, drawn where the universities are located.
        frozenset((GYEONGGI, gacheon)),
        frozenset((GYEONGGI, hmu)),
        frozenset((gacheon, hmu)),
    }
    ties = client.get("/api/map/ties").get_json()
    assert ties["ties"]["columns"] == ["a", "b", "ties", "year"]
    assert sorted(row[3] for row in ties["ties"]["rows"]) == [1993, 2005, 2014, 2014, 2014, 2020]
    counts = ties["counts"]
    # Hanoi's twinning with Springfield (whose only latitude is refused): counted, not drawn.
    assert counts["tiesNotDrawn"] == 1
    # ... and the map names the end that keeps it off: Springfield, with its one tie.
    assert counts["endsNotDrawn"] == 1
    places = client.get("/api/map/places").get_json()
    assert places["notDrawn"]["columns"] == ["id", "label", "type", "ties"]
    [(end, _label, _type, ties)] = places["notDrawn"]["rows"]
    assert end.startswith("id:region/") and "springfield" in end and ties == 1
    assert counts["placesWithoutCoordinates"] >= 2  # the two Springfields, the countries
    assert counts["refused"] == 1


def test_a_latitude_out_of_range_is_refused_not_drawn(client: FlaskClient) -> None:
    rows = places_of(client.get("/api/map/places").get_json())
    assert ID + "region/kr/springfield" not in rows


def test_filters_are_the_explorers(client: FlaskClient) -> None:
    assert tied_pairs(client, "?kind=sisterhood") == {frozenset((GYEONGGI, LIAONING))}
    only_sisters = places_of(client.get("/api/map/places?kind=sisterhood").get_json())
    assert set(only_sisters) == {GYEONGGI, LIAONING}  # with a filter on ties, untied places leave the map
    assert tied_pairs(client, "?from_year=2000&to_year=2010") == {frozenset((LIAONING, HANOI))}
    # A country keeps its entities and whoever they are tied to: Liaoning (tied to Hanoi), Gyeonggi and Gacheon
    # University (parties to the MOU with Hanoi Medical University, drawn in Hanoi).
    gacheon, hmu = ID + "org/gacheon-university", ID + "org/hanoi-medical-university"
    assert set(places_of(client.get("/api/map/places?country=VN").get_json())) == {
        HANOI, LIAONING, GYEONGGI, gacheon, hmu, ID + "org/bach-mai-hospital"
    }  # fmt: skip
    assert tied_pairs(client, "?country=VN") == {
        frozenset((LIAONING, HANOI)), frozenset((GYEONGGI, hmu)), frozenset((gacheon, hmu))
    }  # fmt: skip


def test_filters_that_leave_nothing_say_so(client: FlaskClient) -> None:
    body = client.get("/api/map/places?kind=no-such-kind").get_json()
    assert body["places"]["rows"] == []
    assert body["empty"]["reason"] == "filters"
    assert "kind no-such-kind" in body["empty"]["message"] and "4 places" in body["empty"]["message"]
    years = client.get("/api/map/places?from_year=1800&to_year=1801").get_json()
    assert "undated ties are left out" in years["empty"]["message"]


def test_no_coordinates_at_all_says_how_to_get_them() -> None:
    client = map_app(coordinates=False).test_client()
    body = client.get("/api/map/places").get_json()
    assert body["places"]["rows"] == [] and body["empty"]["reason"] == "no-coordinates"
    assert "reconcile" in body["empty"]["message"]
    assert client.get("/api/map/ties").get_json()["ties"]["rows"] == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?type=planet", "unknown type planet"),
        ("?from_year=soon", "from_year: 'soon' is not a year"),
    ],
)
def test_bad_filters_are_a_clear_400(client: FlaskClient, query: str, message: str) -> None:
    for path in ("/api/map/places", "/api/map/ties"):
        response = client.get(path + query)
        assert response.status_code == 400
        assert message in response.get_json()["error"]


def test_one_place_lists_every_source_and_flags_disagreement(client: FlaskClient) -> None:
    body = client.get("/api/map/place?id=id:region/vn/hanoi").get_json()
    assert [(p["lat"], p["source"].rsplit("/", 1)[-1]) for p in body["positions"]] == [
        (21.03, "test-coordinates"),
        (10.8, "z-other-coordinates"),
    ]
    assert body["disagree"] is True  # Hanoi and Ho Chi Minh City are 1,100 km apart
    assert client.get("/api/map/place?id=" + GYEONGGI).get_json()["disagree"] is False
    assert client.get("/api/map/place?id=id:region/cn/springfield").status_code == 404  # a place is never moved
    assert client.get("/api/map/place").status_code == 400


def test_positions_of_path_hops(client: FlaskClient) -> None:
    body = client.get("/api/map/positions?ids=id:region/cn/liaoning-province|id:region/cn/springfield").get_json()
    assert body["positions"] == {"id:region/cn/liaoning-province": [41.3, 122.6], "id:region/cn/springfield": None}
    assert client.get("/api/map/positions?ids=id:org/gacheon-university").get_json()["positions"] == {
        "id:org/gacheon-university": [37.4, 127.5]  # drawn where it is located
    }
    too_many = "|".join(f"id:x/{i}" for i in range(501))
    assert client.get("/api/map/positions?ids=" + too_many).status_code == 400
    assert client.get("/api/map/positions").status_code == 400


def test_an_organisation_without_coordinates_is_placed_where_it_is_located(client: FlaskClient) -> None:
    body = client.get("/api/map/places").get_json()
    rows = places_of(body)
    for org, place in PLACED_ORGS.items():
        assert rows[org][2:4] == rows[place][2:4] and geo.full_id(rows[org][8]) == place
    assert rows[ID + "org/xss"][8] is None  # it has coordinates of its own: drawn there
    assert rows[GYEONGGI][8] is None
    assert body["counts"]["placedByLocation"] == len(PLACED_ORGS)
    where = client.get("/api/map/place?id=id:org/gacheon-university").get_json()
    assert where["placedAt"] == {"id": GYEONGGI, "label": "Gyeonggi Province"}
    assert [(p["lat"], p["lon"]) for p in where["positions"]] == [(37.4, 127.5)]
    assert client.get("/api/map/place?id=" + GYEONGGI).get_json()["placedAt"] is None


def test_placing_walks_up_the_containment_and_prefers_own_coordinates() -> None:
    app = map_app()
    kg = app.extensions["kg"]
    kg.store.add_data(
        b"""PREFIX kp: <https://partnergraph.org/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX id: <https://partnergraph.org/id/>
        PREFIX org: <http://www.w3.org/ns/org#>
        id:source\\/lab { id:org\\/lab a kp:University ; rdfs:label "Lab" ; kp:locatedIn id:region\\/kr\\/springfield .
          id:org\\/fair a kp:Organization ; rdfs:label "Fair" ; kp:location id:region\\/cn\\/liaoning-province .
          id:org\\/office a kp:Organization ; rdfs:label "Office" ; org:unitOf id:region\\/vn\\/hanoi .
          id:org\\/desk a kp:Organization ; rdfs:label "Desk" ; org:subOrganizationOf id:org\\/office . }""",
        "trig",
    )
    coords = geo.read_coordinates(kg)
    orgs = ["lab", "fair", "office", "desk", "xss", "none"]
    placed = geo.place_by_location(kg, coords, [ID + "org/" + name for name in orgs])
    # Springfield's latitude is refused: one step up, Gyeonggi has coordinates. kp:location counts too, and so does
    # being a unit of a city's government (the desk of the office of Hanoi: two steps). The organisation with
    # coordinates of its own and the one located nowhere are not placed.
    assert placed == {
        ID + "org/lab": GYEONGGI, ID + "org/fair": LIAONING, ID + "org/office": HANOI, ID + "org/desk": HANOI
    }  # fmt: skip


def test_the_page_has_no_inline_script_and_credits_the_base_map(client: FlaskClient) -> None:
    html = client.get("/map").get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S)
    assert scripts and all(body.strip() == "" for body in scripts)
    assert re.search(r'<script type="module" src="/static/map/map.js">', html)
    assert "Natural Earth" in html and "public domain" in html
    assert 'href="/map"' in client.get("/").get_data(as_text=True)  # the explorer's navigation links here


def test_vendored_map_files_are_served_from_static(client: FlaskClient) -> None:
    for path in (
        "/static/vendor/maplibre/maplibre-gl.mjs",
        "/static/vendor/maplibre/maplibre-gl-worker.mjs",
        "/static/vendor/natural-earth/countries-110m.geojson",
        "/static/vendor/natural-earth/countries-50m.geojson",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()


def test_geo_doctests() -> None:
    assert doctest.testmod(geo).failed == 0


def test_shipped_curated_organisations_in_gyeonggi_are_drawn_at_the_province() -> None:
    from server import create_app

    rows = places_of(create_app().test_client().get("/api/map/places").get_json())
    province = rows[GYEONGGI]  # a first-level region placed by the centroid of its GeoNames places
    office = rows[ID + "org/gyeonggi-provincial-office"]  # no coordinates of its own: located in the province
    assert office[8] == "id:region/kr/gyeonggi-province" and office[2:4] == province[2:4]
