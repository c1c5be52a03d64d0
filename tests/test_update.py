"""Authenticated writes: /update (SPARQL 1.1 Update) and /store (Graph Store Protocol), validated and recorded."""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from graph import KnowledgeGraph
from graph.changes import CHANGE_BASE, ChangeRefused, Writer, check_update_text
from server import create_app
from web.auth import TokenConfigError, parse_tokens

from .conftest import MINI, free_port

DATA = Path(__file__).parent / "data"
ALICE = "alice-token-0123456789abcdef"
BOB = "bob-token-0123456789abcdefgh"
ID = "https://partnergraph.org/id/"
KP = "https://partnergraph.org/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREFIXES = (
    "PREFIX kp: <https://partnergraph.org/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX prov: <http://www.w3.org/ns/prov#>\nPREFIX id: <https://partnergraph.org/id/>\n"
)
SOURCE_A = ID + "source/mini-a"


def make_app(tokens: str = f"alice:{ALICE},bob:{BOB}", store: str = "memory:"):
    """An app over mini.trig with the test shapes; writes enabled for alice and bob."""
    app = create_app({"STORE": store, "LOAD_SHIPPED": False, "WRITE_TOKENS": tokens, "TESTING": True})
    kg = app.extensions["kg"]
    kg.import_file(MINI, validate=False)
    app.extensions["writer"] = Writer(kg, shapes=Graph().parse(DATA / "edit-shapes.ttl"))
    return app


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def auth(token: str = ALICE) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_update(client, text: str, token: str | None = ALICE, **headers):
    all_headers = {"Content-Type": "application/sparql-update", **headers}
    if token:
        all_headers.update(auth(token))
    return client.post("/update", data=text.encode(), headers=all_headers)


def new_org(slug: str, graph: str = SOURCE_A) -> str:
    """An INSERT DATA of a complete organisation (6 statements: type, label, evidence link; its evidence's type,
    quote and document)."""
    return (
        PREFIXES + f'INSERT DATA {{ GRAPH <{graph}> {{ id:org\\/{slug} a kp:Organization ; rdfs:label "Org {slug}" ;'
        f' kp:evidence id:evidence\\/{slug} . id:evidence\\/{slug} a kp:Evidence ; prov:value "{slug} exists" ;'
        f" prov:wasQuotedFrom <{graph}> . }} }}"
    )


def label_of(kg: KnowledgeGraph, iri: str) -> list[str]:
    return sorted(str(r[0]) for r in kg.store.select(f"SELECT ?l WHERE {{ <{iri}> <{RDFS_LABEL}> ?l }}").rows)


def data_quads(kg: KnowledgeGraph) -> set[str]:
    """Every quad outside the change log, as N-Quads lines."""
    return {line for line in kg.store.dump("nquads").decode().splitlines() if CHANGE_BASE not in line}


# -- authentication ------------------------------------------------------------------------------------------


def test_writes_are_off_without_tokens():
    app = make_app(tokens="")
    client = app.test_client()
    before = data_quads(app.extensions["kg"])
    response = post_update(client, new_org("x"), token=ALICE)
    assert response.status_code == 403
    assert "writes are disabled" in response.get_json()["error"]
    assert client.put(f"/store?graph={ID}g", data=b"", headers=auth()).status_code == 403
    assert data_quads(app.extensions["kg"]) == before


