"""The bounded query runner behind the public SPARQL endpoint: safe by construction, killable, capped.

Three guarantees, each enforced here (the web layer only translates outcomes into HTTP):

1. **Nothing is fetched.** :func:`check_query` reads the query text with a tokenizer (comments, strings,
   IRIs and escapes understood; ``\\uXXXX`` escapes decoded first, as the SPARQL grammar does) and refuses
   ``SERVICE``, every SPARQL Update form (``LOAD`` included) and ``FROM`` / ``FROM NAMED`` naming a graph that
   is not in the store, before anything is evaluated. Queries then run only on the embedded engine (Oxigraph,
   which never dereferences ``FROM``) or on the configured remote store. As a second wall, worker processes
   drop into an empty network namespace where the kernel allows it.
2. **Every query is bounded in time and memory.** Neither rdflib nor pyoxigraph can stop a query from Python,
   so embedded queries run in worker processes forked (copy-on-write) from a *zygote*: a process forked once
   from the app while the store holds its data and nothing else runs. A query past the time limit gets its
   worker killed (SIGKILL) and replaced; a worker has an address-space limit, so a query that eats memory
   kills only its worker.
3. **Results are capped** at ``max_rows`` rows (triples for CONSTRUCT/DESCRIBE); the outcome says when it cut.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import faulthandler
import hashlib
import io
import json
import logging
import os
import queue
import re
import resource
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import urljoin
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox
import requests

from .store import RDF_FORMATS, RESULT_FORMATS, OxigraphStore, RemoteStore, Store, _position_message

log = logging.getLogger("partnergraph.sparql")

#: Words that only occur in SPARQL Update requests (a read-only endpoint refuses them).
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


class QueryRefused(Exception):
    """The query may not run here (SERVICE, an update, an unknown graph...); the message says why."""


@dataclass
class Checked:
    """What the checker learnt of a query: its form, the graphs its FROM / FROM NAMED clauses name."""

    form: str
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """The result of running one query: a serialised body, or an error with its kind.

    ``status`` is ``ok``, ``syntax`` (the query does not parse), ``refused``, ``timeout``, ``memory``,
    ``busy`` or ``error``.
    """

    status: str
    body: bytes = b""
    media_type: str = "text/plain"
    form: str = ""
    rows: int = 0
    truncated: bool = False
    message: str = ""
    seconds: float = 0.0


# -- the checker ---------------------------------------------------------------------------------------------

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN_PARTS = {
    "ws": r"\s+",
    "comment": r"\#[^\n\r]*",
    "iri": r"<[^<>\"{}|^`\\\x00-\x20]*>",
    "string": r"\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
    r"|\'(?:[^\'\\\n\r]|\\.)*\'|\"(?:[^\"\\\n\r]|\\.)*\"",
    "var": r"[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+",
    "pname": r"(?:[^\W\d][\w.-]*)?:(?:[\w:%.-]|\\.)*",
    "word": r"[^\W\d]\w*",
    "other": r"\\.|.",
}


def _scanner(parts: dict[str, str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<{name}>{regex})" for name, regex in parts.items()), re.DOTALL)


_TOKEN = _scanner(_TOKEN_PARTS)
# The second view: '<' never opens an IRI. A bare word is one standing alone between code delimiters.
_TOKEN_NO_IRI = _scanner({k: v for k, v in _TOKEN_PARTS.items() if k != "iri"})
_DELIMITERS = set(" \t\r\n{}()<>,;")


def unescape_codepoints(sparql: str) -> str:
    """Decode ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes, which SPARQL applies to the whole text before parsing."""

    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)

    return _CODEPOINT.sub(one, sparql)


def _tokens(text: str, pattern: re.Pattern[str]) -> list[tuple[str, str, int]]:
    """Significant tokens (kind, text, offset); whitespace and comments dropped."""
    out = []
    for match in pattern.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append((kind, match.group(), match.start()))
    return out


def _bare_words(text: str) -> set[str]:
    """Upper-cased words that stand alone as code in the view where '<' is always an operator (conservative)."""
    words = set()
    for kind, value, start in _tokens(text, _TOKEN_NO_IRI):
        if kind != "word":
            continue
        before = text[start - 1] if start else " "
        end = start + len(value)
        after = text[end] if end < len(text) else " "
        if before in _DELIMITERS and (after in _DELIMITERS or after in "?$"):
            words.add(value.upper())
    return words


def check_query(sparql: str, graphs: set[str] | None = None) -> Checked:
    """Refuse what may not run on the public endpoint; return the query's form and the graphs it names.

    Refused (:class:`QueryRefused`): ``SERVICE`` anywhere, any update operation (``LOAD`` included), and a
    ``FROM`` / ``FROM NAMED`` that names a graph not in ``graphs`` (when given) or names it by a relative or
    undeclared IRI. A query that does not parse is left to the engine, which says where it fails.
    """
    text = unescape_codepoints(sparql)
    tokens = _tokens(text, _TOKEN)
    words = [(i, v.upper()) for i, (k, v, _) in enumerate(tokens) if k == "word"]
    upper = {w for _, w in words} | _bare_words(text)
    if "SERVICE" in upper:
        raise QueryRefused("SERVICE is not allowed: this endpoint never calls other endpoints")
    if "LOAD" in upper:
        raise QueryRefused("LOAD is not allowed: this endpoint is read-only and never fetches data")
    form = next((w for _, w in words if w in QUERY_FORMS), None)
    updates = sorted(upper & UPDATE_WORDS)
    if form is None or updates:
        what = updates[0] if updates else "this request"
        raise QueryRefused(
            f"SPARQL Update is not accepted here ({what}): this endpoint is read-only, it answers queries only"
        )
    prefixes: dict[str, str] = {}
    base = ""
    checked = Checked(form)
    for i, word in words:
        kind_next = tokens[i + 1] if i + 1 < len(tokens) else ("", "", 0)
        if word == "BASE" and kind_next[0] == "iri":
            base = urljoin(base, kind_next[1][1:-1])
        elif word == "PREFIX" and kind_next[0] == "pname" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[kind_next[1].rstrip(":")] = urljoin(base, tokens[i + 2][1][1:-1])
        elif word == "FROM":
            named = kind_next[0] == "word" and kind_next[1].upper() == "NAMED"
            target = tokens[i + 2] if named and i + 2 < len(tokens) else kind_next
            iri = _resolve(target, prefixes, base)
            if iri is None:
                raise QueryRefused(f"FROM{' NAMED' if named else ''} must name a graph of this store by its IRI")
            if graphs is not None and iri not in graphs:
                raise QueryRefused(
                    f"FROM{' NAMED' if named else ''} <{iri}>: no such graph in this store "
                    "(this endpoint never fetches graphs from elsewhere)"
                )
            (checked.from_named if named else checked.from_graphs).append(iri)
    return checked


def _resolve(token: tuple[str, str, int], prefixes: dict[str, str], base: str) -> str | None:
    """The absolute IRI an IRI token or prefixed name stands for, or None."""
    kind, value, _ = token
    if kind == "iri":
        iri = urljoin(base, value[1:-1]) if base else value[1:-1]
        return iri if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) else None
    if kind == "pname" and "\\" not in value and "%" not in value:
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def check_graphs(iris: list[str], graphs: set[str]) -> None:
    """Refuse protocol ``default-graph-uri`` / ``named-graph-uri`` values that are not graphs of the store."""
    for iri in iris:
        if iri not in graphs:
            raise QueryRefused(f"<{iri}>: no such graph in this store (this endpoint never fetches graphs)")


def query_hash(sparql: str) -> str:
    """A short stable hash of a query text, for the log (the text itself may be personal)."""
    return hashlib.sha256(sparql.encode("utf-8")).hexdigest()[:12]


# -- serialising capped results -----------------------------------------------------------------------------

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _json_cell(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        cell: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            cell["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            cell["datatype"] = term.datatype.value
        return cell
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_cell(term.subject),
                "predicate": _json_cell(term.predicate),
                "object": _json_cell(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


def _xml_cell(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
        return f"<literal>{xml_escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_cell(term.subject)}</subject><predicate>{_xml_cell(term.predicate)}</predicate>"
        f"<object>{_xml_cell(term.object)}</object></triple>"
    )


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _tsv_value(term: Any) -> str:
    return "" if term is None else str(term).replace("\t", "\\t")


def serialize_solutions(variables: list[str], rows: list[list[Any]], fmt: str, truncated: bool = False) -> bytes:
    """Write SELECT results (rows of pyoxigraph terms, None where unbound) as SPARQL JSON, XML, CSV or TSV.

    JSON results that were cut carry a top-level ``"partnergraph": {"truncated": true}``.
    """
    if fmt == "json":
        bindings = [{v: _json_cell(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        doc: dict[str, Any] = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        if truncated:
            doc["partnergraph"] = {"truncated": True, "rows": len(rows)}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [
                f"<binding name={quoteattr(v)}>{_xml_cell(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            ]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(t) for t in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_value(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown results format {fmt!r}")


def serialize_boolean(value: bool, fmt: str) -> bytes:
    """Write an ASK answer as SPARQL JSON, XML, CSV or TSV."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        word = "true" if value else "false"
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{word}</boolean></sparql>\n"
        ).encode()
    return (b"true" if value else b"false") + b"\n"


