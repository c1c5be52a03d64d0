"""The edit forms: sign in with a token, add and correct with a source, CSRF, the shipped shapes, revert."""

from __future__ import annotations

import re

import pytest

from graph.forms import FormEdit, Source, typed_date
from server import create_app

TOKEN = "office-token-0123456789abcdef"
ID = "https://partnergraph.org/id/"
KP = "https://partnergraph.org/ontology#"
GYEONGGI = ID + "region/kr/gyeonggi-province"
BC = ID + "region/ca/british-columbia"
SISTERHOOD = "https://partnergraph.org/vocab/tie-kind/sisterhood"


@pytest.fixture(scope="module")
def app():
    """The shipped data and shapes; writes on for the 'office' token."""
    return create_app({"STORE": "memory:", "WRITE_TOKENS": f"office:{TOKEN}", "SECRET_KEY": "s" * 32, "TESTING": True})


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def signed_in(app):
    client = app.test_client()
    token = csrf(client.get("/edit/").get_data(as_text=True))
    response = client.post("/edit/login", data={"csrf": token, "token": TOKEN})
    assert response.status_code == 302
    return client, csrf(client.get("/edit/").get_data(as_text=True))


def objects(app, s: str, p: str) -> list[tuple[str, str]]:
    rows = app.extensions["kg"].store.select_values(
        f"SELECT ?o ?g WHERE {{ GRAPH ?g {{ <{s}> <{p}> ?o }} }} ORDER BY ?o"
    )
    return list(rows)


AGREEMENT = {
    "label": "Gyeonggi – British Columbia sisterhood",
    "type": "Agreement",
    "parties": [GYEONGGI, BC],
    "kind": SISTERHOOD,
    "date": "1998-05",
    "field": "",
    "source_title": "Test bulletin 2024",
    "source_url": "https://example.org/bulletin",
    "quote": "Gyeonggi and British Columbia became sister provinces in May 1998.",
    "comment": "from the bulletin",
}


def test_sign_in_needs_a_valid_token_and_csrf(app):
    client = app.test_client()
    page = client.get("/edit/")
    assert page.status_code == 200 and 'name="token"' in page.get_data(as_text=True)
    token = csrf(page.get_data(as_text=True))
    assert client.post("/edit/login", data={"token": TOKEN}).status_code == 400  # no CSRF token
    wrong = client.post("/edit/login", data={"csrf": token, "token": TOKEN + "x"})
    assert wrong.status_code == 403 and "not valid" in wrong.get_data(as_text=True)
    assert client.get("/edit/agreement").status_code == 302  # not signed in
    client, _ = signed_in(app)
    assert client.get("/edit/agreement").status_code == 200
    cookie = client.get_cookie("session")
    assert TOKEN not in cookie.value


def test_edits_are_off_without_tokens():
    app = create_app({"STORE": "memory:", "LOAD_SHIPPED": False, "WRITE_TOKENS": "", "TESTING": True})
    page = app.test_client().get("/edit/")
    assert page.status_code == 403 and "Writes are disabled" in page.get_data(as_text=True)