def test_no_token_is_401_and_a_wrong_one_403(client, app):
    before = data_quads(app.extensions["kg"])
    response = post_update(client, new_org("x"), token=None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert post_update(client, new_org("x"), token=ALICE[:-1]).status_code == 403
    assert post_update(client, new_org("x"), token=ALICE + "x").status_code == 403
    basic = client.post("/update", data=new_org("x"), headers={"Authorization": "Basic YWxpY2U6eA=="})
    assert basic.status_code == 401
    assert client.delete(f"/store?graph={SOURCE_A}").status_code == 401
    assert client.delete(f"/store?graph={SOURCE_A}", headers=auth("nope-nope-nope-nope")).status_code == 403
    assert data_quads(app.extensions["kg"]) == before


def test_tokens_are_never_logged_or_echoed(client, caplog):
    caplog.set_level(logging.DEBUG)
    ok = post_update(client, new_org("logged"))
    wrong = post_update(client, new_org("x"), token=BOB + "zz")
    assert ok.status_code == 200 and wrong.status_code == 403
    assert "change" in caplog.text  # the write was logged...
    for token in (ALICE, BOB, BOB + "zz"):
        assert token not in caplog.text  # ...without any token
        assert token not in ok.get_data(as_text=True) + wrong.get_data(as_text=True)


def test_token_setting_parsing():
    assert parse_tokens(f"alice:{ALICE}, bob:{BOB}") == {"alice": ALICE, "bob": BOB}
    assert parse_tokens("") == {}
    with pytest.raises(TokenConfigError) as short:
        parse_tokens("alice:short-secret")
    assert "short-secret" not in str(short.value) and "alice" in str(short.value)
    with pytest.raises(TokenConfigError, match="name:token"):
        parse_tokens("justatoken")
    with pytest.raises(TokenConfigError, match="not a valid name"):
        parse_tokens(f"bad name:{ALICE}")


# -- SPARQL Update ---------------------------------------------------------------------------------------------


def test_insert_is_committed_and_recorded(client, app):
    kg = app.extensions["kg"]
    response = post_update(client, new_org("west"), **{"X-Change-Comment": "West Org signed up"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["added"], body["removed"], body["agent"]) == (6, 0, "alice")
    assert body["comment"] == "West Org signed up"
    assert label_of(kg, ID + "org/west") == ["Org west"]
    change = app.extensions["writer"].get_change(body["change"])
    assert change.agent == "alice" and change.comment == "West Org signed up"
    assert sorted(str(q) for q in change.added) == sorted(
        [
            f"<{ID}org/west> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KP}Organization> <{SOURCE_A}>",
            f'<{ID}org/west> <{RDFS_LABEL}> "Org west" <{SOURCE_A}>',
            f"<{ID}org/west> <{KP}evidence> <{ID}evidence/west> <{SOURCE_A}>",
            f"<{ID}evidence/west> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KP}Evidence> <{SOURCE_A}>",
            f'<{ID}evidence/west> <http://www.w3.org/ns/prov#value> "west exists" <{SOURCE_A}>',
            f"<{ID}evidence/west> <http://www.w3.org/ns/prov#wasQuotedFrom> <{SOURCE_A}> <{SOURCE_A}>",
        ]
    )
    # the record is PROV-O, in its own graph
    agent = kg.store.select(
        f"SELECT ?a ?t WHERE {{ GRAPH <{change.iri}> {{ <{change.iri}> a <http://www.w3.org/ns/prov#Activity> ; "
        "<http://www.w3.org/ns/prov#wasAssociatedWith> ?a ; <http://www.w3.org/ns/prov#startedAtTime> ?t } }"
    ).rows
    assert agent[0][0] == URIRef(ID + "agent/alice")
    # the same insert again changes nothing and records nothing
    again = post_update(client, new_org("west"))
    assert again.status_code == 200 and again.get_json()["change"] is None
    assert len(app.extensions["writer"].changes()) == 1


def test_delete_insert_where_rename(client, app):
    kg = app.extensions["kg"]
    text = PREFIXES + (
        "DELETE { GRAPH ?g { id:region\\/xa rdfs:label ?l } }"
        ' INSERT { GRAPH ?g { id:region\\/xa rdfs:label "Atlantica" } }'
        " WHERE { GRAPH ?g { id:region\\/xa rdfs:label ?l } }"
    )
    response = client.post("/update", data={"update": text, "comment": "renamed"}, headers=auth())
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["added"], response.get_json()["removed"]) == (1, 1)
    assert label_of(kg, ID + "region/xa") == ["Atlantica"]


def test_a_change_that_breaks_a_shape_is_refused_and_nothing_is_written(client, app):
    kg = app.extensions["kg"]
    before = data_quads(kg)
    text = (
        PREFIXES
        + "DELETE DATA { GRAPH id:source\\/mini-b { id:agreement\\/north-east kp:party id:org\\/east-university } }"
    )
    response = post_update(client, text)
    assert response.status_code == 422
    body = response.get_json()
    assert body["violations"] == [
        f"{ID}agreement/north-east: {KP}party: A tie has two or more kp:party, each a region or an organisation."
    ]
    assert data_quads(kg) == before
    assert app.extensions["writer"].changes() == []
    # a bad date and an evidence without its document are refused too
    bad_date = PREFIXES + (
        'INSERT DATA { GRAPH id:source\\/mini-a { id:agreement\\/north-south kp:signedDate "April 2001" } }'
    )
    assert post_update(client, bad_date).status_code == 422
    dangling = PREFIXES + (
        'INSERT DATA { GRAPH id:source\\/mini-a { id:org\\/z a kp:Organization ; rdfs:label "Z" ;'
        ' kp:evidence id:e\\/z . id:e\\/z a kp:Evidence ; prov:value "z" } }'
    )
    refused = post_update(client, dangling)
    assert refused.status_code == 422
    assert any("prov#wasQuotedFrom" in v for v in refused.get_json()["violations"])
    assert data_quads(kg) == before


def test_removing_a_type_is_judged_on_the_ties_that_point_at_it(client, app):
    text = PREFIXES + "DELETE DATA { GRAPH id:source\\/mini-b { id:org\\/east-university a kp:University } }"
    response = post_update(client, text)
    assert response.status_code == 422
    assert any(v.startswith(f"{ID}agreement/north-east: {KP}party") for v in response.get_json()["violations"])


@pytest.mark.parametrize(
    "text, message",
    [
        ("LOAD <file:///etc/passwd> INTO GRAPH <https://partnergraph.org/id/source/x>", "LOAD is not allowed"),
        ("load   <file:///etc/hostname>", "LOAD is not allowed"),
        ("DROP ALL", "DROP ALL is not allowed"),
        ("CLEAR SILENT NAMED", "CLEAR NAMED is not allowed"),
        (
            "INSERT { GRAPH <https://partnergraph.org/id/source/x> { ?s ?p ?o } } WHERE "
            "{ SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
            "SERVICE is not allowed",
        ),
        ('INSERT DATA { GRAPH <https://partnergraph.org/id/change/x> { <a:b> <a:c> "d" } }', "change log"),
        ('INSERT DATA { <https://partnergraph.org/id/x> <https://partnergraph.org/id/p> "d" }', "default graph"),
        ('INSERT DATA { GRAPH <https://partnergraph.org/ontology> { <a:b> <a:c> "d" } }', "not editable"),
        ('INSERT DATA { GRAPH <https://partnergraph.org/id/source/x> { _:b <a:c> "d" } }', "blank nodes"),
        ("INSERT DATA { GRAPH <g> { <a:b> <a:c> ", "syntax error"),
    ],
)
def test_refused_updates_change_nothing(client, app, text, message):
    before = data_quads(app.extensions["kg"])
    response = post_update(client, text)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    assert data_quads(app.extensions["kg"]) == before


def test_load_of_a_local_listener_never_connects(client, app):
    """LOAD <http://127.0.0.1:PORT/> is refused before anything could fetch it: the listener sees no connection."""
    port = free_port()
    server = socket.socket()
    server.bind(("127.0.0.1", port))
    server.listen(5)
    server.settimeout(0.5)
    try:
        for text in (
            f"LOAD <http://127.0.0.1:{port}/data.ttl>",
            f"LOAD SILENT <http://127.0.0.1:{port}/> INTO GRAPH <https://partnergraph.org/id/source/x>",
            f"INSERT {{ GRAPH <{ID}source/x> {{ ?s ?p ?o }} }}"
            f" WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        ):
            assert post_update(client, text).status_code == 400
        with pytest.raises(TimeoutError):
            server.accept()
    finally:
        server.close()


def test_words_like_load_in_data_are_fine():
    check_update_text('INSERT DATA { GRAPH <https://partnergraph.org/id/source/x> { <a:b> <a:load> "LOAD SERVICE" } }')
    check_update_text("PREFIX ex: <http://example.org/>\nDELETE WHERE { GRAPH ?g { ?s ex:service ?load } }")
    with pytest.raises(ChangeRefused, match="line 2, column 1"):
        check_update_text("# a comment\nLOAD <http://example.org/>")


def test_update_needs_post_and_a_known_media_type(client):
    assert client.get("/update?update=x").status_code == 405
    response = client.post("/update", data=b"x", headers={**auth(), "Content-Type": "text/plain"})
    assert response.status_code == 415


# -- the change log and revert ----------------------------------------------------------------------------------


def test_changes_are_listed_and_reverted(client, app):
    kg = app.extensions["kg"]
    writer: Writer = app.extensions["writer"]
    before = data_quads(kg)
    first = post_update(client, new_org("one"), **{"X-Change-Comment": "one"}).get_json()
    rename = PREFIXES + (
        'DELETE DATA { GRAPH id:source\\/mini-a { id:region\\/xa rdfs:label "Atlantis" } } ;'
        ' INSERT DATA { GRAPH id:source\\/mini-a { id:region\\/xa rdfs:label "Atlantis Major" } }'
    )
    second = post_update(client, rename, token=BOB, **{"X-Change-Comment": "rename"}).get_json()
    listed = writer.changes()
    assert [(c.iri, c.agent, c.comment, len(c.added), len(c.removed)) for c in listed] == [
        (second["change"], "bob", "rename", 1, 1),
        (first["change"], "alice", "one", 6, 0),
    ]
    assert [c.iri for c in writer.changes(agent="alice")] == [first["change"]]
    undo = writer.revert(second["change"], "alice", "back to the old name")
    assert undo.reverts == second["change"]
    assert label_of(kg, ID + "region/xa") == ["Atlantis"]
    writer.revert(first["change"], "alice")
    assert data_quads(kg) == before
    with pytest.raises(ChangeRefused, match="nothing to revert"):
        writer.revert(first["change"], "alice")
    assert len(writer.changes()) == 4


def test_a_revert_that_would_break_a_shape_is_refused(client, app):
    writer: Writer = app.extensions["writer"]
    add_party = PREFIXES + (
        "INSERT DATA { GRAPH id:source\\/mini-b { id:agreement\\/north-east kp:party id:region\\/xa } }"
    )
    added = post_update(client, add_party).get_json()
    drop_other = (
        PREFIXES
        + "DELETE DATA { GRAPH id:source\\/mini-b { id:agreement\\/north-east kp:party id:org\\/east-university } }"
    )
    assert post_update(client, drop_other).status_code == 200
    from graph.knowledge import ValidationError

    with pytest.raises(ValidationError):
        writer.revert(added["change"], "alice")  # would leave the tie with one party


# -- Graph Store Protocol ---------------------------------------------------------------------------------------


def test_graph_store_get(client):
    response = client.get(f"/store?graph={SOURCE_A}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    assert len(graph) == 26  # counted by hand in mini.trig
    assert (URIRef(ID + "region/xa"), URIRef(RDFS_LABEL), Literal("Atlantis")) in graph
    nt = client.get(f"/store?graph={SOURCE_A}", headers={"Accept": "application/n-triples"})
    assert nt.mimetype == "application/n-triples" and len(nt.data.decode().strip().splitlines()) == 26
    assert client.get(f"/store?graph={ID}source/nope").status_code == 404
    assert client.get("/store").status_code == 400
    union = Graph().parse(data=client.get("/store?default").data, format="turtle")
    assert len(union) == 44  # 26 + 19 statements, two of them stated by both sources; the bookkeeping marker


def test_graph_store_put_post_delete(client, app):
    kg = app.extensions["kg"]
    graph = ID + "source/new-doc"
    doc = (
        f'<{graph}> a <{KP}SourceDocument> ; <http://purl.org/dc/terms/title> "New doc" .\n'
        f'<{ID}org/n> a <{KP}Organization> ; <{RDFS_LABEL}> "N" ; <{KP}evidence> <{ID}evidence/new-doc/1> .\n'
        f'<{ID}evidence/new-doc/1> a <{KP}Evidence> ; <http://www.w3.org/ns/prov#value> "N is" ; '
        f"<http://www.w3.org/ns/prov#wasQuotedFrom> <{graph}> .\n"
    )
    created = client.put(f"/store?graph={graph}", data=doc, headers={**auth(), "Content-Type": "text/turtle"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["added"] == 8
    # PUT replaces: the label changes, the rest stays
    replaced = client.put(
        f"/store?graph={graph}&comment=relabel",
        data=doc.replace('"N"', '"N2"'),
        headers={**auth(), "Content-Type": "text/turtle"},
    )
    assert replaced.status_code == 200
    assert (replaced.get_json()["added"], replaced.get_json()["removed"], replaced.get_json()["comment"]) == (
        1,
        1,
        "relabel",
    )
    assert label_of(kg, ID + "org/n") == ["N2"]
    # POST merges
    merged = client.post(
        f"/store?graph={graph}",
        data=f'<{ID}org/n> <http://www.w3.org/2004/02/skos/core#altLabel> "Enn" .'.encode(),
        headers={**auth(), "Content-Type": "application/n-triples"},
    )
    assert merged.status_code == 200 and merged.get_json()["added"] == 1
    # a PUT that breaks a shape is refused, the graph unchanged
    broken = client.put(
        f"/store?graph={graph}",
        data=doc.replace(f'<{RDFS_LABEL}> "N" ;', ""),
        headers={**auth(), "Content-Type": "text/turtle"},
    )
    assert broken.status_code == 422
    assert label_of(kg, ID + "org/n") == ["N2"]
    # bad syntax is a 400 with the position
    bad = client.post(f"/store?graph={graph}", data=b"<a> <b> .", headers={**auth(), "Content-Type": "text/turtle"})
    assert bad.status_code == 400 and "line 1" in bad.get_json()["error"]
    # DELETE removes the graph (the mini graphs do not point at it)
    deleted = client.delete(f"/store?graph={graph}", headers=auth())
    assert deleted.status_code == 200 and deleted.get_json()["removed"] == 9
    assert graph not in kg.store.graphs()
    assert client.delete(f"/store?graph={graph}", headers=auth()).status_code == 404
    assert client.put("/store?default", data=doc, headers={**auth(), "Content-Type": "text/turtle"}).status_code == 400


# -- concurrency -------------------------------------------------------------------------------------------------


def test_concurrent_writers_do_not_lose_changes(app):
    errors: list[str] = []

    def work(n: int) -> None:
        client = app.test_client()
        for i in range(6):
            response = post_update(client, new_org(f"t{n}-{i}"))
            if response.status_code != 200:
                errors.append(response.get_data(as_text=True))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    kg = app.extensions["kg"]
    count = kg.store.select(f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o a <{KP}Organization> }}").rows[0][0]
    assert int(count) == 36
    assert len(app.extensions["writer"].changes(limit=1000)) == 36


def test_readers_see_whole_changes_only(app):
    """While writes go on, every read sees a graph whose new statements come in whole sixes."""
    kg = app.extensions["kg"]
    base = len([q for q in kg.store.dump("nquads").decode().splitlines() if f"<{SOURCE_A}>" in q])
    stop = threading.Event()
    seen: list[int] = []

    def read() -> None:
        while not stop.is_set():
            n = int(
                kg.store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SOURCE_A}> {{ ?s ?p ?o }} }}").rows[0][0]
            )
            seen.append(n - base)

    reader = threading.Thread(target=read)
    reader.start()
    client = app.test_client()
    try:
        for i in range(15):
            assert post_update(client, new_org(f"r{i}")).status_code == 200
    finally:
        stop.set()
        reader.join()
    assert seen and all(n % 6 == 0 for n in seen)
    assert max(seen) <= 90