def evaluate(
    store: ox.Store,
    sparql: str,
    result_format: str,
    graph_format: str,
    max_rows: int,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    query_dataset: bool = False,
) -> Outcome:
    """Run one query on a pyoxigraph store (in this process) and serialise at most ``max_rows`` results.

    The protocol's graphs (``default_graphs`` / ``named_graphs``) override the query's FROM clauses; with
    neither (``query_dataset`` False), the default graph is the union of all graphs.
    """
    kwargs: dict[str, Any] = {}
    if default_graphs is not None or named_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
    elif not query_dataset:
        kwargs["use_default_graph_as_union"] = True
    started = time.perf_counter()
    try:
        result = store.query(sparql, **kwargs)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                if len(rows) == max_rows:
                    truncated = True
                    break
                rows.append([solution[i] for i in range(len(variables))])
            else:
                truncated = False
            body = serialize_solutions(variables, rows, result_format, truncated)
            outcome = Outcome("ok", body, RESULT_FORMATS[result_format][1], "SELECT", len(rows), truncated)
        elif isinstance(result, ox.QueryBoolean):
            body = serialize_boolean(bool(result), result_format)
            outcome = Outcome("ok", body, RESULT_FORMATS[result_format][1], "ASK", 1)
        else:
            triples = []
            truncated = False
            for triple in result:
                if len(triples) == max_rows:
                    truncated = True
                    break
                triples.append(triple)
            rdf, media, _ = RDF_FORMATS[graph_format]
            body = ox.serialize(triples, format=rdf) or b""
            outcome = Outcome("ok", body, media, "CONSTRUCT", len(triples), truncated)
    except SyntaxError as error:
        outcome = Outcome("syntax", message=_position_message(error, "query syntax error"))
    except MemoryError:
        outcome = Outcome("memory", message="the query needed more memory than a query may use: stopped")
    except (OSError, ValueError, RuntimeError) as error:
        outcome = Outcome("error", message=f"query failed: {error}")
    outcome.seconds = time.perf_counter() - started
    return outcome


