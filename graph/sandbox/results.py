"""Running one request on the embedded engine and serialising its answer with the engine's own serialisers.

Runs inside a worker process (see :mod:`graph.sandbox.workers`): nothing here is bounded by itself, the
worker is. SELECT results are written by the engine into a counter that stops it after ``cap`` rows and one more
(so the query stops too: the engine evaluates lazily): SPARQL JSON directly, its solutions counted as written;
the other formats as TSV (its rows are its lines), then converted by the engine to the format asked for.
CONSTRUCT / DESCRIBE triples are cut after ``cap`` and serialised by the engine.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..store import RDF_FORMATS, RESULT_FORMATS, _position_message
from .guard import QueryRefused, check_query, check_update, settle_with_engine

#: ASK answers may also be asked for as plain text.
BOOLEAN_TEXT = "text"
TEXT_MEDIA = "text/plain"


@dataclass
class Outcome:
    """The result of one request: a serialised body, or an error with its kind.

    ``status`` is ``ok``, ``syntax`` (the text does not parse), ``refused``, ``invalid`` (it parses but the
    engine cannot run it: an unknown function...), ``timeout``, ``memory`` (the worker died: out of memory or
    a crash of the engine), ``busy`` or ``error``. An update preview carries the added and removed quads as
    N-Quads in ``body`` and ``removed``.
    """

    status: str
    body: bytes = b""
    media_type: str = "text/plain"
    form: str = ""
    rows: int = 0
    truncated: bool = False
    message: str = ""
    seconds: float = 0.0
    removed: bytes = b""


def parses_as_query(text: str) -> bool:
    """True when the engine parses ``text`` as a query (on an empty store; only a syntax error counts)."""
    try:
        ox.Store().query(text)
    except SyntaxError:
        return False
    except Exception:  # noqa: BLE001 - it parsed; what evaluation on an empty store says does not matter
        return True
    return True


def parses_as_update(text: str) -> bool:
    """True when the engine parses ``text`` as an update (run on an empty scratch store, in a worker)."""
    try:
        ox.Store().update(text)
    except SyntaxError:
        return False
    except Exception:  # noqa: BLE001
        return True
    return True


def count_solutions(body: bytes, fmt: str) -> int:
    """How many rows a serialised SELECT result holds (parsed back by the engine)."""
    return sum(1 for _ in ox.parse_query_results(body, format=RESULT_FORMATS[fmt][0]))


def convert_solutions(body: bytes, source: str, target: str) -> bytes:
    """Re-serialise SELECT / ASK results from one results format to another, engine to engine."""
    if source == target:
        return body
    parsed = ox.parse_query_results(body, format=RESULT_FORMATS[source][0])
    if target == BOOLEAN_TEXT:
        return b"true\n" if bool(parsed) else b"false\n"
    return parsed.serialize(format=RESULT_FORMATS[target][0])


def serialize_triples(triples: list[ox.Triple], graph_format: str) -> bytes:
    """Triples in an RDF format; quad formats get them in the default graph."""
    rdf = RDF_FORMATS[graph_format][0]
    if graph_format in ("nquads", "trig"):
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        return ox.serialize(quads, format=rdf) or b""
    return ox.serialize(triples, format=rdf) or b""


def cap_triples(triples: Any, cap: int) -> tuple[list[ox.Triple], bool]:
    """At most ``cap`` triples of an iterator, and whether there were more."""
    kept: list[ox.Triple] = []
    for triple in triples:
        if len(kept) == cap:
            return kept, True
        kept.append(triple)
    return kept, False


class _Enough(Exception):
    """Raised by :class:`_RowCounter` to stop the engine's serialiser once it has written enough rows."""


