"""The explorer's own JSON: the timeline (dated things by year, at their precision, the undated counted apart) and
the quoted table rows (with their number and the table's column names)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import network_app

DATA = Path(__file__).parent / "data"
ID = "https://partnergraph.org/id/"


@pytest.fixture(scope="module")
def client():
    app = network_app()
    app.extensions["kg"].store.add_data((DATA / "explorer.trig").read_bytes(), "trig")
    return app.test_client()


def test_timeline_counts_ties_and_courses_by_year_at_their_precision(client) -> None:
    body = client.get("/api/timeline").get_json()
    bins = {b["year"]: b for b in body["bins"]}
    assert bins[1993]["tie"] == 1 and bins[1993]["precision"] == {"year": 0, "month": 0, "day": 1}
    assert bins[2005]["precision"] == {"year": 1, "month": 0, "day": 0}  # "2005"^^xsd:gYear
    assert bins[2015]["course"] == 1
    assert body["spans"][ID + "course/hanoi-officials-2015"] == [2015, 2015]
    # The Hanoi–Springfield twinning and the medical training program have no date.
    assert body["undated"]["tie"] == 1 and body["undated"]["program"] == 1
    assert body["total"]["tie"] == sum(b["tie"] for b in body["bins"]) + body["undated"]["tie"]


def test_rows_give_the_row_number_and_the_column_names(client) -> None:
    body = client.post("/api/rows", json={"ids": [ID + "partnership/hanoi-springfield"]}).get_json()
    assert body["rows"] == [
        {
            "subject": ID + "partnership/hanoi-springfield",
            "source": ID + "source/explorer-table",
            "text": "Hanoi,Vietnam,Springfield,China",
            "row": 7,
            "file": "twin_cities_raw.csv",
            "columns": ["city1", "country1", "city2", "country2"],
        }
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, 'send {"ids"'),
        ({"ids": "x"}, 'send {"ids"'),
        ({"ids": ["not an iri"]}, "is not an IRI"),
        ({"ids": [ID + "x"] * 501}, "at most 500 ids"),
    ],
)
def test_rows_refuse_bad_input_with_a_clear_400(client, body, message) -> None:
    response = client.post("/api/rows", json=body)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
