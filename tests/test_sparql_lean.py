"""The lean path of /sparql answers queries without Flask's per-request machinery, byte for byte as Flask's view."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import Client, create_environ, run_wsgi_app

from tests.test_sparql_protocol import ASK_NORTH, ID, LABELS, RDFS, SRC_A, make_app

SELECT_NORTH = f"SELECT DISTINCT ?l WHERE {{ <{ID}region/xa/north> <{RDFS}label> ?l }}"
CONSTRUCT = f"CONSTRUCT {{ ?s <{RDFS}label> ?l }} WHERE {{ ?s <{RDFS}label> ?l }}"
#: Requests of every kind the endpoint answers: (method, keyword arguments of the test client).
REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("GET", {"query_string": {"query": LABELS}}),
    ("GET", {"query_string": {"query": LABELS}, "headers": {"Accept": "application/sparql-results+xml"}}),
    ("GET", {"query_string": {"query": LABELS, "format": "tsv"}}),
    ("GET", {"query_string": {"query": LABELS, "format": "csv", "download": "1"}}),
    ("GET", {"query_string": {"query": ASK_NORTH}, "headers": {"Accept": "text/plain"}}),
    ("GET", {"query_string": {"query": CONSTRUCT}, "headers": {"Accept": "application/n-triples"}}),
    ("GET", {"query_string": {"query": LABELS, "default-graph-uri": SRC_A}}),
    ("GET", {"query_string": {"query": LABELS}, "headers": {"Accept": "image/png"}}),  # 406
    ("GET", {"query_string": {"query": "SELECT * WHERE { SERVICE <http://x.example/> { ?s ?p ?o } }"}}),  # 400
    ("GET", {"query_string": {"query": "SELECT ?x WHERE { ?x"}}),  # 400, syntax
    ("GET", {"query_string": {"query": LABELS, "default-graph-uri": "http://nowhere.example/g"}}),  # 400
    ("GET", {"query_string": {"update": "DROP ALL"}}),  # 403
    ("GET", {"query_string": {"query": ["ASK {}", "ASK {}"]}}),  # 400: two queries
    ("POST", {"data": {"query": SELECT_NORTH}}),
    ("POST", {"data": SELECT_NORTH, "content_type": "application/sparql-query"}),
    ("POST", {"data": "DROP ALL", "content_type": "application/sparql-update"}),  # 403
    ("POST", {"data": "ASK {}", "content_type": "text/plain"}),  # 415
    ("POST", {"data": {"query": SELECT_NORTH}, "query_string": {"query": "ASK {}"}}),  # 400: twice
]


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    application = make_app(MAX_ROWS=5, RESULT_CACHE_MB=0)
    yield application
    application.extensions["sparql"].close()


def comparable(response: Any) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (but the query's own time) and body of an answer."""
    headers = {k: v for k, v in response.headers.items() if k != "X-Partnergraph-Time-Ms"}
    return response.status_code, headers, response.get_data()


@pytest.mark.parametrize(("method", "kwargs"), REQUESTS)
def test_the_lean_path_answers_as_the_flask_view_does(app: Flask, method: str, kwargs: dict[str, Any]) -> None:
    lean = app.test_client().open("/sparql", method=method, **kwargs)
    flask_view = Client(app.wsgi_app.inner).open("/sparql", method=method, **kwargs)
    assert comparable(lean) == comparable(flask_view)
    assert lean.headers["Access-Control-Allow-Origin"] == "*"
    assert lean.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert lean.headers["X-Content-Type-Options"] == "nosniff"


def test_queries_take_the_lean_path_and_the_rest_goes_to_flask(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    view = app.view_functions["sparql.sparql"]
    monkeypatch.setitem(app.view_functions, "sparql.sparql", lambda: calls.append(1) or view())
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": ASK_NORTH}).status_code == 200
    assert client.post("/sparql", data=ASK_NORTH, content_type="application/sparql-query").status_code == 200
    assert calls == []  # answered without Flask's view
    assert client.get("/sparql", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"  # service description
    assert client.options("/sparql").status_code == 204
    assert calls == [1, 1]


def test_a_repeated_url_is_parsed_once_and_answers_the_same(app: Flask) -> None:
    client = app.test_client()
    lean = app.wsgi_app
    first = client.get("/sparql", query_string={"query": SELECT_NORTH + " # once"})
    kept = len(lean._args)
    second = client.get("/sparql", query_string={"query": SELECT_NORTH + " # once"})
    assert len(lean._args) == kept
    assert comparable(first)[2] == comparable(second)[2]
    other = client.get("/sparql", query_string={"query": LABELS + " # other"})
    assert other.get_data() != first.get_data()


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_body_over_the_limit_gets_flasks_413(app: Flask, method: str) -> None:
    limit = int(app.config["MAX_QUERY_BYTES"])
    kwargs = {"data": "ASK {}" + " " * limit, "content_type": "application/sparql-query"}
    if method == "GET":
        kwargs["query_string"] = {"query": "ASK {}"}
    lean = app.test_client().open("/sparql", method=method, **kwargs)
    flask_view = Client(app.wsgi_app.inner).open("/sparql", method=method, **kwargs)
    assert lean.status_code == 413
    assert comparable(lean) == comparable(flask_view)


def test_with_the_result_cache_off_the_bytes_are_those_of_the_cache(app: Flask) -> None:
    cached = make_app(MAX_ROWS=5)  # the result cache on (the default)
    try:
        for method, kwargs in REQUESTS:
            off = comparable(app.test_client().open("/sparql", method=method, **kwargs))
            first = comparable(cached.test_client().open("/sparql", method=method, **kwargs))
            again = comparable(cached.test_client().open("/sparql", method=method, **kwargs))
            assert off == first == again, (method, kwargs)
        assert len(cached.extensions["sparql"].cache) > 0  # the second answers came from the cache
    finally:
        cached.extensions["sparql"].close()


def wsgi_answer(app: Any, length: str, method: str = "POST") -> tuple[str, bytes]:
    """The status and body a WSGI callable gives a query whose ``CONTENT_LENGTH`` is ``length`` (as sent)."""
    environ = create_environ(
        "/sparql", method=method, data="ASK {}", content_type="application/sparql-query", query_string="query=ASK{}"
    )
    environ["CONTENT_LENGTH"] = length
    body, status, _ = run_wsgi_app(app, environ, buffered=True)
    return status, b"".join(body)


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("length", ["\u00b2", "\u0663", "-1", "6 ", "1e3", "100"])
def test_a_malformed_or_short_content_length_gets_the_same_clear_answer_as_flasks(
    app: Flask, method: str, length: str
) -> None:
    """A Unicode digit (the WSGI server usually refuses it first: the app does not rely on that), a sign, a space, a
    length longer than the body: never an exception out of the app, the same answer as Flask's view, never a 5xx."""
    lean = wsgi_answer(app.wsgi_app, length, method)
    flask_view = wsgi_answer(app.wsgi_app.inner, length, method)
    assert lean == flask_view
    assert not lean[0].startswith("5")
