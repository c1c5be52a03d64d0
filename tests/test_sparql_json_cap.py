"""SELECT answers in SPARQL JSON are written by the engine directly and cut at the row cap there
(graph/sandbox/results.py): the same solutions as the TSV path gives, whatever the strings hold."""

from __future__ import annotations

import contextlib
import json

import pyoxigraph as ox
import pytest

from graph.sandbox import results

P = ox.NamedNode("https://example.org/p")
#: Literals that hold what marks a solution's start or an empty one in the JSON text.
TRICKY = ['a,{"b": 1}', '[{"x"', "ends with a backslash \\", 'quote " and brace {', "plain", "é ü ß 漢字"]


def store_with(values: list[ox.Literal | ox.NamedNode | ox.BlankNode]) -> ox.Store:
    store = ox.Store()
    for i, value in enumerate(values):
        store.add(ox.Quad(ox.NamedNode(f"https://example.org/s{i:03}"), P, value, ox.DefaultGraph()))
    return store


def answer(store: ox.Store, query: str, cap: int) -> results.Outcome:
    return results.select_body(store.query(query), "json", cap, again=lambda: store.query(query))


def solutions(body: bytes) -> list[dict]:
    return json.loads(body)["results"]["bindings"]


def test_json_written_directly_holds_what_the_tsv_path_gives():
    values = [ox.Literal(t) for t in TRICKY] + [
        ox.Literal("hallo", language="de"),
        ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.NamedNode("https://example.org/o"),
        ox.BlankNode("b1"),
    ]
    store = store_with(values)
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    direct = answer(store, query, 100)
    via_tsv = results.select_body(store.query(query), "json", 100)  # no second run offered: the TSV path
    assert direct.rows == via_tsv.rows == len(values) and not direct.truncated
    assert solutions(direct.body) == solutions(via_tsv.body)


def test_the_cap_cuts_the_json_after_that_many_solutions():
    store = store_with([ox.Literal(f'row {i}, {{"quoted"}}') for i in range(40)])
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    whole = solutions(answer(store, query, 1000).body)
    cut = answer(store, query, 7)
    assert cut.rows == 7 and cut.truncated
    assert solutions(cut.body) == whole[:7]  # valid JSON, closed after the seventh


@pytest.mark.parametrize("cap", [1, 2, 5, 9, 10, 11])
def test_marks_split_between_two_writes_are_counted_once(cap: int):
    store = store_with([ox.Literal(t) for t in TRICKY] + [ox.Literal(f"v{i}") for i in range(4)])
    document = store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s").serialize(format=ox.QueryResultsFormat.JSON)
    whole = solutions(document)
    counter = results._JsonSolutionCounter(cap)
    with pytest.raises(results._Enough) if cap < len(whole) else contextlib.nullcontext():
        for i in range(len(document)):  # one byte a write: every mark spans writes
            counter.write(document[i : i + 1])
    body, truncated = counter.body()
    assert truncated == (cap < len(whole))
    assert counter.rows == min(cap, len(whole))
    assert solutions(body) == whole[:cap]


def test_an_answer_with_an_empty_solution_or_braces_in_a_string_is_counted_by_the_tsv_path():
    empty = ox.Store()
    query = "SELECT ?x WHERE { OPTIONAL { ?x <https://example.org/nothing> ?y } }"
    outcome = answer(empty, query, 10)
    assert outcome.rows == 1 and solutions(outcome.body) == [{}]
    braces = store_with([ox.Literal("{}"), ox.Literal("x")])
    outcome = answer(braces, "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", 1)
    assert outcome.rows == 1 and outcome.truncated
    assert solutions(outcome.body) == [{"o": {"type": "literal", "value": "x"}}]


def test_no_rows_is_an_empty_answer():
    outcome = answer(ox.Store(), "SELECT ?x WHERE { ?x ?p ?o }", 10)
    assert outcome.rows == 0 and not outcome.truncated and solutions(outcome.body) == []