# -- worker processes ----------------------------------------------------------------------------------------


def _isolate_network() -> bool:
    """Move this (single-threaded) process into an empty network namespace; False where the kernel refuses."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(0x10000000 | 0x40000000) == 0  # CLONE_NEWUSER | CLONE_NEWNET
    except (OSError, AttributeError):
        return False


def _vm_size_bytes() -> int:
    """This process's current address-space size."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _worker_main(conn: Connection, store: ox.Store, memory_mb: int) -> None:
    """A worker: answer query requests on ``conn`` until it closes. Runs in a forked child, never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["RUST_BACKTRACE"] = "0"  # a query that runs out of memory aborts with one line, not a backtrace
    faulthandler.disable()
    _isolate_network()
    if memory_mb > 0:
        limit = _vm_size_bytes() + memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            break
        conn.send(evaluate(store, **request))
    os._exit(0)


def _zygote_main(control: socket.socket, store: ox.Store, memory_mb: int) -> None:
    """The zygote: fork a fresh worker whenever asked, hand its socket back. Never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            command = control.recv(1)
        except OSError:
            break
        if not command:
            break
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            control.close()
            ours.close()
            _worker_main(Connection(theirs.detach()), store, memory_mb)
            os._exit(0)
        theirs.close()
        socket.send_fds(control, [pid.to_bytes(8, "little")], [ours.fileno()])
        ours.close()
    os._exit(0)


def _close_inherited_pipes_and_sockets(keep: int) -> None:
    """In a forked child: close every pipe and socket inherited from the app (its listening socket, the pipes
    of its other child processes...), so that none is held open by the zygote; regular files stay (the on-disk
    engine reads through them)."""
    import stat

    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd <= 2 or fd == keep:
            continue
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            continue
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            with contextlib.suppress(OSError):
                os.close(fd)


