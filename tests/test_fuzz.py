"""A bounded fuzz of the API, the pages and the SPARQL endpoint: whatever comes in, nothing answers 5xx.

Hypothesis draws paths, parameters, JSON bodies and query texts (a few hundred requests in all, through the
Flask test client); a 5xx answer fails the test with the request that caused it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import network_app

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

GET_PATHS = [
    "/api/search",
    "/api/entity",
    "/api/graph",
    "/api/neighbourhood",
    "/api/partners",
    "/api/paths",
    "/api/common",
    "/api/rankings",
    "/api/communities",
    "/api/facets",
    "/sources",
    "/query/partners",
    "/query/partners.json",
    "/query/partners.csv",
    "/sparql",
]
POST_PATHS = ["/api/subgraph", "/api/scores", "/api/export", "/query/labels"]
PARAMS = ["q", "id", "ids", "from", "to", "a", "b", "limit", "per", "type", "measure", "depth", "format", "query"]

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
awkward = st.sampled_from(["", "-1", "0", "abc", "1e9", "%zz", "{", "<x>", "a|b", "\\", "'", "999999999999", " "])
value = st.one_of(text, awkward)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)
sparql_bits = st.sampled_from(
    ["SELECT", "ASK", "CONSTRUCT", "{", "}", "(", ")", "?s", "<urn:a>", "'x'", "\\#", "#", "x:a\\#", "LIMIT",
     "FILTER(?s<1)", "SERVICE", "LOAD", "WHERE", "*", ".", ";", "PREFIX x: <http://x/>", "@en", "\\u0053"]
)  # fmt: skip


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    application = network_app()
    yield application
    application.extensions["sparql"].close()


def no_5xx(response, what: str) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}: {response.get_data(as_text=True)[:300]}"


@FUZZ
@given(path=st.sampled_from(GET_PATHS), params=st.dictionaries(st.sampled_from(PARAMS), value, max_size=4))
def test_get_with_any_parameters_is_never_5xx(app: Flask, path: str, params: dict[str, str]) -> None:
    no_5xx(app.test_client().get(path, query_string=params), f"GET {path} {params!r}")


@FUZZ
@given(path=st.sampled_from(POST_PATHS), body=json_value)
def test_post_any_json_is_never_5xx(app: Flask, path: str, body) -> None:
    no_5xx(app.test_client().post(path, json=body), f"POST {path} {body!r}")


@FUZZ
@given(rest=st.text(alphabet=st.characters(codec="ascii"), min_size=1, max_size=30))
def test_any_entity_path_is_never_5xx(app: Flask, rest: str) -> None:
    from urllib.parse import quote

    path = "/id/" + quote(rest, safe="/")
    no_5xx(app.test_client().get(path), f"GET {path}")


@FUZZ
@given(bits=st.lists(sparql_bits | text, max_size=12))
def test_any_query_text_is_never_5xx(app: Flask, bits: list[str]) -> None:
    query = " ".join(bits)
    if query.strip():
        no_5xx(app.test_client().get("/sparql", query_string={"query": query}), f"query {query!r}")


def test_the_api_is_described_in_openapi(app: Flask) -> None:
    doc = app.test_client().get("/api/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert {"/api/search", "/api/subgraph", "/api/paths"} <= set(doc["paths"])
    assert doc["paths"]["/api/subgraph"]["post"]["summary"].startswith("Nodes and edges")
    assert "/api/openapi.json" not in doc["paths"]


@FUZZ
@given(data=st.data())
def test_every_described_get_endpoint_with_any_parameters_is_never_5xx(app: Flask, data: st.DataObject) -> None:
    """Driven by the OpenAPI description: every GET path it lists, with drawn parameters."""
    doc = app.test_client().get("/api/openapi.json").json
    gets = sorted(p for p, ops in doc["paths"].items() if "get" in ops and "{" not in p)
    path = data.draw(st.sampled_from(gets))
    params = data.draw(st.dictionaries(st.sampled_from(PARAMS), value, max_size=4))
    no_5xx(app.test_client().get(path, query_string=params), f"GET {path} {params!r}")
