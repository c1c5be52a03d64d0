"""A remote SPARQL 1.1 endpoint as a :class:`~graph.store.Store`, portable across engines.

Tested against two real engines (the Oxigraph server and Virtuoso 7.2) and written to the protocol so that Fuseki
and GraphDB work too:

- queries and updates are sent form-encoded (``query=`` / ``update=``), which every engine takes (Virtuoso does not
  take a query as a direct ``application/sparql-query`` body); results come back as SPARQL JSON;
- the engine is recognised by its ``Server`` header; what differs is kept in :class:`~graph.store.Capabilities`:
  Virtuoso's cap on result rows (its ``X-SPARQL-MaxRows`` header, or its ``ResultSetMaxRows`` setting), its system
  graphs, and how much one ``INSERT DATA`` may hold (``SP031``: "generated SQL text has exceeded 10000 lines");
- a result cut at the engine's cap is paged with ``LIMIT``/``OFFSET`` when the query is ordered, else refused
  (:class:`~graph.store.ResultCapError`): never a silent truncation;
- large writes go in chunks (by the SPARQL 1.1 Graph Store Protocol where the engine has it, which is also much
  faster than ``INSERT DATA`` on Virtuoso), and chunks already written are undone when a later one fails;
- engine blank node identifiers (Virtuoso's ``nodeID://b1``) are turned into valid blank node labels.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from rdflib import Graph, Literal, URIRef

from .store import (
    RDF_FORMATS,
    RESULT_FORMATS,
    Bindings,
    Capabilities,
    QuerySyntaxError,
    ResultCapError,
    SelectResult,
    Store,
    StoreError,
    Term,
    _json_term,
    _position_message,
    bind_values,
    blank_label,
    format_for_path,
    graph_iri,
    query_form,
    sparql_term,
    store_query,
    strip_comments_and_strings,
    to_oxigraph,
    to_rdflib,
    write_text,
)

JSON_RESULTS = "application/sparql-results+json"
#: Virtuoso's own graphs (its RDF views, demo ontologies and the endpoint's service description).
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://www.w3.org/2002/07/owl#",
    "http://localuriqaserver/sparql",
    "http://localhost:8890/sparql",
    "http://localhost:8890/DAV/",
)
#: Where a write too big for one request is staged (one graph per write, dropped once applied; never shown).
STAGING_GRAPHS = "https://partnergraph.org/id/staging/"
STAGING = "https://partnergraph.org/ontology/staging#"
#: Quads in one Virtuoso INSERT DATA / DELETE DATA (2,000 short triples already exceed its 10,000 lines of SQL).
VIRTUOSO_CHUNK = 500
#: Bytes of N-Triples in one Graph Store Protocol request (Virtuoso refuses requests over 10 MB: HT057).
GSP_CHUNK_BYTES = 4_000_000
#: Quads in one staged Virtuoso write: applying 50,000 took 15 s on a loaded 2-core machine (Virtuoso stops a statement
#: at its MaxQueryExecutionTime, and applying 289,000 went past 120 s); larger writes go in chunks.
VIRTUOSO_STAGED_MAX = 50_000
#: Seconds the statement that applies a staged write may take (Virtuoso: about a minute for 289,000 statements).
APPLY_TIMEOUT = 1800.0
#: Rows asked at once when checking which quads are present.
PRESENT_BATCH = 100


def _pageable(sparql: str) -> bool:
    """True when a query ends with ORDER BY and has no LIMIT, OFFSET or trailing VALUES of its own."""
    text = strip_comments_and_strings(sparql)
    tail = text[text.rfind("}") + 1 :]
    return bool(re.search(r"(?i)\bORDER\s+BY\b", tail)) and not re.search(r"(?i)\b(LIMIT|OFFSET|VALUES)\b", tail)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ox_row(names: list[str], binding: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(None if (t := _json_term(binding.get(n))) is None else to_oxigraph(t) for n in names)


class NoAnswer(StoreError):
    """The endpoint took the request but did not answer in time: whether it was applied is not known."""


class RemoteStore(Store):
    """A remote SPARQL 1.1 endpoint (Oxigraph server, Virtuoso, Fuseki, GraphDB...), over HTTP."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        timeout: float = 60.0,
        whole_reads: str | None = None,
        staged_writes: bool | None = None,
    ) -> None:
        self.query_url = query_url
        if update_url is None:
            base = query_url.rstrip("/")
            update_url = base[: -len("query")] + "update" if base.endswith("/query") else query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.url = "sparql:" + "|".join(u for u in (query_url, update_url, gsp_url) if u)
        self.timeout = timeout
        self._http = requests.Session()
        self._engine: str | None = None
        self._row_cap: int | None = None
        self._cap_probed = False
        #: Forces a way of reading whole graphs (see :attr:`Capabilities.whole_reads`); None: the engine's best.
        self.whole_reads = whole_reads
        #: Forces staging large writes on or off (see :attr:`Capabilities.staged_writes`); None: where needed.
        self.staged_writes = staged_writes

    # -- transport -----------------------------------------------------------------------------------------

    def _post(self, url: str, data: Any, accept: str, what: str, **kwargs: Any) -> requests.Response:
        return self._send("POST", url, accept, what, data=data, **kwargs)

    def _send(self, method: str, url: str, accept: str, what: str, **kwargs: Any) -> requests.Response:
        timeout = kwargs.pop("timeout", self.timeout)
        try:
            response = self._http.request(method, url, headers={"Accept": accept, **kwargs.pop("headers", {})},
                                          timeout=timeout, **kwargs)  # fmt: skip
        except requests.Timeout:
            raise NoAnswer(f"the SPARQL endpoint {url} did not answer within {timeout:g} s") from None
        except requests.RequestException as error:
            raise StoreError(f"cannot reach the SPARQL endpoint {url}: {error}") from None
        self._learn(response)
        if response.status_code >= 400:
            message = response.text.strip().replace("\n", " ")[:500]
            if response.status_code == 400:
                raise QuerySyntaxError(_position_message(Exception(message), f"{what} rejected by the endpoint"))
            raise StoreError(f"{what} failed at the endpoint ({response.status_code}): {message}")
        if response.headers.get("X-SQL-State") == "S1TAT":  # Virtuoso: "anytime" partial results
            raise StoreError(f"the endpoint stopped the {what} at its time limit and would give partial results")
        return response

    def _learn(self, response: requests.Response) -> None:
        """Recognise the engine from its Server header and note a result cap it announces."""
        if self._engine is None:
            server = response.headers.get("Server", "").lower()
            self._engine = (
                "virtuoso" if "virtuoso" in server else "oxigraph-server" if "oxigraph" in server else "sparql"
            )
        cap = response.headers.get("X-SPARQL-MaxRows", "")
        if cap.isdigit():
            self._row_cap = int(cap)

    def _query(self, sparql: str, accept: str) -> requests.Response:
        return self._post(self.query_url, {"query": sparql}, accept, "query")

    # -- what the engine can do ----------------------------------------------------------------------------

    @property
    def engine(self) -> str:
        """``oxigraph-server``, ``virtuoso`` or ``sparql`` (another engine), from the endpoint's Server header."""
        if self._engine is None:
            self._query("ASK {}", JSON_RESULTS)
        return self._engine or "sparql"

    def row_cap(self) -> int | None:
        """The engine's cap on result rows: announced by a header, or read once from Virtuoso's settings."""
        if self._row_cap is None and not self._cap_probed and self.engine == "virtuoso":
            self._cap_probed = True
            try:
                doc = json.loads(self._query(store_query("virtuoso-row-cap"), JSON_RESULTS).content)
                value = doc["results"]["bindings"][0].get("cap", {}).get("value", "")
                self._row_cap = int(value) if value.strip().isdigit() and int(value) > 0 else None
            except (StoreError, ValueError, KeyError, IndexError):
                self._row_cap = None  # the setting is not readable: caps are still seen in the header
        return self._row_cap

    @property
    def capabilities(self) -> Capabilities:
        virtuoso = self.engine == "virtuoso"
        return Capabilities(
            engine=self.engine,
            embedded=False,
            tracks_writes=False,
            native_bindings=False,
            atomic_write_quads=VIRTUOSO_CHUNK if virtuoso else None,
            staged_writes=virtuoso if self.staged_writes is None else self.staged_writes,
            staged_write_quads=VIRTUOSO_STAGED_MAX if virtuoso else None,
            row_cap=self.row_cap(),
            hidden_graphs=(*VIRTUOSO_SYSTEM_GRAPHS, STAGING_GRAPHS) if virtuoso else (STAGING_GRAPHS,),
            whole_reads=self.whole_reads or ("graph-store" if self.engine == "oxigraph-server" else "construct"),
        )

    def graph_store_url(self) -> str | None:
        """The SPARQL 1.1 Graph Store Protocol endpoint: given, or the engine's usual one."""
        if self.gsp_url:
            return self.gsp_url
        parts = urlsplit(self.query_url)
        if self.engine == "virtuoso":
            return urlunsplit((parts.scheme, parts.netloc, "/sparql-graph-crud", "", ""))
        if self.engine == "oxigraph-server" and parts.path.rstrip("/").endswith("/query"):
            return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/")[: -len("query")] + "store", "", ""))
        return None

    # -- reading -------------------------------------------------------------------------------------------

    def _select_page(self, sparql: str) -> tuple[list[str], list[dict[str, Any]], bool]:
        """One request: variable names, bindings, and whether the engine cut the result at its cap."""
        response = self._query(sparql, JSON_RESULTS)
        try:
            doc = json.loads(response.content)
        except ValueError as error:
            raise StoreError(f"the endpoint did not answer SPARQL JSON: {error}") from None
        bindings = doc.get("results", {}).get("bindings", [])
        bindings = [b for b in bindings if b]  # Virtuoso answers an empty pattern with one empty row
        cap = self._row_cap if response.headers.get("X-SPARQL-MaxRows") else self.row_cap()
        return doc.get("head", {}).get("vars", []), bindings, cap is not None and len(bindings) >= cap > 0

    def _rows(self, sparql: str) -> tuple[list[str], Iterator[dict[str, Any]]]:
        """Variable names and every binding, paged with LIMIT/OFFSET when the engine caps the result."""
        names, first, capped = self._select_page(sparql)
        if capped and not _pageable(sparql):
            raise ResultCapError(
                f"the endpoint cut the result at its cap of {len(first)} rows and this query cannot be paged (it needs "
                "ORDER BY and no LIMIT of its own): raise the engine's cap (Virtuoso: ResultSetMaxRows) or page it"
            )

        def pages() -> Iterator[dict[str, Any]]:
            yield from first
            page, offset, more = len(first), len(first), capped
            while more:
                _, rows, more = self._select_page(f"{sparql}\nLIMIT {page} OFFSET {offset}")
                yield from rows
                offset += len(rows)
                more = more and bool(rows)

        return names, pages()

    def select(self, sparql: str, bindings: Bindings | None = None) -> SelectResult:
        names, rows = self._rows(bind_values(sparql, bindings))
        return SelectResult(names, [tuple(_json_term(b.get(v)) for v in names) for b in rows])

    def select_values(self, sparql: str, bindings: Bindings | None = None) -> Iterator[tuple[str | None, ...]]:
        names, rows = self._rows(bind_values(sparql, bindings))
        for binding in rows:
            yield tuple(self._plain(binding.get(v)) for v in names)

    @staticmethod
    def _plain(cell: dict[str, str] | None) -> str | None:
        if cell is None:
            return None
        if cell["type"] == "bnode" or cell["value"].startswith("nodeID://"):
            return "_:" + blank_label(cell["value"])
        return cell["value"]

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        doc = json.loads(self._query(bind_values(sparql, bindings), JSON_RESULTS).content)
        return bool(doc["boolean"])

    def _check_triples(self, count: int) -> None:
        cap = self.row_cap()
        if cap is not None and count >= cap:
            raise ResultCapError(
                f"the endpoint gave {count} statements, its cap on results: the answer may be cut; raise the engine's "
                "cap (Virtuoso: ResultSetMaxRows) or ask for less"
            )

    def construct(self, sparql: str, bindings: Bindings | None = None) -> Graph:
        response = self._query(bind_values(sparql, bindings), "application/n-triples")
        graph = Graph()
        for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES):
            graph.add(tuple(to_rdflib(_from_engine(t)) for t in (q.subject, q.predicate, q.object)))  # type: ignore[arg-type]
        self._check_triples(len(graph))
        return graph

    def query_serialized(
        self,
        sparql: str,
        result_format: str,
        bindings: Bindings | None = None,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> tuple[bytes, str]:
        sparql = bind_values(sparql, bindings)
        graph_query = query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
        media = RDF_FORMATS[result_format][1] if graph_query else RESULT_FORMATS[result_format][1]
        data = [("query", sparql)]
        data += [("default-graph-uri", g) for g in default_graphs or ()]
        data += [("named-graph-uri", g) for g in named_graphs or ()]
        response = self._post(self.query_url, data, media, "query")
        if response.headers.get("X-SPARQL-MaxRows"):
            raise ResultCapError(f"the endpoint cut the result at its cap of {self._row_cap} rows")
        if graph_query and result_format in ("nt", "nquads"):
            self._check_triples(response.content.count(b"\n"))
        return response.content, response.headers.get("Content-Type", media).split(";")[0].strip()

    def quads(
        self,
        subject: Term | None = None,
        predicate: Term | None = None,
        object: Term | None = None,  # noqa: A002
        graph: Term | None = None,
    ) -> Iterator[ox.Quad]:
        if isinstance(graph, ox.DefaultGraph):
            return
        caps = self.capabilities
        if subject is None and predicate is None and object is None and caps.whole_reads != "select":
            yield from (q for q in self._whole(graph) if not caps.hides(graph_iri(q)))
            return
        bound = [(k, v) for k, v in (("s", subject), ("p", predicate), ("o", object), ("g", graph)) if v is not None]
        # One VALUES row for every bound position: engines look the pattern up by all of them (Oxigraph joins
        # separate single-value VALUES one after the other, scanning every quad of the first).
        bindings = {tuple(k for k, _ in bound): [tuple(v for _, v in bound)]} if bound else None
        cap = self.row_cap()
        # Ordered (so that it can be paged) only where the answer may reach the cap: sorting every quad is slow.
        ordered = cap is not None and (bool(bound) or self.quad_count() >= cap)
        text = store_query("quads" if ordered else "quads-unordered")
        names, rows = self._rows(bind_values(text, bindings))
        for binding in rows:
            s, p, o, g = _ox_row(["s", "p", "o", "g"], binding)
            if isinstance(g, ox.NamedNode) and not caps.hides(g.value):
                yield ox.Quad(s, p, o, g)

    def _whole(self, graph: Term | None) -> Iterator[ox.Quad]:
        """Every quad of the store, or of one graph, the engine's fastest way (:attr:`Capabilities.whole_reads`)."""
        gsp = self.graph_store_url()
        if graph is None and self.capabilities.whole_reads == "graph-store" and gsp:
            response = self._send("GET", gsp, "application/n-quads", "read")
            for quad in ox.parse(response.content, format=ox.RdfFormat.N_QUADS):
                if isinstance(quad.graph_name, ox.NamedNode):
                    s, o = _from_engine(quad.subject), _from_engine(quad.object)
                    yield ox.Quad(s, quad.predicate, o, quad.graph_name)
            return
        for name in [to_oxigraph(graph).value] if graph is not None else self.graphs():
            node = ox.NamedNode(name)
            for t in self._graph_triples(node):
                yield ox.Quad(t.subject, t.predicate, t.object, node)

    def _construct_triples(self, sparql: str) -> list[ox.Triple]:
        """Run a CONSTRUCT, answered as N-Triples; the triples (engine blank node identifiers made valid)."""
        response = self._query(sparql, "application/n-triples")
        try:
            triples = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
            if b"<nodeID://" not in response.content:
                return triples
            return [ox.Triple(_from_engine(t.subject), t.predicate, _from_engine(t.object)) for t in triples]
        except SyntaxError as error:
            raise StoreError(f"the endpoint did not answer N-Triples: {error}") from None

    def _graph_triples(self, graph: ox.NamedNode) -> list[ox.Triple]:
        """The statements of one graph: one CONSTRUCT, or ordered pages of the engine's cap when it reaches it."""
        triples = self._construct_triples(bind_values(store_query("graph-triples"), {"g": graph}))
        cap = self.row_cap()
        if cap is None or len(triples) < cap:
            return triples
        pages: list[ox.Triple] = []
        page_text = bind_values(store_query("graph-triples-page"), {"g": graph})
        while True:
            text = re.sub(r"LIMIT \d+ OFFSET \d+", f"LIMIT {cap} OFFSET {len(pages)}", page_text)
            try:
                page = self._construct_triples(text)
            except StoreError as error:
                raise ResultCapError(
                    f"the graph {graph.value} holds more statements than the endpoint's cap of {cap} rows, and paging "
                    f"it failed ({error}): raise the engine's cap (Virtuoso: ResultSetMaxRows) above the graph's size"
                ) from None
            pages += page
            if len(page) < cap:
                return pages

    def present(self, quads: Iterable[ox.Quad]) -> set[ox.Quad]:
        # Asked by (subject, predicate, graph) and compared here: Virtuoso loses rows of a VALUES block that mixes
        # literals of different kinds, so no literal is sent.
        wanted = [q for q in quads if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))]
        keys = sorted({(q.subject, q.predicate, q.graph_name) for q in wanted}, key=str)
        found: set[ox.Quad] = set()
        for batch in _chunks(keys, PRESENT_BATCH):
            names, rows = self._rows(bind_values(store_query("quads-unordered"), {("s", "p", "g"): batch}))
            found |= {ox.Quad(*_ox_row(["s", "p", "o", "g"], b)) for b in rows}
        return {q for q in wanted if q in found}

    def graphs(self) -> list[str]:
        query = store_query("graphs" if self.engine == "oxigraph-server" else "graphs-scan")
        caps = self.capabilities
        return sorted(g for (g,) in self.select_values(query) if g and not caps.hides(g))

    def is_empty(self) -> bool:
        return not self.graphs()

    def count(self) -> int:
        """Distinct triples of the graphs shown: a staging graph (being written, or left by a failure) never counts."""
        rows = list(self.select_values(store_query("distinct-triples-shown"), {"hidden": Literal(STAGING_GRAPHS)}))
        return int(rows[0][0] or 0)

    def quad_count(self) -> int:
        """Statements of the graphs shown (a staging graph never counts)."""
        return sum(self.quads_per_graph().values())

    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        rdf = RDF_FORMATS[fmt][0]
        if fmt in ("trig", "nquads"):
            return ox.serialize(self.quads(), format=rdf) or b""
        if graph:
            quads = self.quads(graph=ox.NamedNode(graph))
            return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=rdf) or b""
        if self.capabilities.whole_reads == "select":
            names, rows = self._rows(store_query("triples"))
            triples = [ox.Triple(*_ox_row(names, b)) for b in rows]
        else:  # the union: every statement once, whichever graphs state it
            triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in self.quads()))
        return ox.serialize(triples, format=rdf) or b""

    # -- writing -------------------------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        self._post(self.update_url, {"update": sparql}, f"{JSON_RESULTS}, */*;q=0.1", "update")

    def write(self, added: Iterable[ox.Quad], removed: Iterable[ox.Quad] = (), drop_graphs: Sequence[str] = ()) -> None:
        added, removed = list(added), list(removed)
        limit = self.capabilities.atomic_write_quads
        if limit is None or len(added) + len(removed) <= limit:
            if added or removed or drop_graphs:
                self.update(write_text(added, removed, drop_graphs))
            return
        caps, size = self.capabilities, len(added) + len(removed)
        in_time = caps.staged_write_quads is None or size <= caps.staged_write_quads
        blank = any(isinstance(t, ox.BlankNode) for q in (*added, *removed) for t in (q.subject, q.object))
        if caps.staged_writes and in_time and not blank:
            self._write_staged(added, removed, drop_graphs)
            return
        # Too big for one request and not stageable (too big to apply in time, or blank nodes, which cannot be written
        # as text): in chunks, undone (removals put back, additions taken out) if one fails; readers may see a part.
        existing = set(self.graphs())
        into_existing = [q for q in added if graph_iri(q) in existing]
        added = [q for q in added if graph_iri(q) not in existing] + [
            q for q in into_existing if q not in self.present(into_existing)
        ]
        done_removed: list[ox.Quad] = []
        done_added: list[ox.Quad] = []
        try:
            for chunk in _chunks(removed, limit):
                self.update(write_text([], chunk))
                done_removed += chunk
            for graph in drop_graphs:
                self.update(write_text([], [], [graph]))
            self._add_chunked(added, done_added)
        except StoreError as error:
            self._undo(done_added, done_removed)
            raise StoreError(f"{error} (the part already written was undone)") from None

    def _write_staged(self, added: list[ox.Quad], removed: list[ox.Quad], drop_graphs: Sequence[str]) -> None:
        """Stage a write in its own graph, in chunks, then apply it with one statement (``apply-staged.rq``), so
        that readers see none of it or all of it; the staging graph is dropped afterwards, whatever happened."""
        stage = ox.NamedNode(STAGING_GRAPHS + uuid.uuid4().hex)
        apply = bind_values(store_query("apply-staged"), {"stage": stage})
        try:
            self._add_chunked(staged_records(stage, added, removed, drop_graphs))
            timeout = max(self.timeout, APPLY_TIMEOUT)
            self._post(self.update_url, {"update": apply}, f"{JSON_RESULTS}, */*;q=0.1", "update", timeout=timeout)
        except NoAnswer as error:
            raise StoreError(f"{error}: the write may have been applied or not; look before writing it again") from None
        except StoreError as error:
            raise StoreError(f"{error} (nothing of the write was applied)") from None
        finally:
            try:
                self.drop_graph(stage.value)
            except StoreError:
                pass  # a staging graph left behind is never shown and holds no statement a reader asks for

    def _undo(self, added: list[ox.Quad], removed: list[ox.Quad]) -> None:
        limit = self.capabilities.atomic_write_quads or 10_000
        for chunk in _chunks(added, limit):
            self.update(write_text([], chunk))
        for chunk in _chunks(removed, limit):
            self.update(write_text(chunk, []))

    def _add_chunked(self, quads: Sequence[ox.Quad], done: list[ox.Quad] | None = None) -> None:
        """Add quads in chunks: by the Graph Store Protocol where the engine has it, else by INSERT DATA."""
        gsp = self.graph_store_url()
        if gsp is None:
            for chunk in _chunks(quads, self.capabilities.atomic_write_quads or 10_000):
                self.update(write_text(chunk, []))
                if done is not None:
                    done += chunk
            return
        by_graph: dict[str, list[ox.Quad]] = {}
        for q in quads:
            graph = graph_iri(q)
            if graph is None:
                raise StoreError("every statement belongs to a named graph: this one has none")
            by_graph.setdefault(graph, []).append(q)
        for graph, items in by_graph.items():
            lines: list[bytes] = []
            size, start = 0, 0
            for n, q in enumerate(items):
                line = f"{q.subject} {q.predicate} {q.object} .\n".encode()
                lines.append(line)
                size += len(line)
                if size >= GSP_CHUNK_BYTES or n == len(items) - 1:
                    self._post(gsp, b"".join(lines), "*/*", "write", params={"graph": graph},
                               headers={"Content-Type": "application/n-triples"})  # fmt: skip
                    if done is not None:
                        done += items[start : n + 1]
                    lines, size, start = [], 0, n + 1

    def bulk_load(self, path: str | Path, fmt: str | None = None) -> int:
        path = Path(path)
        fmt = fmt or format_for_path(path)
        if fmt not in ("nquads", "trig"):
            raise StoreError("bulk loading into a remote store takes N-Quads or TriG (every statement in its graph)")
        batch: list[ox.Quad] = []
        try:
            for quad in ox.parse(path=str(path), format=RDF_FORMATS[fmt][0], lenient=True):
                batch.append(quad)
                if len(batch) >= 100_000:
                    self._add_chunked(batch)
                    batch = []
        except (SyntaxError, ValueError) as error:
            raise StoreError(f"{path}: {error}") from None
        self._add_chunked(batch)
        return self.quad_count()

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH {sparql_term(URIRef(graph))}")

    def close(self) -> None:
        self._http.close()


