"""The one store seam: open a triple store from a URL-like setting.

Three backends speak the same interface (:class:`Store`):

- ``memory:`` (the default): an embedded Oxigraph store in memory;
- ``oxigraph:PATH`` (or a bare path): an embedded Oxigraph store on disk that survives restarts;
- ``sparql:QUERY_URL`` (optionally ``sparql:QUERY_URL|UPDATE_URL|GRAPH_STORE_URL``), or any ``http(s)://`` URL:
  a remote SPARQL 1.1 endpoint spoken to over the SPARQL 1.1 Protocol (:mod:`graph.store_remote`).

Every backend queries the *union* of its named graphs as the default graph, so facts from every source are
seen together while each keeps its own named graph. A remote engine must be configured that way (see the
README's section on stores: Oxigraph, Virtuoso, Fuseki, GraphDB).

What callers get, whatever the backend:

- queries with values bound safely (``bindings``: pyoxigraph's ``substitutions`` on the embedded engine, checked
  terms in a ``VALUES`` row elsewhere; never spliced text), results as rdflib terms (:class:`SelectResult`), plain
  strings (:meth:`Store.select_values`) or serialised by the engine (:meth:`Store.query_serialized`);
- quads by pattern (:meth:`Store.quads`), which of some quads are present (:meth:`Store.present`), writes of
  quads added and removed (:meth:`Store.write`), a bulk loader (:meth:`Store.bulk_load`);
- what the backend can do (:attr:`Store.capabilities`) and a cheap token of its version (:meth:`Store.version`).
"""

from __future__ import annotations

import re
import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Union

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from . import store_bulk, store_count

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
STORE_QUERY_DIR = Path(__file__).parent / "queries" / "store"

#: RDF formats by short name: (pyoxigraph format, media type, file suffix).
RDF_FORMATS: dict[str, tuple[ox.RdfFormat, str, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle", ".ttl"),
    "trig": (ox.RdfFormat.TRIG, "application/trig", ".trig"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples", ".nt"),
    "nquads": (ox.RdfFormat.N_QUADS, "application/n-quads", ".nq"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json", ".jsonld"),
    "xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml", ".rdf"),
}
#: Query result formats by short name: (pyoxigraph format, media type).
RESULT_FORMATS: dict[str, tuple[ox.QueryResultsFormat, str]] = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
}
_SUFFIXES = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
QUAD_FORMATS = {"trig", "nquads", "jsonld"}

#: A term a query can be bound to: a pyoxigraph term or an rdflib term.
Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, Node]  # noqa: UP007 - a runtime alias
#: Values bound into a query: a variable name to one term (or to a list of terms: one VALUES row each), or a
#: tuple of names to a list of rows of terms.
Bindings = Mapping[Union[str, tuple[str, ...]], Union[Term, Sequence[Term], Sequence[Sequence[Term]]]]  # noqa: UP007


class StoreError(Exception):
    """A store operation failed; the message is meant for people."""


class QuerySyntaxError(StoreError):
    """A query or update does not parse; the message says where (line and column)."""


class DataSyntaxError(StoreError):
    """RDF data does not parse; the message says where (line and column)."""