def test_add_then_correct_an_agreement(app):
    client, token = signed_in(app)
    response = client.post("/edit/agreement", data={**AGREEMENT, "csrf": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    tie = ID + "agreement/gyeonggi-british-columbia-sisterhood"
    source = ID + "source/test-bulletin-2024"
    assert objects(app, tie, KP + "party") == [(BC, source), (GYEONGGI, source)]
    assert objects(app, tie, KP + "signedDate") == [("1998-05", source)]
    assert objects(app, source, "http://purl.org/dc/terms/source") == [("https://example.org/bulletin", source)]
    evidence = objects(app, tie, KP + "evidence")
    assert evidence == [(ID + "evidence/test-bulletin-2024/1", source)]
    assert objects(app, evidence[0][0], "http://www.w3.org/ns/prov#value") == [(AGREEMENT["quote"], source)]
    writer = app.extensions["writer"]
    last = writer.changes(limit=1)[0]
    assert (last.agent, last.comment, len(last.added), len(last.removed)) == (
        "office",
        "from the bulletin",
        14,
        0,
    )  # 4 source, 3 evidence, 7 tie
    # adding it again is refused: correct it instead
    again = client.post("/edit/agreement", data={**AGREEMENT, "csrf": token})
    assert again.status_code == 400 and "exists already" in again.get_data(as_text=True)
    # correct the date, with a new source
    form = client.get(f"/edit/agreement?iri={tie}").get_data(as_text=True)
    assert 'value="1998-05"' in form
    corrected = client.post(
        f"/edit/agreement?iri={tie}",
        data={
            **AGREEMENT,
            "date": "1998-05-15",
            "source_title": "Another paper",
            "quote": "on 15 May 1998",
            "csrf": token,
        },
    )
    assert corrected.status_code == 302, corrected.get_data(as_text=True)
    other = ID + "source/another-paper"
    assert objects(app, tie, KP + "signedDate") == [("1998-05-15", other)]
    assert objects(app, tie, KP + "party") == [(BC, source), (GYEONGGI, source)]  # unchanged values stay
    assert len(objects(app, tie, KP + "evidence")) == 2
    # revert the correction: the button leads to the change in words and asks to confirm; nothing is undone yet
    change = writer.changes(limit=1)[0].iri
    unconfirmed = client.post("/edit/revert", data={"csrf": token, "change": change})
    assert unconfirmed.status_code == 302 and unconfirmed.location.endswith("/edit/change/" + change.rsplit("/", 1)[1])
    assert objects(app, tie, KP + "signedDate") == [("1998-05-15", other)]
    confirm = client.get(unconfirmed.location).get_data(as_text=True)
    assert "Revert this change?" in confirm and 'name="confirm" value="yes"' in confirm
    assert "signed date" in confirm and "“1998-05”" in confirm and "“1998-05-15”" in confirm
    reverted = client.post("/edit/revert", data={"csrf": token, "change": change, "confirm": "yes"})
    assert reverted.status_code == 302
    assert objects(app, tie, KP + "signedDate") == [("1998-05", source)]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"date": "May 1998"}, "YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"date": "1998-02-30"}, "not a day of the calendar"),
        ({"quote": ""}, "quote the words"),
        ({"parties": [GYEONGGI]}, "two or more parties"),
        ({"parties": [GYEONGGI, ID + "region/xx/nowhere"]}, "is not in the graph"),
        ({"source_url": "javascript:alert(1)"}, "http(s) URL"),
        ({"kind": "https://evil.example/kind"}, "not a concept"),
        ({"label": "Other tie", "type": "Partnership", "parties": [GYEONGGI, KP + "party"]}, "not an entity IRI"),
    ],
)
def test_bad_form_values_are_refused_with_the_reason(app, changes, message):
    client, token = signed_in(app)
    before = app.extensions["kg"].store.quad_count()
    response = client.post("/edit/agreement", data={**AGREEMENT, "label": "Another tie", **changes, "csrf": token})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert app.extensions["kg"].store.quad_count() == before


def test_shapes_of_the_shipped_data_judge_form_edits(app):
    """A party that is neither a region nor an organisation breaks the shipped shapes: refused, nothing written."""
    client, token = signed_in(app)
    before = app.extensions["kg"].store.quad_count()
    program = ID + "source/gyeonggi-public-officials-training"
    response = client.post(
        "/edit/agreement", data={**AGREEMENT, "label": "Odd tie", "parties": [GYEONGGI, program], "csrf": token}
    )
    assert response.status_code == 422
    assert "kp:Region or a kp:Organization" in response.get_data(as_text=True)
    assert app.extensions["kg"].store.quad_count() == before


