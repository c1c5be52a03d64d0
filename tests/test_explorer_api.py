"""The explorer's own JSON: the timeline (dated things by year, at their precision, the undated counted apart)."""

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
