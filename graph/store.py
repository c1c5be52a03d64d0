"""The one store seam: open a triple store from a URL-like setting.

Three backends speak the same small interface:

- ``memory:`` (the default): an embedded Oxigraph store in memory;
- ``oxigraph:PATH`` (or a bare path): an embedded Oxigraph store on disk that survives restarts;
- ``sparql:QUERY_URL`` (optionally ``sparql:QUERY_URL|UPDATE_URL``), or any ``http(s)://`` URL: a remote
  SPARQL 1.1 endpoint spoken to over the SPARQL 1.1 Protocol.

Every backend queries the *union* of its named graphs as the default graph, so facts from every source are
seen together while each keeps its own named graph. A remote engine must be configured that way
(Oxigraph: ``oxigraph serve --union-default-graph``; Fuseki: ``tdb2:unionDefaultGraph true``).

Results come back as rdflib terms (:class:`SelectResult`), as plain strings for bulk work
(:meth:`Store.select_values`), or serialised by the engine itself (:meth:`Store.query_serialized`).
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

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


class StoreError(Exception):
    """A store operation failed; the message is meant for people."""


class QuerySyntaxError(StoreError):
    """A query or update does not parse; the message says where (line and column)."""


class DataSyntaxError(StoreError):
    """RDF data does not parse; the message says where (line and column)."""


def format_for_path(path: str | Path) -> str:
    """Guess the short RDF format name of a file from its suffix (``.ttl`` -> ``turtle``)."""
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        known = ", ".join(sorted(_SUFFIXES))
        raise StoreError(f"{path}: cannot tell the RDF format from the suffix {suffix!r} (known: {known})")
    return _SUFFIXES[suffix]


def query_form(sparql: str) -> str:
    """Return ``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE`` or ``UPDATE`` for a SPARQL text (prologue skipped)."""
    text = strip_comments_and_strings(sparql)
    text = re.sub(r"(?is)^\s*((PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", "", text)
    match = re.match(r"(?i)\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", text)
    if match:
        return match.group(1).upper()
    return "UPDATE"


def strip_comments_and_strings(sparql: str) -> str:
    """Blank out string literals and comments (same length, so positions still match the original text)."""
    out = []
    i, n = 0, len(sparql)
    while i < n:
        c = sparql[i]
        if c == "#":
            j = sparql.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
            continue
        if c == "<":  # an IRI: keep it, its content cannot hold quotes or '#' comments
            j = sparql.find(">", i)
            if j > 0 and not re.search(r"\s", sparql[i:j]):
                out.append(sparql[i : j + 1])
                i = j + 1
                continue
        if c in "'\"":
            quote = sparql[i : i + 3] if sparql[i : i + 3] in ("'''", '"""') else c
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            end = min(n, j + len(quote))
            out.append(quote + " " * max(0, end - i - 2 * len(quote)) + quote[: end - i - len(quote)])
            i = end
            continue
        out.append(c)
        i += 1
    return "".join(out)


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


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to the equal pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"unsupported term {term!r}")


def _json_term(cell: dict[str, str] | None) -> Node | None:
    """Convert one cell of SPARQL JSON results to an rdflib term."""
    if cell is None:
        return None
    kind = cell["type"]
    if kind == "uri":
        return URIRef(cell["value"])
    if kind == "bnode":
        return BNode(cell["value"])
    if "xml:lang" in cell:
        return Literal(cell["value"], lang=cell["xml:lang"])
    datatype = cell.get("datatype")
    if datatype in (None, XSD_STRING):
        return Literal(cell["value"])
    return Literal(cell["value"], datatype=URIRef(datatype))