class _Worker:
    """The parent's handle on one worker process (of one snapshot generation)."""

    def __init__(self, pid: int, conn: Connection, generation: int) -> None:
        self.pid = pid
        self.conn = conn
        self.generation = generation

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.conn.close()


class QueryRunner:
    """Runs public queries under the limits; ``run()`` is thread-safe and never raises for a bad query."""

    def __init__(
        self,
        store: Store,
        *,
        workers: int = 2,
        timeout: float = 10.0,
        max_rows: int = 10000,
        memory_mb: int = 2048,
    ) -> None:
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.memory_mb = memory_mb
        self.size = max(1, workers)
        self._lock = threading.Lock()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._zygote_pid = 0
        self._control: socket.socket | None = None
        self._graphs: set[str] | None = None
        self._closed = False
        self._generation = 0
        self._live = 0  # workers alive (idle or busy); spawned on demand up to ``size``
        self._count_lock = threading.Lock()
        if isinstance(store, OxigraphStore):
            self._start_zygote()

    # the pool

    def _start_zygote(self) -> None:
        """Fork the zygote from this process: it holds a copy-on-write snapshot of the store as it is now."""
        assert isinstance(self.store, OxigraphStore)
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the zygote
            ours.close()
            _close_inherited_pipes_and_sockets(keep=theirs.fileno())
            try:
                _zygote_main(theirs, self.store.native, self.memory_mb)
            finally:
                os._exit(0)
        theirs.close()
        self._zygote_pid, self._control = pid, ours

    def _spawn(self) -> _Worker:
        """A fresh worker from the zygote."""
        with self._lock:
            assert self._control is not None
            self._control.sendall(b"w")
            data, fds, _, _ = socket.recv_fds(self._control, 8, 1)
            generation = self._generation
        return _Worker(int.from_bytes(data, "little"), Connection(fds[0]), generation)

    def _acquire(self) -> _Worker | None:
        """An idle worker of the current snapshot, a new one while fewer than ``size`` live, else wait (None)."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                with self._count_lock:
                    grow = self._live < self.size
                    if grow:
                        self._live += 1
                if grow:
                    try:
                        return self._spawn()
                    except OSError:
                        self._retire(None)
                        raise
                try:
                    worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    return None
            if worker.generation == self._generation:
                return worker
            self._retire(worker)

    def _release(self, worker: _Worker) -> None:
        if self._closed or worker.generation != self._generation:
            self._retire(worker)
        else:
            self._idle.put(worker)

    def _retire(self, worker: _Worker | None) -> None:
        """Kill a worker (stopped, dead or stale) and count it out."""
        if worker is not None:
            worker.kill()
        with self._count_lock:
            self._live -= 1

    def refresh(self) -> None:
        """Take a new snapshot after the store changed: a new zygote; older workers retire as they come back.

        Call it after a write has committed (the zygote is forked from this process at that moment).
        """
        self._graphs = None
        if not isinstance(self.store, OxigraphStore):
            return
        with self._lock:
            old_control, old_pid = self._control, self._zygote_pid
            self._start_zygote()
            self._generation += 1
        self._stop_zygote(old_control, old_pid)
        while True:
            try:
                self._retire(self._idle.get_nowait())
            except queue.Empty:
                break

    @staticmethod
    def _stop_zygote(control: socket.socket | None, pid: int) -> None:
        if control is not None:
            control.close()
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    def close(self) -> None:
        """Stop every worker and the zygote."""
        self._closed = True
        while True:
            try:
                self._retire(self._idle.get_nowait())
            except queue.Empty:
                break
        self._stop_zygote(self._control, self._zygote_pid)
        self._control, self._zygote_pid = None, 0

    def worker_pids(self) -> list[int]:
        """The pids of the idle workers (for tests and monitoring)."""
        return [w.pid for w in list(self._idle.queue)]

    # queries

    def graphs(self) -> set[str]:
        """The named graphs of the store (cached until :meth:`refresh`)."""
        if self._graphs is None:
            self._graphs = set(self.store.graphs())
        return self._graphs

    def run(
        self,
        sparql: str,
        result_format: str = "json",
        graph_format: str = "turtle",
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Outcome:
        """Check then run a query under the time, memory and row limits; log it; return the outcome."""
        started = time.perf_counter()
        try:
            checked = check_query(sparql, self.graphs())
            check_graphs([*(default_graphs or []), *(named_graphs or [])], self.graphs())
        except QueryRefused as refusal:
            outcome = Outcome("refused", message=str(refusal))
        else:
            request = {
                "sparql": sparql,
                "result_format": result_format,
                "graph_format": graph_format,
                "max_rows": self.max_rows,
                "default_graphs": default_graphs,
                "named_graphs": named_graphs,
                "query_dataset": bool(checked.from_graphs or checked.from_named),
            }
            if isinstance(self.store, RemoteStore):
                outcome = self._run_remote(checked, request)
            else:
                outcome = self._run_local(request)
            outcome.form = outcome.form or checked.form
        outcome.seconds = time.perf_counter() - started
        log.info(
            "query %s form=%s outcome=%s rows=%d truncated=%s ms=%.1f",
            query_hash(sparql),
            outcome.form or "-",
            outcome.status,
            outcome.rows,
            "yes" if outcome.truncated else "no",
            outcome.seconds * 1000,
        )
        return outcome

    def _run_local(self, request: dict[str, Any]) -> Outcome:
        worker = self._acquire()
        if worker is None:
            return Outcome("busy", message=f"every query worker stayed busy for {self.timeout:g} s; try again later")
        try:
            worker.conn.send(request)
            if worker.conn.poll(self.timeout):
                outcome = worker.conn.recv()
                self._release(worker)
                return outcome
            self._retire(worker)
            return Outcome("timeout", message=f"the query ran longer than the limit of {self.timeout:g} s: stopped")
        except (EOFError, OSError):
            self._retire(worker)
            return Outcome(
                "memory",
                message=f"the query needed more memory than a query may use ({self.memory_mb} MB): stopped",
            )

    def _run_remote(self, checked: Checked, request: dict[str, Any]) -> Outcome:
        """Ask the remote store (its own time limit plus our HTTP timeout), parse, cap and re-serialise."""
        assert isinstance(self.store, RemoteStore)
        params: list[tuple[str, str]] = [("default-graph-uri", g) for g in request["default_graphs"] or []]
        params += [("named-graph-uri", g) for g in request["named_graphs"] or []]
        graph_query = checked.form in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph_query else "application/sparql-results+json"
        try:
            response = requests.post(
                self.store.query_url,
                params=params,
                data=request["sparql"].encode("utf-8"),
                headers={"Content-Type": "application/sparql-query", "Accept": accept},
                timeout=self.timeout,
            )
        except requests.Timeout:
            return Outcome("timeout", message=f"the query ran longer than the limit of {self.timeout:g} s: stopped")
        except requests.RequestException as error:
            return Outcome("error", message=f"cannot reach the store: {error}")
        if response.status_code == 400:
            text = response.text.strip().replace("\n", " ")[:500]
            return Outcome("syntax", message=_position_message(Exception(text), "query syntax error"))
        if response.status_code >= 400:
            return Outcome("error", message=f"the store answered {response.status_code}: {response.text[:300]}")
        try:
            if graph_query:
                triples = []
                for triple in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES):
                    if len(triples) == self.max_rows:
                        break
                    triples.append(triple)
                truncated = len(triples) == self.max_rows and len(response.content.splitlines()) > self.max_rows
                rdf, media, _ = RDF_FORMATS[request["graph_format"]]
                body = ox.serialize(triples, format=rdf) or b""
                return Outcome("ok", body, media, checked.form, len(triples), truncated)
            parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
            fmt = request["result_format"]
            if isinstance(parsed, ox.QueryBoolean):
                return Outcome("ok", serialize_boolean(bool(parsed), fmt), RESULT_FORMATS[fmt][1], "ASK", 1)
            variables = [v.value for v in parsed.variables]
            rows, truncated = [], False
            for solution in parsed:
                if len(rows) == self.max_rows:
                    truncated = True
                    break
                rows.append([solution[i] for i in range(len(variables))])
            body = serialize_solutions(variables, rows, fmt, truncated)
            return Outcome("ok", body, RESULT_FORMATS[fmt][1], "SELECT", len(rows), truncated)
        except (SyntaxError, ValueError) as error:
            return Outcome("error", message=f"the store's answer did not parse: {error}")