def test_add_an_entity_and_a_program(app):
    client, token = signed_in(app)
    entity = {
        "label": "Suwon <Test> City",
        "type": "City",
        "alt_labels": "Suwon-si\nSuwon",
        "located_in": GYEONGGI,
        "source_title": "City list",
        "quote": "Suwon is a city of Gyeonggi Province",
        "csrf": token,
    }
    assert client.post("/edit/entity", data=entity).status_code == 302
    city = ID + "region/kr/suwon-test-city"
    assert objects(app, city, "http://www.w3.org/2004/02/skos/core#altLabel") == [
        ("Suwon", ID + "source/city-list"),
        ("Suwon-si", ID + "source/city-list"),
    ]
    page = client.get(f"/edit/entity?iri={city}").get_data(as_text=True)
    assert "Suwon &lt;Test&gt; City" in page and "Suwon <Test> City" not in page  # escaped
    program = {
        "label": "Suwon training 2024",
        "type": "TrainingProgram",
        "organizer": city,
        "start_date": "2024",
        "source_title": "City list",
        "quote": "Suwon trains officials from 2024",
        "csrf": token,
    }
    assert client.post("/edit/program", data=program).status_code == 302
    assert objects(app, ID + "program/suwon-training-2024", "https://schema.org/startDate") == [
        ("2024", ID + "source/city-list")
    ]
    assert objects(app, ID + "evidence/city-list/2", "http://www.w3.org/ns/prov#value") == [
        ("Suwon trains officials from 2024", ID + "source/city-list")
    ]


def test_a_revoked_token_ends_the_session(app):
    client, _ = signed_in(app)
    tokens = app.extensions["write_tokens"]
    app.extensions["write_tokens"] = {"office": "a-brand-new-token-0123456789"}
    try:
        assert client.get("/edit/agreement").status_code == 302
    finally:
        app.extensions["write_tokens"] = tokens


def test_dates_keep_their_precision():
    assert typed_date("2014", "d").datatype.value.endswith("#gYear")
    assert typed_date("2014-09", "d").datatype.value.endswith("#gYearMonth")
    assert typed_date("2014-09-03", "d").datatype.value.endswith("#date")
    assert typed_date("", "d") is None


def test_evidence_numbers_continue_after_the_existing_ones(app):
    builder = FormEdit(app.extensions["kg"])
    graph, evidence, quads = builder.source(Source("Global Inspiration GyeongGi-Do", "", "x"))
    assert graph.value == ID + "source/global-inspiration-gyeonggi-do"
    assert evidence.value == ID + "evidence/global-inspiration-gyeonggi-do/1"


# -- editing by name -------------------------------------------------------------------------------------------