def staged_records(
    stage: ox.NamedNode, added: Sequence[ox.Quad], removed: Sequence[ox.Quad], drop_graphs: Sequence[str] = ()
) -> list[ox.Quad]:
    """A write as records of a staging graph, read by ``apply-staged.rq``: each quad as the text of its graph,
    subject and predicate, with its object (a literal as it is, an IRI as text): no staged record links to anything.

    >>> [str(q.object) for q in staged_records(ox.NamedNode("http://x/stage"), [], [], ["http://x/old"])]
    ['"http://x/old"']
    """
    records = []
    for n, (kind, quad) in enumerate([*(("remove", q) for q in removed), *(("add", q) for q in added)]):
        record = ox.NamedNode(f"{stage.value}#{n}")
        graph = graph_iri(quad)
        if graph is None:
            raise StoreError("every statement belongs to a named graph: this one has none")
        key = f"{graph}\t{quad.subject.value}\t{quad.predicate.value}"
        records.append(ox.Quad(record, ox.NamedNode(STAGING + kind), ox.Literal(key), stage))
        if isinstance(quad.object, ox.NamedNode):
            records.append(ox.Quad(record, ox.NamedNode(STAGING + "objectIri"), ox.Literal(quad.object.value), stage))
        else:
            records.append(ox.Quad(record, ox.NamedNode(STAGING + "object"), quad.object, stage))
    for n, graph in enumerate(drop_graphs):
        record = ox.NamedNode(f"{stage.value}#drop-{n}")
        dropped = to_oxigraph(URIRef(graph)).value  # a valid IRI, or refused here
        records.append(ox.Quad(record, ox.NamedNode(STAGING + "drop"), ox.Literal(dropped), stage))
    return records


def _from_engine(term: Any) -> Any:
    """An engine's blank node written as an IRI (Virtuoso: ``<nodeID://b1>``) as the blank node it is."""
    if isinstance(term, ox.NamedNode) and term.value.startswith("nodeID://"):
        return ox.BlankNode(blank_label(term.value))
    return term
