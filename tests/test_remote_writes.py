"""Large writes on Virtuoso, whose updates hold about a thousand statements a request and are not one transaction
across requests: a larger write is staged in chunks in its own graph, then applied by one statement, so that a
reader sees none of it or all of it and a failure before that statement leaves the data as it was."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest

from graph import open_store
from graph.store import StoreError
from tests.conftest import remote_store_url

pytestmark = pytest.mark.remote
ID = "https://partnergraph.org/id/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TARGET = ox.NamedNode(ID + "source/target")


def labels(prefix: str, n: int, graph: ox.NamedNode = TARGET) -> list[ox.Quad]:
    return [ox.Quad(ox.NamedNode(f"{ID}{prefix}/{i}"), LABEL, ox.Literal(f"{prefix} {i}"), graph) for i in range(n)]


@pytest.fixture
def virtuoso(request):
    store = open_store(remote_store_url(request, "virtuoso"))
    yield store
    store.close()


def fail_on(store, what: str, number: int, monkeypatch, error: StoreError | None = None) -> list[int]:
    """Make the store's ``number``-th request of a kind (``update``, or ``write`` for the Graph Store Protocol) from
    now on fail as an unreachable endpoint would (or with ``error``); returns the count of such requests sent."""
    original, seen = store._post, [0]

    def post(url, data, accept, kind, **kwargs):
        seen[0] += kind == what
        if kind == what and seen[0] == number:
            raise error or StoreError("cannot reach the SPARQL endpoint (injected)")
        return original(url, data, accept, kind, **kwargs)

    monkeypatch.setattr(store, "_post", post)
    return seen


def test_a_large_write_is_staged_then_applied_by_one_statement(virtuoso, monkeypatch):
    kept, gone = labels("kept", 700), labels("gone", 1200)
    old = ox.NamedNode(ID + "source/old")
    virtuoso.write([*kept, *gone, *labels("old", 10, old)])
    text = ox.Literal('a tab\there, a "quote", a new line\nand 漢字', language="ko")
    new = [*labels("new", 2000), ox.Quad(ox.NamedNode(ID + "odd"), LABEL, text, TARGET)]
    updates = fail_on(virtuoso, "update", 0, monkeypatch)  # counts, never fails
    virtuoso.write(new, gone, drop_graphs=[old.value])
    assert updates[0] == 2  # the statement that applies it, then the staging graph dropped
    assert set(virtuoso.quads(graph=TARGET)) == {*kept, *new}
    assert virtuoso.graphs() == [TARGET.value]  # the old graph dropped, no staging graph shown or left
    assert not virtuoso.ask("ASK { GRAPH ?g { ?s <https://partnergraph.org/ontology/staging#add> ?o } }")


def test_a_reader_during_a_large_write_sees_none_or_all_of_it(virtuoso, monkeypatch):
    import graph.store_remote as remote

    monkeypatch.setattr(remote, "GSP_CHUNK_BYTES", 100_000)  # many staging requests, so the reader reads between
    virtuoso.write(labels("before", 100))
    reader = open_store(virtuoso.url)
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{TARGET.value}> {{ ?s ?p ?o }} }}"
    seen: list[int] = []
    writing, stop = threading.Event(), threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(int(next(reader.select_values(query))[0]))
            writing.set()

    thread = threading.Thread(target=read)
    thread.start()
    writing.wait(60)
    try:
        virtuoso.write(labels("during", 6000))
    finally:
        stop.set()
        thread.join(60)
    seen.append(int(next(reader.select_values(query))[0]))
    assert set(seen) <= {100, 6100} and seen[0] == 100 and seen[-1] == 6100, sorted(set(seen))
    reader.close()


@pytest.mark.parametrize(("what", "number"), [("write", 3), ("update", 1)])
def test_a_failure_mid_write_leaves_the_target_unchanged(virtuoso, monkeypatch, what, number):
    import graph.store_remote as remote

    before = labels("before", 800)
    virtuoso.write(before)
    monkeypatch.setattr(remote, "GSP_CHUNK_BYTES", 100_000)
    # The third staging request fails, or the statement that would apply the staged write.
    fail_on(virtuoso, what, number, monkeypatch)
    with pytest.raises(StoreError, match="nothing of the write was applied"):
        virtuoso.write(labels("new", 3000), before[:600])
    monkeypatch.undo()
    assert set(virtuoso.quads(graph=TARGET)) == set(before)
    assert virtuoso.graphs() == [TARGET.value]
    assert not virtuoso.ask("ASK { GRAPH ?g { ?s <https://partnergraph.org/ontology/staging#add> ?o } }")


def test_a_write_whose_statement_got_no_answer_says_it_may_be_applied(virtuoso, monkeypatch):
    from graph.store_remote import NoAnswer

    fail_on(virtuoso, "update", 1, monkeypatch, NoAnswer("the SPARQL endpoint did not answer within 60 s (injected)"))
    with pytest.raises(StoreError, match="may have been applied or not"):
        virtuoso.write(labels("new", 1000))


def test_a_large_write_with_blank_nodes_goes_in_chunks_undone_when_one_fails(virtuoso, monkeypatch):
    # Blank nodes cannot be staged as text: such a write goes in chunks (readers may see a part meanwhile), and the
    # part already written is undone when a chunk fails.
    kept = labels("kept", 1200)
    virtuoso.write(kept)
    other = ox.NamedNode(ID + "source/chunks-new")  # a new graph: nothing to check before adding
    new = [*labels("new", 600, other), ox.Quad(ox.NamedNode(ID + "new/0"), LABEL, ox.BlankNode("x"), other)]
    # Removals go 500 at a time; the third fails after 1,000 were removed; they are put back.
    fail_on(virtuoso, "update", 3, monkeypatch)
    with pytest.raises(StoreError, match="undone"):
        virtuoso.write(new, kept)
    monkeypatch.undo()
    assert virtuoso.present(kept) == set(kept)
    assert virtuoso.present(new[:10]) == set()
    assert virtuoso.quad_count() == 1200


@pytest.mark.parametrize("engine", ["oxigraph-server", "virtuoso"])
def test_a_staging_graph_left_behind_is_never_shown(request, engine):
    store = open_store(remote_store_url(request, engine))
    left = ox.NamedNode("https://partnergraph.org/id/staging/0123abcd")
    store.write([*labels("kept", 3), ox.Quad(ox.NamedNode(left.value + "#0"), LABEL, ox.Literal("x"), left)])
    assert store.graphs() == [TARGET.value]
    assert list(store.quads_per_graph()) == [TARGET.value]
    assert {q.graph_name for q in store.quads()} == {TARGET}
    assert store.quad_count() == 3 and store.count() == 3
    store.close()


def test_a_write_too_big_to_apply_in_time_goes_in_chunks(virtuoso, monkeypatch):
    import graph.store_remote as remote

    monkeypatch.setattr(remote, "VIRTUOSO_STAGED_MAX", 1000)  # as if the write were larger than 50,000 statements
    assert virtuoso.capabilities.staged_write_quads == 1000

    def staged(*_):
        raise AssertionError("a write above the staged maximum was staged")

    monkeypatch.setattr(virtuoso, "_write_staged", staged)
    virtuoso.write(labels("many", 1500))
    assert len(set(virtuoso.quads(graph=TARGET))) == 1500
