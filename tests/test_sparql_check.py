"""The query checker refuses SERVICE, updates and foreign FROM graphs before anything runs, tricky spellings too."""

from __future__ import annotations

import pytest

from graph.sandbox import QueryRefused, check_query
from graph.sandbox.guard import unescape_codepoints

KNOWN = {"https://partnergraph.org/id/source/mini-a"}


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE SILENT <http://x/> { ?s ?p ?o } } } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { OPTIONAL { ?s ?p ?o . SERVICE <http://x/> { ?o ?q ?r } } }",
        "SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",  # codepoint escapes apply before parsing
        "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:a\\# SERVICE <http://e> { } }",  # escaped '#' in a name
        "SELECT * WHERE { ?s ?p 'x'.SERVICE <http://e> { } }",
        "SELECT * WHERE { ?s ?p ?o }\n#\nSERVICE",  # refused even where it cannot parse
    ],
)
def test_service_is_refused_however_written(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE is not allowed"):
        check_query(query, KNOWN)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://y/> { }",
        "SELECT ?service WHERE { ?service <http://x/SERVICE> ?o }",
        "PREFIX service: <http://x/> SELECT * WHERE { ?s service:p ?o }",
        "SELECT * WHERE { ?s ?p '''long\nSERVICE <http://x/> {}''' }",
    ],
)
def test_the_word_service_in_strings_comments_iris_and_names_is_fine(query: str) -> None:
    assert check_query(query, KNOWN).form == "SELECT"


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
        ("load <file:///etc/passwd> INTO GRAPH <http://g/>", "LOAD"),
        ("INSERT DATA { <http://a/> <http://b/> <http://c/> }", "INSERT"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <http://g/>", "DROP"),
        ("WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ],
)
def test_updates_are_refused(query: str, word: str) -> None:
    with pytest.raises(QueryRefused, match=word):
        check_query(query, KNOWN)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "select * from <file:///etc/hostname> where { ?s ?p ?o }",
        "BASE <http://127.0.0.1:9/> SELECT * FROM <g> WHERE { ?s ?p ?o }",
        "PREFIX x: <http://127.0.0.1:9/> SELECT * FROM x:g WHERE { ?s ?p ?o }",
        "SELECT * FROM undeclared:g WHERE { ?s ?p ?o }",
        "SELECT * FROM <relative> WHERE { ?s ?p ?o }",
        "SELECT * FROM <https://partnergraph.org/id/source/mini-a> FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
    ],
)
def test_from_must_name_a_graph_of_the_store(query: str) -> None:
    with pytest.raises(QueryRefused, match="FROM"):
        check_query(query, KNOWN)


def test_from_a_known_graph_is_allowed_and_reported() -> None:
    checked = check_query(
        "PREFIX src: <https://partnergraph.org/id/source/>\n"
        "SELECT * FROM src:mini-a FROM NAMED <https://partnergraph.org/id/source/mini-a> WHERE { ?s ?p ?o }",
        KNOWN,
    )
    assert checked.form == "SELECT"
    assert checked.from_graphs == ["https://partnergraph.org/id/source/mini-a"]
    assert checked.from_named == ["https://partnergraph.org/id/source/mini-a"]


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX kp: <https://partnergraph.org/ontology#>\nask { ?s a kp:Agreement }", "ASK"),
        ("# a comment with SELECT\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <https://partnergraph.org/id/region/xa>", "DESCRIBE"),
    ],
)
def test_the_form_is_read(query: str, form: str) -> None:
    assert check_query(query).form == form


def test_codepoint_escapes_are_decoded() -> None:
    assert unescape_codepoints("\\u0053ERVICE \\U0001F600") == "SERVICE \U0001f600"