def test_parties_are_chosen_by_name_and_the_page_links_the_new_tie(app):
    client, token = signed_in(app)
    data = {
        **AGREEMENT,
        "label": "Gyeonggi – British Columbia youth exchange",
        "parties": ["Gyeonggi Province", "british columbia"],  # names, as typed (case does not matter)
        "csrf": token,
    }
    response = client.post("/edit/agreement", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    tie = ID + "agreement/gyeonggi-british-columbia-youth-exchange"
    assert sorted(o for o, _ in objects(app, tie, KP + "party")) == [BC, GYEONGGI]
    saved = page[page.index('id="saved"') :]
    assert 'href="/id/agreement/gyeonggi-british-columbia-youth-exchange"' in saved
    assert "Gyeonggi – British Columbia youth exchange</a>" in saved
    # the correction form shows the parties by name, not by IRI
    form = client.get(f"/edit/agreement?iri={tie}").get_data(as_text=True)
    assert 'value="Gyeonggi Province"' in form and f'value="{GYEONGGI}"' not in form


def test_every_bad_field_is_reported_at_once(app):
    client, token = signed_in(app)
    before = app.extensions["kg"].store.quad_count()
    response = client.post(
        "/edit/agreement",
        data={
            **AGREEMENT,
            "label": "",
            "parties": ["Gyeonggi Province", "Atlantis Nowhere"],
            "date": "May 1998",
            "quote": "",
            "source_url": "javascript:alert(1)",
            "csrf": token,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "5 problems; nothing was written." in page
    for message in ("name: give the display name", "party 2:", "YYYY, YYYY-MM or YYYY-MM-DD", "quote the words"):
        assert message in page, message
    assert "http(s) URL" in page
    for field in ("label", "party-2", "date", "quote", "source_url"):
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page), field
    for fine in ("party-1", "party-3"):  # a good party, an empty extra one
        assert not re.search(rf'id="{fine}"[^>]*aria-invalid', page), fine
    assert app.extensions["kg"].store.quad_count() == before


def test_a_name_several_entities_share_asks_which(tmp_path):
    from graph.forms import resolve_name
    from graph.network import AmbiguousName
    from tests.conftest import network_app

    kg = network_app().extensions["kg"]
    with pytest.raises(AmbiguousName) as error:
        resolve_name(kg, "Springfield")
    assert "id/region/cn/springfield" in str(error.value) and "id/region/kr/springfield" in str(error.value)
    assert resolve_name(kg, "Springfield [id:region/cn/springfield]") == ID + "region/cn/springfield"
    assert resolve_name(kg, "gyeonggi-do") == GYEONGGI  # another spelling of the same place


def test_correct_by_name(app):
    client, _ = signed_in(app)
    found = client.get("/edit/correct?form=entity&name=Gyeonggi+Province")
    assert found.status_code == 302 and found.location == "/edit/entity?iri=" + GYEONGGI
    missing = client.get("/edit/correct?form=entity&name=Nowhere+at+all", follow_redirects=True)
    assert "Nowhere at all" in missing.get_data(as_text=True)


def test_the_change_log_says_what_changed_in_words(app):
    client, token = signed_in(app)
    client.post(
        "/edit/entity",
        data={
            "label": "Hwaseong Test City",
            "type": "City",
            "located_in": "Gyeonggi Province",
            "source_title": "City list",
            "quote": "Hwaseong is a city of Gyeonggi Province",
            "csrf": token,
        },
    )
    page = client.get("/edit/").get_data(as_text=True)
    log = page[page.index("Recent changes") :]
    assert "Hwaseong Test City" in log and "located in" in log and ">Gyeonggi Province</a>" in log
    assert 'class="added"' in log and "Review or revert this change" in log
    # the entity's public page has the same history, without signing in
    public = app.test_client().get("/id/region/kr/hwaseong-test-city").get_data(as_text=True)
    assert "“Hwaseong Test City”" in public[public.index('id="history"') :]


def test_one_name_for_the_token_setting(app):
    from pathlib import Path

    off = create_app({"STORE": "memory:", "LOAD_SHIPPED": False, "WRITE_TOKENS": "", "TESTING": True})
    page = off.test_client().get("/edit/").get_data(as_text=True)
    assert "PARTNERGRAPH_WRITE_TOKENS" in page
    assert (
        off.test_client()
        .post("/update", data={"update": "x"})
        .get_json()["error"]
        .endswith("(PARTNERGRAPH_WRITE_TOKENS)")
    )
    docs = (Path(__file__).resolve().parent.parent / "docs" / "editing.md").read_text("utf-8")
    assert "export PARTNERGRAPH_WRITE_TOKENS=" in docs
    # the navigation offers Edit only where writes are on
    assert 'href="/edit/"' not in off.test_client().get("/sources").get_data(as_text=True)
    assert 'href="/edit/"' in app.test_client().get("/sources").get_data(as_text=True)


def test_signing_in_returns_to_the_page_asked_for(app):
    client = app.test_client()
    asked = client.get("/edit/entity?iri=" + GYEONGGI)
    assert asked.status_code == 302 and "next=" in asked.location
    page = client.get(asked.location).get_data(as_text=True)
    assert 'name="next" value="/edit/entity?iri=' in page
    done = client.post("/edit/login", data={"csrf": csrf(page), "token": TOKEN, "next": "/edit/entity?iri=" + GYEONGGI})
    assert done.location == "/edit/entity?iri=" + GYEONGGI
    for elsewhere in ("https://evil.example/", "//evil.example/edit/", "/id/region/kr"):
        other = app.test_client()
        token = csrf(other.get("/edit/").get_data(as_text=True))
        assert other.post("/edit/login", data={"csrf": token, "token": TOKEN, "next": elsewhere}).location == "/edit/"