class _RowCounter:
    """A file-like target for the engine's TSV serialiser that stops it after ``cap`` rows and one more.

    TSV writes one line per row (line breaks inside literals are escaped), so rows are counted as lines; the
    engine evaluates lazily, so stopping the serialiser stops the query too.
    """

    def __init__(self, cap: int) -> None:
        self.parts: list[bytes] = []
        self.lines = 0
        self.cap = cap

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.cap + 1:  # the header line, cap rows, and at least one more
            raise _Enough
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush (the parts are kept in memory)."""


def capped_tsv(solutions: Any, cap: int) -> tuple[bytes, int, bool]:
    """SELECT solutions as TSV written by the engine, cut after ``cap`` rows: (body, rows, truncated)."""
    counter = _RowCounter(cap)
    try:
        solutions.serialize(counter, format=ox.QueryResultsFormat.TSV)
    except _Enough:
        pass
    body = b"".join(counter.parts)
    lines = body.split(b"\n")
    if len(lines) - 2 > cap:  # header + rows + the empty tail after the last line break
        return b"\n".join(lines[: cap + 1]) + b"\n", cap, True
    return body, max(0, len(lines) - 2), False


class _JsonSolutionCounter:
    """A file-like target for the engine's SPARQL JSON serialiser that counts the solutions as they are written
    and stops it after ``cap`` and one more.

    A solution is an object in the ``bindings`` array: its ``{`` follows the array's ``[`` or a ``,``. Inside a
    string a quote is always escaped, and a term's object follows a ``:``, so ``[{"`` and ``,{"`` mark the start
    of a solution and nothing else. A solution that binds nothing is written ``{}``, which a string may also hold:
    once ``{}`` is seen, the count is not to be trusted (:attr:`ambiguous`) and the writing stops.
    """

    STARTS = re.compile(rb'[\[,]\{"')

    def __init__(self, cap: int) -> None:
        self.parts: list[bytes] = []
        self.rows = 0
        self.cap = cap
        self.size = 0  # bytes kept so far
        self.cut: int | None = None  # where the solution after the cap starts (a byte offset), once seen
        self.ambiguous = False
        self._tail = b""  # the last two bytes written: a mark may span two writes

    def write(self, data: bytes) -> int:
        if self.cut is not None or self.ambiguous:  # stopped (the engine may write what it buffered once more)
            raise _Enough
        chunk = bytes(data)
        probe = self._tail + chunk  # a 3-byte mark found here ends in ``chunk``: none is counted twice
        if b"{}" in probe:
            self.ambiguous = True
            raise _Enough
        found = probe.count(b'[{"') + probe.count(b',{"')
        if self.rows + found > self.cap:
            start = [m.start() for m in self.STARTS.finditer(probe)][self.cap - self.rows]
            offset = self.size - len(self._tail) + start
            self.cut = offset + 1 if probe[start : start + 1] == b"[" else offset  # keep the array's "["
            self.parts.append(chunk)
            self.rows = self.cap
            raise _Enough
        self.rows += found
        self.parts.append(chunk)
        self.size += len(chunk)
        self._tail = probe[-2:]
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush (the parts are kept in memory)."""

    def body(self) -> tuple[bytes, bool]:
        """The JSON document written, cut after ``cap`` solutions (and closed) when there were more."""
        data = b"".join(self.parts)
        if self.cut is None:
            return data, False
        return data[: self.cut] + b"]}}", True


def capped_json(solutions: Any, cap: int) -> tuple[bytes, int, bool] | None:
    """SELECT solutions as SPARQL JSON written by the engine, cut after ``cap`` rows: (body, rows, truncated); None
    when the rows cannot be counted in it (a solution or a string holding ``{}``)."""
    counter = _JsonSolutionCounter(cap)
    try:
        solutions.serialize(counter, format=ox.QueryResultsFormat.JSON)
    except _Enough:
        pass
    if counter.ambiguous:
        return None
    body, truncated = counter.body()
    return body, counter.rows, truncated


def select_body(solutions: Any, fmt: str, cap: int, again: Callable[[], Any] | None = None) -> Outcome:
    """A SELECT answer in ``fmt``, at most ``cap`` rows. SPARQL JSON (the usual format) is written and counted by
    the engine directly when ``again`` can give the solutions a second time, for the rare answer whose rows
    cannot be counted in JSON; otherwise, and in the other formats, the engine writes TSV cut at ``cap`` rows (its
    rows are its lines) and converts it."""
    media = RESULT_FORMATS[fmt][1]
    if fmt == "json" and again is not None:
        counted = capped_json(solutions, cap)
        if counted is not None:
            return Outcome("ok", counted[0], media, "SELECT", counted[1], counted[2])
        solutions = again()
    tsv, rows, truncated = capped_tsv(solutions, cap)
    return Outcome("ok", convert_solutions(tsv, "tsv", fmt), media, "SELECT", rows, truncated)


def evaluate(store: ox.Store, request: dict[str, Any]) -> Outcome:
    """Run one query on a pyoxigraph store and serialise at most ``max_rows`` results (in a worker).

    The protocol's graphs (``default_graphs`` / ``named_graphs``) override the query's FROM clauses; with
    neither (and no FROM), the default graph is the union of all graphs.
    """
    started = time.perf_counter()
    cap = int(request["max_rows"])
    try:
        if request.get("guard"):  # a long text: the guard reads it here, under the worker's limits
            checked = check_query(request["sparql"], set(request["graphs"]), int(request["max_depth"]))
            request.update(suspects=checked.suspects, query_dataset=bool(checked.from_graphs or checked.from_named))
        kwargs: dict[str, Any] = {}
        if request.get("default_graphs") is not None or request.get("named_graphs") is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in request.get("default_graphs") or []]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.get("named_graphs") or []]
        elif not request.get("query_dataset"):
            kwargs["use_default_graph_as_union"] = True
        settle_with_engine(request["sparql"], request.get("suspects") or [], parses_as_query)
        if request.get("settle_only"):
            outcome = Outcome("ok")
        else:
            result = store.query(request["sparql"], **kwargs)
            if isinstance(result, ox.QueryBoolean):
                fmt = request["boolean_format"]
                if fmt == BOOLEAN_TEXT:
                    outcome = Outcome("ok", b"true\n" if bool(result) else b"false\n", TEXT_MEDIA, "ASK", 1)
                else:
                    outcome = Outcome("ok", result.serialize(format=RESULT_FORMATS[fmt][0]), RESULT_FORMATS[fmt][1])
                    outcome.form, outcome.rows = "ASK", 1
            elif isinstance(result, ox.QuerySolutions):
                fmt = request["result_format"] if request["result_format"] != BOOLEAN_TEXT else "json"
                outcome = select_body(result, fmt, cap, again=lambda: store.query(request["sparql"], **kwargs))
            else:
                triples, truncated = cap_triples(result, cap)
                body = serialize_triples(triples, request["graph_format"])
                media = RDF_FORMATS[request["graph_format"]][1]
                outcome = Outcome("ok", body, media, "CONSTRUCT", len(triples), truncated)
    except QueryRefused as refusal:
        outcome = Outcome("refused", message=str(refusal))
    except SyntaxError as error:
        outcome = Outcome("syntax", message=_position_message(error, "query syntax error"))
    except MemoryError:
        outcome = Outcome("memory", message="the query needed more memory than a query may use: stopped")
    except (ValueError, RuntimeError) as error:
        outcome = Outcome("invalid", message=f"the query cannot be run: {error}")
    except OSError as error:  # the engine could not read its files (too many open, I/O): try again later
        outcome = Outcome("unavailable", message=f"the store could not be read ({error}); try again in a moment")
    outcome.seconds = time.perf_counter() - started
    return outcome


