"""The review page: anyone reads the queue; a signed-in editor (or a bearer token) decides, as a recorded change."""

from __future__ import annotations

import re

import pytest

from graph import gazetteer
from graph import reconcile as rc
from graph.tabular import Mapping, import_table
from server import create_app

TOKEN = "t" * 24
MAP = Mapping.from_pairs(
    ["city1=party1.name", "country1=party1.country", "city2=party2.name", "country2=party2.country"]
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    gazetteer.get()
    app = create_app({"STORE": "memory:", "WRITE_TOKENS": f"office:{TOKEN}", "SECRET_KEY": "s" * 32, "TESTING": True})
    table = tmp_path_factory.mktemp("review") / "ties.csv"
    table.write_text("city1,country1,city2,country2\nSaint-Denis,,Lyon,France\n<b>Zzyzxville</b>,,Lyon,France\n")
    import_table(app.extensions["kg"].store, table, MAP)
    return app


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_the_queue_is_public_escaped_and_bounded(app):
    client = app.test_client()
    page = client.get("/review")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Saint-Denis" in html and "Réunion" not in html  # candidates shown by name and country code
    assert "&lt;b&gt;Zzyzxville&lt;/b&gt;" in html and "<b>Zzyzxville</b>" not in html
    assert "sign in" in html and 'name="action"' not in html  # no decision forms without an editor
    data = client.get("/review?format=json").get_json()
    assert any(
        i["name"] == "Saint-Denis" and {c["country"] for c in i["candidates"]} >= {"FR", "RE"} for i in data["items"]
    )
    assert client.get("/review?limit=x").status_code == 400
    assert client.post("/review/decide", data={"action": "reject"}).status_code == 400  # no CSRF token


def test_an_editor_accepts_a_candidate_as_a_recorded_change(app):
    client = app.test_client()
    token = csrf(client.get("/edit/").get_data(as_text=True))
    client.post("/edit/login", data={"csrf": token, "token": TOKEN})
    html = client.get("/review").get_data(as_text=True)
    assert 'value="accept"' in html
    item = next(i for i in client.get("/review?format=json").get_json()["items"] if i["name"] == "Saint-Denis")
    answer = client.post(
        "/review/decide",
        data={"csrf": csrf(html), "item": item["item"], "candidate": "935264", "action": "accept"},
    )
    assert answer.status_code == 302
    assert "Recorded as change" in client.get("/review").get_data(as_text=True)
    store = app.extensions["kg"].store
    found = list(store.select_values(f"SELECT ?g WHERE {{ <{item['place']}> <{rc.SKOS}exactMatch> ?g }}"))
    assert found == [("https://sws.geonames.org/935264/",)]
    log = list(store.select_values("SELECT ?c WHERE { ?c <http://www.w3.org/ns/prov#wasAssociatedWith> ?a }"))
    assert log


def test_a_bearer_token_decides_and_errors_are_clear(app):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    bad = client.post("/review/decide", data={"action": "accept", "item": "x", "candidate": "1"}, headers=headers)
    assert bad.status_code == 400 and "no match x" in bad.get_json()["error"]
    assert client.post("/review/decide", data={"action": "nope"}, headers=headers).status_code == 400
    assert (
        client.post("/review/decide", data={"action": "reject"}, headers={"Authorization": "Bearer x"}).status_code
        == 403
    )
    item = next(i for i in client.get("/review?format=json").get_json()["items"] if "Zzyzxville" in i["name"])
    done = client.post("/review/decide", data={"action": "reject", "item": item["item"]}, headers=headers)
    assert done.status_code == 200 and done.get_json()["change"].startswith("https://partnergraph.org/id/change/")


def test_candidate_regions_without_coordinates_are_shown_as_such(app, tmp_path):
    table = tmp_path / "districts.csv"
    table.write_text("city1,country1,city2,country2\nSpassky District,Russia,Lyon,France\n")  # four such raions
    import_table(app.extensions["kg"].store, table, MAP)
    page = app.test_client().get("/review?limit=200")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Spassky District" in html
    assert "second-level region" in html and "no coordinates (no place lies inside it)" in html
    data = app.test_client().get("/review?format=json&limit=200").get_json()
    spassky = next(i for i in data["items"] if i["name"] == "Spassky District")
    assert all(c["region_name"] for c in spassky["candidates"])  # the oblast each raion lies in, named
    assert "region 73" not in html