class ResultCapError(StoreError):
    """The engine cut a result at its row cap and the query cannot be paged: never a silent truncation."""


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, so that callers choose a strategy without asking which backend it is."""

    #: Which engine answers: ``oxigraph`` (embedded), ``oxigraph-server``, ``virtuoso`` or ``sparql`` (unknown).
    engine: str
    #: The engine runs in this process (scans are cheap; a forked process sees a snapshot of it).
    embedded: bool
    #: :attr:`Store.generation` counts every write (nobody else writes behind this object's back).
    tracks_writes: bool
    #: Values are bound by the engine (``substitutions``) rather than written into the query text.
    native_bindings: bool
    #: Quads one write request may hold (None: any number, in one transaction).
    atomic_write_quads: int | None = None
    #: A write larger than one request is staged in chunks, then applied by one statement: readers see none of it
    #: or all of it, and a failure before that statement leaves the data unchanged (blank nodes excepted: such a
    #: write goes in chunks, undone when one fails).
    staged_writes: bool = False
    #: The most quads one staged write may hold, so that the statement applying it stays within the engine's time
    #: limit; a larger write goes in chunks, undone when one fails (None: any number).
    staged_write_quads: int | None = None
    #: The engine's cap on result rows, when it has one (results at the cap are paged or refused).
    row_cap: int | None = None
    #: Graphs that are never shown: the engine's own (system graphs) and the store's staging graphs (an IRI ending
    #: in '/' hides every graph under it).
    hidden_graphs: tuple[str, ...] = field(default_factory=tuple)
    #: How the whole store, or a whole graph, is read (:meth:`Store.quads` without a pattern, :meth:`Store.dump`):
    #: ``engine`` (the embedded engine's own scan), ``graph-store`` (the Graph Store Protocol's whole dataset as
    #: N-Quads in one response), ``construct`` (one CONSTRUCT per named graph, answered as N-Triples, paged at the
    #: row cap) or ``select`` (SPARQL JSON results of a SELECT, paged at the row cap: the slow, portable way).
    whole_reads: str = "engine"

    def hides(self, graph: str | None) -> bool:
        """Whether a graph is never shown: one of :attr:`hidden_graphs`, or under one that ends in '/'."""
        return graph is not None and any(
            graph == hidden or (hidden.endswith("/") and graph.startswith(hidden)) for hidden in self.hidden_graphs
        )


def format_for_path(path: str | Path) -> str:
    """Guess the short RDF format name of a file from its suffix (``.ttl`` -> ``turtle``)."""
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        known = ", ".join(sorted(_SUFFIXES))
        raise StoreError(f"{path}: cannot tell the RDF format from the suffix {suffix!r} (known: {known})")
    return _SUFFIXES[suffix]


@cache
def store_query(name: str) -> str:
    """The text of ``graph/queries/store/<name>.rq`` (the store's own queries)."""
    return (STORE_QUERY_DIR / f"{name}.rq").read_text("utf-8")


def query_form(sparql: str) -> str:
    """Return ``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE`` or ``UPDATE`` for a SPARQL text (prologue skipped)."""
    text = strip_comments_and_strings(sparql)
    text = re.sub(r"(?is)^\s*((PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", "", text)
    match = re.match(r"(?i)\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", text)
    if match:
        return match.group(1).upper()
    return "UPDATE"


def strip_comments_and_strings(sparql: str) -> str:
    """Blank out string literals and comments (same length, so positions still match the original text).

    Read by the one SPARQL scanner (:func:`graph.sandbox.guard.blank_comments_and_strings`): escaped names such
    as ``x:a\\#`` and IRIs holding quotes are understood."""
    from .sandbox.guard import blank_comments_and_strings

    return blank_comments_and_strings(sparql)


@dataclass
class SelectResult:
    """The answer to a SELECT query: variable names and rows of rdflib terms (``None`` where unbound)."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Node]]:
        """Rows as dicts from variable name to term, unbound variables left out."""
        return [{v: t for v, t in zip(self.variables, row, strict=False) if t is not None} for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)


# -- terms ------------------------------------------------------------------------------------------------


def to_rdflib(term: Any) -> Node | None:
    """Convert a pyoxigraph term to the equal rdflib term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise StoreError(f"unsupported term {term!r}")


def to_oxigraph(term: Any) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to the equal pyoxigraph term (pyoxigraph terms pass through); bad IRIs refused."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term
    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(blank_label(str(term)))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
    except ValueError as error:
        raise StoreError(f"{term!r} is not a valid RDF term: {error}") from None
    raise StoreError(f"unsupported term {term!r}")


def blank_label(engine_id: str) -> str:
    """A blank node label pyoxigraph accepts for an engine's blank node identifier (Virtuoso: ``nodeID://b1``).

    >>> blank_label("nodeID://b10006")
    'b10006'
    """
    label = re.sub(r"[^A-Za-z0-9_-]", "_", engine_id.removeprefix("nodeID://").removeprefix("_:"))
    return label if label and label[0].isalnum() else "b" + label


_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def sparql_term(term: Term) -> str:
    """Write a term for a query text, checked: an IRI with nothing that could end it, a literal escaped.

    >>> sparql_term(URIRef("https://partnergraph.org/id/x"))
    '<https://partnergraph.org/id/x>'
    >>> sparql_term(Literal('say "hi"'))
    '"say \\\\"hi\\\\""'
    """
    node = to_oxigraph(term)
    if isinstance(node, ox.BlankNode):
        raise StoreError("a blank node cannot be bound into a query: give the node an IRI")
    if isinstance(node, ox.NamedNode) and _BAD_IRI.search(node.value):
        raise StoreError(f"{node.value!r} is not an IRI that can be written into a query")
    return str(node)


def _first_use(text: str, name: str) -> int:
    """Where variable ``name`` is first used inside a group: its ``$name`` form first, else ``?name``."""
    opening = text.find("{")
    for sigil in (r"\$", r"[?$]"):
        for match in re.finditer(sigil + re.escape(name) + r"\b", text):
            if match.start() > opening >= 0:
                return match.start()
    raise StoreError(f"the query does not use the variable ?{name} inside a group")


def _group_start(text: str, position: int) -> int:
    """The index of the '{' that opens the innermost group around ``position``."""
    depth = 0
    for i in range(position - 1, -1, -1):
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            if depth == 0:
                return i
            depth -= 1
    raise StoreError("the variable is outside any group")


def bind_values(sparql: str, bindings: Bindings | None) -> str:
    """Bind values into a query as ``VALUES`` rows of checked terms, each opening the group where its variable is
    first used (a ``$name`` occurrence if there is one, else ``?name``); the query text itself is never spliced.

    >>> bind_values("SELECT ?l WHERE { $s <http://x/label> ?l }", {"s": URIRef("http://x/a")})
    'SELECT ?l WHERE {\\n  VALUES ?s { <http://x/a> } $s <http://x/label> ?l }'
    """
    if not bindings:
        return sparql
    text = strip_comments_and_strings(sparql)
    rows = []
    for key, value in bindings.items():
        names = (key,) if isinstance(key, str) else tuple(key)
        if isinstance(key, str):
            values = value if isinstance(value, list | tuple) else [value]
            written = " ".join(sparql_term(v) for v in values)  # type: ignore[arg-type]
        else:
            rows_written = [" ".join(sparql_term(t) for t in row) for row in value]  # type: ignore[union-attr]
            written = " ".join(rows_written if len(names) == 1 else (f"({row})" for row in rows_written))
        head = f"?{names[0]}" if len(names) == 1 else "(" + " ".join(f"?{n}" for n in names) + ")"
        where = _group_start(text, min(_first_use(text, n) for n in names))
        rows.append((where, f"VALUES {head} {{ {written} }}"))
    for position, row in sorted(rows, reverse=True):  # bottom-up, so earlier positions stay valid
        sparql = sparql[: position + 1] + "\n  " + row + sparql[position + 1 :]
    return sparql


def _json_term(cell: dict[str, str] | None) -> Node | None:
    """Convert one cell of SPARQL JSON results to an rdflib term (engine blank node identifiers made valid)."""
    if cell is None:
        return None
    kind = cell["type"]
    if kind == "uri":
        if cell["value"].startswith("nodeID://"):  # Virtuoso writes some blank nodes as IRIs
            return BNode(blank_label(cell["value"]))
        return URIRef(cell["value"])
    if kind == "bnode":
        return BNode(blank_label(cell["value"]))
    if "xml:lang" in cell:
        return Literal(cell["value"], lang=cell["xml:lang"])
    datatype = cell.get("datatype")
    if datatype in (None, XSD_STRING):
        return Literal(cell["value"])
    return Literal(cell["value"], datatype=URIRef(datatype))


def graph_iri(quad: ox.Quad) -> str | None:
    """The IRI of a quad's named graph (None for the default graph)."""
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None


def data_block(quads: Iterable[ox.Quad]) -> str:
    """The body of an ``INSERT DATA`` / ``DELETE DATA``: the quads grouped by graph, terms written by pyoxigraph
    (so escaped as N-Quads are), in a stable order."""
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        by_graph.setdefault(str(q.graph_name) if graph_iri(q) else "", []).append(
            f"{q.subject} {q.predicate} {q.object} ."
        )
    parts = []
    for graph, lines in sorted(by_graph.items()):
        body = "\n".join(sorted(lines))
        parts.append(f"GRAPH {graph} {{\n{body}\n}}" if graph else body)
    return "\n".join(parts)


def write_text(added: Sequence[ox.Quad], removed: Sequence[ox.Quad], drop_graphs: Sequence[str] = ()) -> str:
    """One SPARQL update (one transaction): the removals, the graphs to drop, then the additions."""
    parts = []
    if removed:
        parts.append("DELETE DATA {\n" + data_block(removed) + "\n}")
    parts += [f"DROP SILENT GRAPH {sparql_term(URIRef(g))}" for g in drop_graphs]
    if any(isinstance(t, ox.BlankNode) for q in added for t in (q.subject, q.object)):
        # INSERT DATA may hold blank nodes, but Virtuoso refuses them there; a template takes them everywhere.
        parts.append("INSERT {\n" + data_block(added) + "\n} WHERE { }")
    elif added:
        parts.append("INSERT DATA {\n" + data_block(added) + "\n}")
    return " ;\n".join(parts)


def _position_message(error: Exception, what: str) -> str:
    """Turn an Oxigraph parser error into one line that says where: 'line L, column C: message'."""
    text = str(error).strip().replace("\n", " ")
    match = re.search(r"at line (\d+) column (\d+)", text) or re.search(r"line (\d+) column (\d+)", text)
    match = match or re.search(r"(\d+):(\d+)", text)
    if match:
        detail = re.sub(r"^(error )?at (line )?\d+[: ](column )?\d+:?\s*", "", text)
        return f"{what}: line {match.group(1)}, column {match.group(2)}: {detail}"
    return f"{what}: {text}"


position_message = _position_message


def parse_rdf(data: bytes, fmt: str, graph: str | None = None, base_iri: str | None = None) -> list[ox.Quad]:
    """Parse RDF into pyoxigraph quads without touching any store, so that a bad file writes nothing.

    Triple formats are put into ``graph`` (required for them); quad formats keep their own graphs.
    """
    rdf = RDF_FORMATS[fmt][0]
    to_graph = ox.NamedNode(graph) if graph else None
    if fmt not in QUAD_FORMATS and to_graph is None:
        raise StoreError(f"data in {fmt} has no graphs of its own: name the graph to load it into")
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark (editors on Windows write one)
        data = data[3:]
    try:
        quads = list(ox.parse(data, format=rdf, base_iri=base_iri))
    except SyntaxError as error:
        raise DataSyntaxError(_position_message(error, f"{fmt} syntax error")) from None
    except ValueError as error:
        raise DataSyntaxError(f"{fmt} error: {error}") from None
    if to_graph is None:
        return quads
    return [
        ox.Quad(q.subject, q.predicate, q.object, to_graph) if isinstance(q.graph_name, ox.DefaultGraph) else q
        for q in quads
    ]


def _pattern(term: Term | None) -> Any:
    return None if term is None else to_oxigraph(term)


class Store(ABC):
    """A quad store with SPARQL. Subclasses implement the transport; callers never see which one."""

    url: str
    #: Bumped by every write through this object, so caches can tell the data changed; None where other
    #: clients may write behind our back (a remote endpoint), so callers must look at the data instead.
    generation: int | None = None

    # -- reading -------------------------------------------------------------------------------------------

    @property
    @abstractmethod
    def capabilities(self) -> Capabilities:
        """What this backend can do (see :class:`Capabilities`)."""

    @abstractmethod
    def query_serialized(
        self,
        sparql: str,
        result_format: str,
        bindings: Bindings | None = None,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> tuple[bytes, str]:
        """Run a query and return (body, media type) serialised by the engine.

        ``result_format`` is a key of :data:`RESULT_FORMATS` for SELECT/ASK and of :data:`RDF_FORMATS` for
        CONSTRUCT/DESCRIBE. ``default_graphs`` / ``named_graphs`` are the protocol's dataset (the union and
        every graph when not given).
        """

    @abstractmethod
    def select(self, sparql: str, bindings: Bindings | None = None) -> SelectResult:
        """Run a SELECT query; rows of rdflib terms."""

    @abstractmethod
    def select_values(self, sparql: str, bindings: Bindings | None = None) -> Iterator[tuple[str | None, ...]]:
        """Run a SELECT query; rows of plain strings (IRI or lexical form), the fast path for bulk reads."""

    @abstractmethod
    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def construct(self, sparql: str, bindings: Bindings | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query; an rdflib graph."""

    @abstractmethod
    def quads(
        self,
        subject: Term | None = None,
        predicate: Term | None = None,
        object: Term | None = None,  # noqa: A002 - the RDF name
        graph: Term | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads of the named graphs matching a pattern (None matches anything)."""

    def present(self, quads: Iterable[ox.Quad]) -> set[ox.Quad]:
        """Which of these quads the store holds."""
        return {q for q in quads if any(True for _ in self.quads(q.subject, q.predicate, q.object, q.graph_name))}

    @abstractmethod
    def graphs(self) -> list[str]:
        """The IRIs of the named graphs (never the engine's own system graphs)."""

    @abstractmethod
    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        """Serialise the whole dataset (quad formats) or one graph / the union (triple formats)."""

    def quads_per_graph(self) -> dict[str, int]:
        """Statements per named graph (system graphs left out)."""
        caps, rows = self.capabilities, self.select_values(store_query("quads-per-graph"))
        return {g: int(n or 0) for g, n in rows if g and not caps.hides(g)}

    def count(self) -> int:
        """Number of distinct triples in the union of all graphs."""
        rows = list(self.select_values(store_query("distinct-triples")))
        return int(rows[0][0] or 0)

    def quad_count(self) -> int:
        """Number of quads (a triple stated by two sources counts twice)."""
        rows = list(self.select_values(store_query("quad-count")))
        return int(rows[0][0] or 0)

    def is_empty(self) -> bool:
        """True when the store holds no quad at all."""
        return not self.ask(store_query("any-quad"))

    def version(self) -> tuple[str, int]:
        """A cheap token that changes when the data changes: the write counter where the store has one, else
        the number of quads (so a write elsewhere that keeps the count may go unseen)."""
        if self.generation is not None:
            return ("generation", self.generation)
        return ("quads", self.quad_count())

    # -- writing -------------------------------------------------------------------------------------------

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update, atomically."""

    @abstractmethod
    def write(self, added: Iterable[ox.Quad], removed: Iterable[ox.Quad] = (), drop_graphs: Sequence[str] = ()) -> None:
        """Remove quads, drop graphs and add quads, in one transaction when the backend can hold the change in
        one (:attr:`Capabilities.atomic_write_quads`); larger changes are written in chunks and undone on failure."""

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads (see :meth:`write`)."""
        self.write(quads)

    def remove_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads (see :meth:`write`)."""
        self.write((), quads)

    def bulk_add(self, quads: Iterable[ox.Quad]) -> int:
        """Add the quads not yet present, all or nothing (the embedded engine uses its bulk loader); returns how
        many were new."""
        quads = list(dict.fromkeys(quads))
        there = self.present(quads)
        new = [q for q in quads if q not in there]
        self.write(new)
        return len(new)

    def bulk_session(self) -> store_bulk.BulkSession:
        """A bulk load applied whole or not at all: ``with store.bulk_session() as load: load.add(quads)``; the
        quads are written when the block ends without an exception (``load.added``: how many were new)."""
        return store_bulk.BulkSession(self)

    def add_data(self, data: bytes, fmt: str, graph: str | None = None, base_iri: str | None = None) -> int:
        """Parse RDF and add it; return the number of quads read.

        Triple formats go into ``graph`` (required); quad formats keep their own graphs. Nothing is written
        when the data does not parse (:class:`DataSyntaxError` says where).
        """
        quads = parse_rdf(data, fmt, graph, base_iri)
        self.write(quads)
        return len(quads)

    @abstractmethod
    def bulk_load(self, path: str | Path, fmt: str | None = None) -> int:
        """Load a big RDF file fast into a fresh store: not one transaction (a failure leaves what was loaded) and
        no validation. Returns the number of quads in the store afterwards."""

    @abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and its triples."""

    def flush(self) -> None:  # noqa: B027 - optional hook
        """Make sure everything written is durable (what the engine acknowledged; no-op where it always is)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the store's resources."""


class OxigraphStore(Store):
    """The embedded engine (Oxigraph through pyoxigraph), in memory or on disk."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False) -> None:
        self.read_only = read_only
        if path is None:
            self.url = "memory:"
            self._store = ox.Store()
        else:
            path = Path(path)
            self.url = f"oxigraph:{path}"
            try:
                store_bulk.recover(path)
                if read_only:
                    self._store = ox.Store.read_only(str(path))
                else:
                    path.mkdir(parents=True, exist_ok=True)
                    self._store = ox.Store(str(path))
            except OSError as error:
                raise StoreError(f"cannot open the on-disk store at {path}: {error}") from None
        self.path = path
        self.generation = 0

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(engine="oxigraph", embedded=True, tracks_writes=True, native_bindings=True)

    @property
    def native(self) -> ox.Store:
        """The pyoxigraph store itself, for code that must hold the engine (the query sandbox's forked workers)."""
        return self._store

    def _run(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> Any:
        single = {k: v for k, v in (bindings or {}).items() if isinstance(k, str) and not isinstance(v, list | tuple)}
        rest = {k: v for k, v in (bindings or {}).items() if k not in single}
        kwargs: dict[str, Any] = {"use_default_graph_as_union": not default_graphs}
        if single:
            kwargs["substitutions"] = {ox.Variable(k): to_oxigraph(v) for k, v in single.items()}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            try:
                return self._store.query(bind_values(sparql, rest), **kwargs)
            except RuntimeError:  # substitutions bind projected variables only: bind the others as VALUES rows
                if not single:
                    raise
                kwargs.pop("substitutions")
                return self._store.query(bind_values(sparql, {**rest, **single}), **kwargs)
        except SyntaxError as error:
            raise QuerySyntaxError(_position_message(error, "query syntax error")) from None
        except (OSError, ValueError) as error:
            raise StoreError(f"query failed: {error}") from None

    def query_serialized(
        self,
        sparql: str,
        result_format: str,
        bindings: Bindings | None = None,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> tuple[bytes, str]:
        result = self._run(sparql, bindings, default_graphs, named_graphs)
        if isinstance(result, ox.QueryTriples):
            rdf, media, _ = RDF_FORMATS[result_format]
            return result.serialize(format=rdf), media
        fmt, media = RESULT_FORMATS[result_format]
        return result.serialize(format=fmt), media

    def select(self, sparql: str, bindings: Bindings | None = None) -> SelectResult:
        result = self._run(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        names = [v.value for v in result.variables]
        rows = [tuple(to_rdflib(solution[i]) for i in range(len(names))) for solution in result]
        return SelectResult(names, rows)

    def select_values(self, sparql: str, bindings: Bindings | None = None) -> Iterator[tuple[str | None, ...]]:
        result = self._run(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        width = len(result.variables)
        for solution in result:
            yield tuple(None if (t := solution[i]) is None else t.value for i in range(width))

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        return bool(self._run(sparql, bindings))

    def construct(self, sparql: str, bindings: Bindings | None = None) -> Graph:
        result = self._run(sparql, bindings)
        graph = Graph()
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    def quads(
        self,
        subject: Term | None = None,
        predicate: Term | None = None,
        object: Term | None = None,  # noqa: A002
        graph: Term | None = None,
    ) -> Iterator[ox.Quad]:
        for quad in self._store.quads_for_pattern(
            _pattern(subject), _pattern(predicate), _pattern(object), _pattern(graph)
        ):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                yield quad

    def present(self, quads: Iterable[ox.Quad]) -> set[ox.Quad]:
        return {q for q in quads if q in self._store}

    def update(self, sparql: str) -> None:
        self.generation += 1
        try:
            self._store.update(sparql)
        except SyntaxError as error:
            raise QuerySyntaxError(_position_message(error, "update syntax error")) from None
        except (OSError, ValueError) as error:
            raise StoreError(f"update failed: {error}") from None

    def write(self, added: Iterable[ox.Quad], removed: Iterable[ox.Quad] = (), drop_graphs: Sequence[str] = ()) -> None:
        added, removed = list(added), list(removed)
        if not removed and not drop_graphs:
            self.generation += 1
            try:
                self._store.extend(added)  # one transaction
            except OSError as error:
                raise StoreError(f"write failed, nothing was written: {error}") from None
            return
        self.update(write_text(added, removed, drop_graphs))

    def bulk_load(self, path: str | Path, fmt: str | None = None) -> int:
        path = Path(path)
        fmt = fmt or format_for_path(path)
        self.generation += 1
        try:
            self._store.bulk_load(path=str(path), format=RDF_FORMATS[fmt][0], lenient=True)
        except (SyntaxError, ValueError, OSError) as error:
            raise StoreError(f"{path}: {error}") from None
        self.flush()
        return len(self._store)

    def bulk_session(self) -> store_bulk.BulkSession:
        """On disk: a load through a staging copy swapped in at the end (:class:`graph.store_bulk.StagedLoad`)."""
        if store_bulk.can_stage(self):
            return store_bulk.StagedLoad(self)
        return store_bulk.BulkSession(self)

    def _swap_in(self, staging: Path) -> None:
        """Put the loaded staging copy in the store's place (the old one is closed, swapped out and removed)."""
        self._store.flush()
        del self._store  # closed: nobody else holds it (store_bulk.can_stage)
        try:
            store_bulk.exchange(staging, self.path)
        finally:
            self._store = ox.Store(str(self.path))
        self.generation += 1
        shutil.rmtree(staging, ignore_errors=True)

    def bulk_add(self, quads: Iterable[ox.Quad]) -> int:
        """Add quads with the engine's bulk loader, all or nothing: on disk through a staging copy swapped in at
        the end; in memory only the quads not yet present are loaded, and removed again if loading fails.
        Returns how many were new."""
        if store_bulk.can_stage(self):
            with store_bulk.StagedLoad(self) as session:
                session.add(quads)
            return session.added
        self.generation += 1
        new = list(dict.fromkeys(q for q in quads if q not in self._store))
        try:
            self._store.bulk_extend(new)
        except OSError as error:
            for quad in new:
                self._store.remove(quad)
            raise StoreError(f"bulk load failed, nothing was written: {error}") from None
        return len(new)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def drop_graph(self, graph: str) -> None:
        node = ox.NamedNode(graph)
        self.generation += 1
        if self._store.contains_named_graph(node):
            self._store.remove_graph(node)

    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        rdf = RDF_FORMATS[fmt][0]
        if fmt in ("trig", "nquads"):
            return self._store.dump(format=rdf)
        if graph:
            return self._store.dump(format=rdf, from_graph=ox.NamedNode(graph))
        # The union of all graphs as one set of triples.
        triples = self._store.query(store_query("triples"), use_default_graph_as_union=True)
        return ox.serialize((ox.Triple(s["s"], s["p"], s["o"]) for s in triples), format=rdf)

    def quad_count(self) -> int:
        """On disk: counted once per state of the engine's files and kept beside the store (:mod:`.store_count`)."""
        if self.path is None:
            return len(self._store)
        return store_count.counted(self.path, lambda: len(self._store))

    def version(self) -> tuple[str, int]:
        return ("generation", self.generation or 0)

    def flush(self) -> None:
        """Make sure everything written is on disk (no-op in memory and read-only)."""
        if self.path is not None and not self.read_only:
            self._store.flush()

    def close(self) -> None:
        if not hasattr(self, "_store"):
            return  # closed already
        self.flush()
        del self._store


def open_store(url: str | None) -> Store:
    """Open the store named by a setting.

    >>> open_store("memory:").url
    'memory:'
    """
    url = (url or "memory:").strip()
    if url in ("memory:", "memory", "memory://"):
        return OxigraphStore()
    if url.startswith("oxigraph:"):
        return OxigraphStore(url[len("oxigraph:") :].removeprefix("//"))
    if url.startswith("sparql:") or url.startswith(("http://", "https://")):
        from .store_remote import RemoteStore

        rest = url.removeprefix("sparql:")
        query_url, _, more = rest.partition("|")
        update_url, _, gsp_url = more.partition("|")
        return RemoteStore(query_url, update_url or None, gsp_url or None)
    if "://" not in url and not url.endswith(":"):
        return OxigraphStore(url)
    raise StoreError(
        f"unknown store setting {url!r}: use memory:, oxigraph:PATH or sparql:QUERY_URL[|UPDATE_URL[|GRAPH_STORE_URL]]"
    )


def __getattr__(name: str) -> Any:
    """``RemoteStore`` lives in :mod:`graph.store_remote`; importable from here as before."""
    if name == "RemoteStore":
        from .store_remote import RemoteStore

        return RemoteStore
    raise AttributeError(name)