class Store(ABC):
    """A quad store with SPARQL. Subclasses implement the transport; callers never see which one."""

    url: str
    #: Bumped by every write through this object, so caches can tell the data changed; None where other
    #: clients may write behind our back (a remote endpoint), so callers must look at the data instead.
    generation: int | None = None

    @abstractmethod
    def query_serialized(self, sparql: str, result_format: str) -> tuple[bytes, str]:
        """Run a query and return (body, media type) serialised by the engine.

        ``result_format`` is a key of :data:`RESULT_FORMATS` for SELECT/ASK and of :data:`RDF_FORMATS` for
        CONSTRUCT/DESCRIBE.
        """

    @abstractmethod
    def select(self, sparql: str) -> SelectResult:
        """Run a SELECT query; rows of rdflib terms."""

    @abstractmethod
    def select_values(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        """Run a SELECT query; rows of plain strings (IRI or lexical form), the fast path for bulk reads."""

    @abstractmethod
    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def construct(self, sparql: str) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query; an rdflib graph."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update, atomically."""

    @abstractmethod
    def add_data(self, data: bytes, fmt: str, graph: str | None = None, base_iri: str | None = None) -> int:
        """Parse RDF and add it in one transaction; return the number of quads read.

        Triple formats go into ``graph`` (required); quad formats keep their own graphs. Nothing is written
        when the data does not parse (:class:`DataSyntaxError` says where).
        """

    @abstractmethod
    def graphs(self) -> list[str]:
        """The IRIs of the named graphs."""

    @abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and its triples."""

    @abstractmethod
    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        """Serialise the whole dataset (quad formats) or one graph / the union (triple formats)."""

    def count(self) -> int:
        """Number of distinct triples in the union of all graphs."""
        rows = list(self.select_values("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"))
        return int(rows[0][0] or 0)

    def quad_count(self) -> int:
        """Number of quads (a triple stated by two sources counts twice)."""
        rows = list(self.select_values("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return int(rows[0][0] or 0)

    def is_empty(self) -> bool:
        """True when the store holds no quad at all."""
        return not self.ask("ASK { GRAPH ?g { ?s ?p ?o } }")

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the store's resources."""


def _position_message(error: Exception, what: str) -> str:
    """Turn an Oxigraph parser error into one line that says where: 'line L, column C: message'."""
    text = str(error).strip().replace("\n", " ")
    match = re.search(r"at line (\d+) column (\d+)", text) or re.search(r"line (\d+) column (\d+)", text)
    match = match or re.search(r"(\d+):(\d+)", text)
    if match:
        detail = re.sub(r"^(error )?at (line )?\d+[: ](column )?\d+:?\s*", "", text)
        return f"{what}: line {match.group(1)}, column {match.group(2)}: {detail}"
    return f"{what}: {text}"


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


class OxigraphStore(Store):
    """The embedded engine (Oxigraph through pyoxigraph), in memory or on disk."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False) -> None:
        if path is None:
            self.url = "memory:"
            self._store = ox.Store()
        else:
            path = Path(path)
            self.url = f"oxigraph:{path}"
            try:
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
    def native(self) -> ox.Store:
        """The pyoxigraph store itself, for code that needs the engine directly (benchmarks, workers)."""
        return self._store

    def _run(self, sparql: str) -> Any:
        try:
            return self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise QuerySyntaxError(_position_message(error, "query syntax error")) from None
        except OSError as error:
            raise StoreError(f"query failed: {error}") from None

    def query_serialized(self, sparql: str, result_format: str) -> tuple[bytes, str]:
        result = self._run(sparql)
        if isinstance(result, ox.QueryTriples):
            rdf, media, _ = RDF_FORMATS[result_format]
            return result.serialize(format=rdf), media
        fmt, media = RESULT_FORMATS[result_format]
        return result.serialize(format=fmt), media

    def select(self, sparql: str) -> SelectResult:
        result = self._run(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        names = [v.value for v in result.variables]
        rows = [tuple(to_rdflib(solution[i]) for i in range(len(names))) for solution in result]
        return SelectResult(names, rows)

    def select_values(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        result = self._run(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        width = len(result.variables)
        for solution in result:
            yield tuple(None if (t := solution[i]) is None else t.value for i in range(width))

    def ask(self, sparql: str) -> bool:
        return bool(self._run(sparql))

    def construct(self, sparql: str) -> Graph:
        result = self._run(sparql)
        graph = Graph()
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    def update(self, sparql: str) -> None:
        self.generation += 1
        try:
            self._store.update(sparql)
        except SyntaxError as error:
            raise QuerySyntaxError(_position_message(error, "update syntax error")) from None
        except OSError as error:
            raise StoreError(f"update failed: {error}") from None

    def add_data(self, data: bytes, fmt: str, graph: str | None = None, base_iri: str | None = None) -> int:
        quads = parse_rdf(data, fmt, graph, base_iri)
        self.add_quads(quads)
        return len(quads)

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add pyoxigraph quads in one transaction."""
        self.generation += 1
        try:
            self._store.extend(quads)
        except OSError as error:
            raise StoreError(f"write failed, nothing was written: {error}") from None

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
        triples = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        return triples.serialize(format=rdf)

    def flush(self) -> None:
        """Make sure everything written is on disk (no-op in memory)."""
        if self.path is not None:
            self._store.flush()

    def close(self) -> None:
        if self.path is not None:
            self._store.flush()
        del self._store


class RemoteStore(Store):
    """A remote SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso...), over HTTP."""

    def __init__(self, query_url: str, update_url: str | None = None, timeout: float = 60.0) -> None:
        self.query_url = query_url
        if update_url is None and query_url.rstrip("/").endswith("/query"):
            update_url = query_url.rstrip("/")[: -len("query")] + "update"
        self.update_url = update_url
        self.url = f"sparql:{query_url}" + (f"|{update_url}" if update_url else "")
        self.timeout = timeout
        self._http = requests.Session()

    def _post_query(self, sparql: str, accept: str) -> requests.Response:
        try:
            response = self._http.post(
                self.query_url,
                data=sparql.encode("utf-8"),
                headers={"Content-Type": "application/sparql-query", "Accept": accept},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise StoreError(f"cannot reach the SPARQL endpoint {self.query_url}: {error}") from None
        self._check(response, "query")
        return response

    def _check(self, response: requests.Response, what: str) -> None:
        if response.status_code < 400:
            return
        message = response.text.strip().replace("\n", " ")[:500]
        if response.status_code == 400:
            raise QuerySyntaxError(_position_message(Exception(message), f"{what} rejected by the endpoint"))
        raise StoreError(f"{what} failed at the endpoint ({response.status_code}): {message}")

    def query_serialized(self, sparql: str, result_format: str) -> tuple[bytes, str]:
        if query_form(sparql) in ("CONSTRUCT", "DESCRIBE"):
            media = RDF_FORMATS[result_format][1]
        else:
            media = RESULT_FORMATS[result_format][1]
        response = self._post_query(sparql, media)
        return response.content, response.headers.get("Content-Type", media).split(";")[0]

    def _json(self, sparql: str) -> dict[str, Any]:
        response = self._post_query(sparql, "application/sparql-results+json")
        try:
            return json.loads(response.content)
        except ValueError as error:
            raise StoreError(f"the endpoint did not answer SPARQL JSON: {error}") from None

    def select(self, sparql: str) -> SelectResult:
        doc = self._json(sparql)
        names = doc["head"].get("vars", [])
        rows = [tuple(_json_term(b.get(v)) for v in names) for b in doc["results"]["bindings"]]
        return SelectResult(names, rows)

    def select_values(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        doc = self._json(sparql)
        names = doc["head"].get("vars", [])
        for binding in doc["results"]["bindings"]:
            yield tuple(cell["value"] if (cell := binding.get(v)) else None for v in names)

    def ask(self, sparql: str) -> bool:
        return bool(self._json(sparql)["boolean"])

    def construct(self, sparql: str) -> Graph:
        response = self._post_query(sparql, "application/n-triples")
        graph = Graph()
        graph.parse(data=response.content, format="nt")
        return graph

    def update(self, sparql: str) -> None:
        if not self.update_url:
            raise StoreError("this remote store has no update URL: give it as sparql:QUERY_URL|UPDATE_URL")
        try:
            response = self._http.post(
                self.update_url,
                data=sparql.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update"},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise StoreError(f"cannot reach the SPARQL endpoint {self.update_url}: {error}") from None
        self._check(response, "update")

    def add_data(self, data: bytes, fmt: str, graph: str | None = None, base_iri: str | None = None) -> int:
        # Parse locally first: a bad file is reported with its position and nothing is sent.
        quads = parse_rdf(data, fmt, graph, base_iri)
        by_graph: dict[str, list[str]] = {}
        for quad in quads:
            g = quad.graph_name
            key = g.value if isinstance(g, ox.NamedNode) else ""
            by_graph.setdefault(key, []).append(f"{quad.subject} {quad.predicate} {quad.object} .")
        # One INSERT DATA request holds every graph: the endpoint applies it atomically.
        parts = []
        for g, lines in by_graph.items():
            body = "\n".join(lines)
            parts.append(f"GRAPH <{g}> {{\n{body}\n}}" if g else body)
        if parts:
            self.update("INSERT DATA {\n" + "\n".join(parts) + "\n}")
        return len(quads)

    def graphs(self) -> list[str]:
        rows = self.select_values("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(g for (g,) in rows if g)

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def dump(self, fmt: str, graph: str | None = None) -> bytes:
        if fmt in ("trig", "nquads"):
            local = OxigraphStore()
            rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            local.add_quads(
                ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(g)) for s, p, o, g in rows
            )
            return local.dump(fmt)
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        body, _ = self.query_serialized(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", fmt)
        return body

    def close(self) -> None:
        self._http.close()


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
        rest = url.removeprefix("sparql:")
        query_url, _, update_url = rest.partition("|")
        return RemoteStore(query_url, update_url or None)
    if "://" not in url and not url.endswith(":"):
        return OxigraphStore(url)
    raise StoreError(f"unknown store setting {url!r}: use memory:, oxigraph:PATH or sparql:QUERY_URL[|UPDATE_URL]")