def scoped_quads(store: ox.Store, sparql: str, base_iri: str) -> Iterable[ox.Quad]:
    """The quads of the named graphs an update can read or change (:mod:`graph.update_scope`), so that its
    effect is computed on them alone; every quad when that cannot be told."""
    from ..update_scope import update_scope

    scope = update_scope(sparql, base_iri)
    if scope is None:
        return store.quads_for_pattern(None, None, None, None)
    patterns, graphs = scope
    found: set[ox.Quad] = set()
    for s, p, o in patterns:
        found.update(q for q in store.quads_for_pattern(s, p, o, None) if isinstance(q.graph_name, ox.NamedNode))
    for graph in graphs:
        found.update(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    return found


def preview_update(store: ox.Store, request: dict[str, Any]) -> Outcome:
    """What an update would add and remove, computed on a scratch copy of the store (in a worker).

    ``request``: ``sparql``, ``base_iri``, ``exclude`` (graph IRI prefix left out of the copy), ``protected``,
    ``max_depth``, and ``nquads`` (the data to copy, for a store the worker cannot read itself) or None.
    """
    started = time.perf_counter()
    sparql = request["sparql"]
    try:
        checked = check_update(sparql, tuple(request.get("protected") or ()), int(request["max_depth"]))
        settle_with_engine(sparql, checked.suspects, parses_as_update)
        exclude = request.get("exclude") or "\x00"
        source = (
            ox.parse(request["nquads"], format=ox.RdfFormat.N_QUADS)
            if request.get("nquads") is not None
            else scoped_quads(store, sparql, request.get("base_iri") or "")
        )
        before = {
            q for q in source if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(exclude))
        }
        scratch = ox.Store()
        scratch.extend(before)
        scratch.update(sparql, base_iri=request.get("base_iri"))
        after = set(scratch.quads_for_pattern(None, None, None, None))
        added = sorted(after - before, key=str)
        removed = sorted(before - after, key=str)
        outcome = Outcome(
            "ok",
            ox.serialize(added, format=ox.RdfFormat.N_QUADS) or b"",
            form="UPDATE",
            rows=len(added) + len(removed),
            removed=ox.serialize(removed, format=ox.RdfFormat.N_QUADS) or b"",
        )
    except QueryRefused as refusal:
        outcome = Outcome("refused", message=str(refusal))
    except SyntaxError as error:
        outcome = Outcome("syntax", message=_position_message(error, "update syntax error"))
    except MemoryError:
        outcome = Outcome("memory", message="the update needed more memory than allowed: stopped")
    except (OSError, ValueError, RuntimeError) as error:
        outcome = Outcome("invalid", message=f"update failed, nothing was written: {error}")
    outcome.seconds = time.perf_counter() - started
    return outcome
