"""The one object callers use: a knowledge graph over a store, with the shipped ontology and data."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .namespaces import BASE, KP, ONTOLOGY_GRAPH
from .queries import get_query, query_text
from .resources import ROOT, resource
from .store import (
    QUAD_FORMATS,
    RDF_FORMATS,
    DataSyntaxError,
    SelectResult,
    Store,
    StoreError,
    format_for_path,
    open_store,
    parse_rdf,
    query_form,
    to_rdflib,
)

ONTOLOGY_DIR = resource("ontology")
DATA_DIR = resource("data")
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
META_GRAPH = BASE + "meta"
_SHIPPED_HASH = KP.shippedDataHash
#: Data files shipped in data/ and loaded on start: TriG, one named graph per source (optional datasets
#: such as the twin cities are imported on demand, not loaded on start).
SHIPPED_PATTERNS = ("seeds/*.trig", "*.trig")


@dataclass
class ValidationReport:
    """The outcome of SHACL validation: whether the data conforms and, if not, one line per violation."""

    conforms: bool
    violations: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The report as lines for people."""
        if self.conforms:
            return "conforms: the data satisfies every shape"
        return "\n".join([f"{len(self.violations)} violation(s):", *self.violations])


class ValidationError(StoreError):
    """Data was refused because it breaks the SHACL shapes; nothing was written."""

    def __init__(self, report: ValidationReport, what: str = "data") -> None:
        self.report = report
        super().__init__(f"{what} breaks the shapes; nothing was written.\n{report.text()}")


def shipped_files() -> list[Path]:
    """The ontology files and the shipped data files, in load order."""
    files = sorted(p for p in ONTOLOGY_DIR.glob("*.ttl") if p.name != "shapes.ttl")
    for pattern in SHIPPED_PATTERNS:
        files += sorted(DATA_DIR.glob(pattern))
    return files


def _hash_files(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class KnowledgeGraph:
    """A partnership knowledge graph: a store, the ontology and shapes, named queries and validation.

    >>> kg = KnowledgeGraph.open("memory:", load_shipped=False)
    >>> kg.store.is_empty()
    True
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def open(cls, url: str | None = None, *, load_shipped: bool | str = True) -> KnowledgeGraph:
        """Open the store named by ``url`` (default: the ``PARTNERGRAPH_STORE`` setting, else memory).

        ``load_shipped``: True loads the shipped ontology and data unless the store holds this very version;
        ``"read-only"`` is for commands that only read: the shipped data is loaded into a private ``memory:`` store
        (nothing else could hold it) and never written to a store others share, whatever it holds; False: never.
        """
        kg = cls(open_store(url or os.environ.get("PARTNERGRAPH_STORE")))
        if load_shipped is True or (load_shipped == "read-only" and kg.store.url == "memory:"):
            kg.load_shipped()
        return kg

    # -- loading -------------------------------------------------------------------------------------------

    def shipped_version(self) -> str:
        """The version (a hash) of the shipped ontology, shapes and data files."""
        files = shipped_files()
        return _hash_files([*files, *([SHAPES_FILE] if SHAPES_FILE.exists() else [])])

    def shipped_status(self) -> str:
        """``current`` when the store holds this version of the shipped data, ``outdated`` when another one,
        ``missing`` when none."""
        held = self._stored_shipped_version()
        return "missing" if held is None else "current" if held == self.shipped_version() else "outdated"

    def load_shipped(self, *, force: bool = False, validate: bool = True) -> bool:
        """Load the ontology and the curated data unless the store already holds this very version.

        Returns True when something was (re)loaded. The shipped files are parsed and validated against the
        SHACL shapes before the store is touched; the old shipped graphs are then replaced in one write.
        """
        files = shipped_files()
        version = self.shipped_version()
        if not force and self._stored_shipped_version() == version:
            return False
        quads: list[ox.Quad] = []
        for path in files:
            fmt = format_for_path(path)
            graph = ONTOLOGY_GRAPH if fmt not in QUAD_FORMATS else None
            try:
                quads += parse_rdf(path.read_bytes(), fmt, graph, base_iri=BASE)
            except DataSyntaxError as error:
                raise DataSyntaxError(f"{path.relative_to(ROOT)}: {error}") from None
        if validate and SHAPES_FILE.exists():
            report = _validate_shipped(version, quads)
            if not report.conforms:
                raise ValidationError(report, "the shipped ontology and data")
        meta = ox.Quad(
            ox.NamedNode(META_GRAPH),
            ox.NamedNode(str(_SHIPPED_HASH)),
            ox.Literal(version),
            ox.NamedNode(META_GRAPH),
        )
        graphs = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)})
        self.store.write([*quads, meta], drop_graphs=[*graphs, META_GRAPH])
        return True

    def _stored_shipped_version(self) -> str | None:
        rows = list(
            self.store.select_values(
                query_text("knowledge/shipped-version"), {"meta": URIRef(META_GRAPH), "hash": _SHIPPED_HASH}
            )
        )
        return rows[0][0] if rows else None

    def import_file(
        self,
        path: str | Path,
        *,
        fmt: str | None = None,
        graph: str | None = None,
        validate: bool = True,
    ) -> int:
        """Import an RDF file (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML) into the store, whole or not at all.

        Triple formats go into ``graph`` (default: a graph named after the file). With ``validate``, the new
        data (with what the store already says of the things it mentions) must satisfy the shapes.
        Returns the number of quads added.
        """
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no such file")
        fmt = fmt or format_for_path(path)
        if fmt not in RDF_FORMATS:
            raise StoreError(f"{path}: unknown format {fmt!r} (known: {', '.join(RDF_FORMATS)})")
        if fmt not in QUAD_FORMATS and graph is None:
            graph = f"{BASE}id/source/file/{path.stem}"
        try:
            quads = parse_rdf(path.read_bytes(), fmt, graph, base_iri=path.resolve().as_uri())
        except DataSyntaxError as error:
            raise DataSyntaxError(f"{path}: {error}") from None
        if validate:
            report = self.validate_quads(quads)
            if not report.conforms:
                raise ValidationError(report, str(path))
        self.store.add_quads(quads)
        return len(quads)

    # -- querying ------------------------------------------------------------------------------------------

    def query(self, sparql: str) -> SelectResult | bool | Graph:
        """Run any SPARQL query: a SelectResult for SELECT, a bool for ASK, an rdflib Graph otherwise."""
        form = query_form(sparql)
        if form == "SELECT":
            return self.store.select(sparql)
        if form == "ASK":
            return self.store.ask(sparql)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self.store.construct(sparql)
        raise StoreError("this is an update, not a query; updates go through the update API")

    def run_named(self, name: str, **params: str | None) -> SelectResult | bool | Graph:
        """Run the named query ``name`` (a ``graph/queries/<name>.rq`` file) with its parameters bound."""
        return self.query(get_query(name).bind(params))

    # -- validation ----------------------------------------------------------------------------------------

    def shapes(self) -> Graph:
        """The SHACL shapes graph."""
        return Graph().parse(SHAPES_FILE, format="turtle")

    def ontology(self) -> Graph:
        """The ontology and vocabularies as stored (the class hierarchy the shapes rely on)."""
        return self.store.construct(query_text("knowledge/graph-triples"), {"g": URIRef(ONTOLOGY_GRAPH)})

    def validate(self) -> ValidationReport:
        """Validate everything in the store against the shapes (meant for stores that fit in memory)."""
        data = Graph()
        for q in self.store.quads():  # paged where the engine caps results
            data.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))  # type: ignore[arg-type]
        return validate_graph(data, self.shapes())

    def validate_quads(self, quads: list[ox.Quad]) -> ValidationReport:
        """Validate new quads together with the ontology and the store's types and labels of what they mention."""
        data = Graph()
        mentioned: set[str] = set()
        subjects: set[str] = set()
        for q in quads:
            triple = (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
            data.add(triple)  # type: ignore[arg-type]
            subjects.add(str(triple[0]))
            if isinstance(q.object, ox.NamedNode):
                mentioned.add(q.object.value)
        data += self.ontology()
        data += self._context_of(sorted(mentioned - subjects))
        report = validate_graph(data, self.shapes())
        # Only what the new data says is judged: the context's own nodes were judged when they came in.
        violations = [v for v in report.violations if v.split(": ", 1)[0] in subjects]
        return ValidationReport(not violations, violations)

    def _context_of(self, iris: list[str]) -> Graph:
        """Types and labels the store already holds for these IRIs (so new data may point at old entities)."""
        context = Graph()
        for start in range(0, len(iris), 500):
            batch = [URIRef(iri) for iri in iris[start : start + 500]]
            context += self.store.construct(query_text("knowledge/context"), {"x": batch})
        return context

    # -- statistics and export -----------------------------------------------------------------------------

    def stats(self) -> dict:
        """Counts: ``triples`` is every statement of every source graph (the ontology's included, the store's own
        bookkeeping not), ``distinct_triples`` the union's; then by class and by source graph."""
        by_graph = {g: n for g, n in sorted(self.store.quads_per_graph().items()) if g != META_GRAPH}
        by_class = {c: int(n) for c, n in self.store.select_values(query_text("knowledge/classes")) if c}
        titles = dict(self.store.select_values(query_text("knowledge/graph-titles")))
        return {
            "store": self.store.url,
            "triples": sum(by_graph.values()),
            "distinct_triples": self._distinct_triples(),
            "graphs": len(by_graph),
            "by_class": by_class,
            "by_source": {g: {"triples": n, "title": titles.get(g)} for g, n in by_graph.items()},
        }

    def _distinct_triples(self) -> int:
        rows = self.store.select_values(query_text("knowledge/distinct-triples"), {"meta": URIRef(META_GRAPH)})
        return int(next(iter(rows))[0] or 0)

    def export(self, fmt: str) -> bytes:
        """Serialise the dataset: TriG or N-Quads keep the named graphs; other formats give the union."""
        if fmt not in RDF_FORMATS:
            raise StoreError(f"unknown export format {fmt!r} (known: {', '.join(RDF_FORMATS)})")
        if fmt == "jsonld":  # JSON-LD keeps the named graphs as @graph objects
            quads = parse_rdf(self.store.dump("nquads"), "nquads")
            return ox.serialize(quads, format=ox.RdfFormat.JSON_LD)
        return self.store.dump(fmt)


_SHIPPED_VERDICTS: dict[str, ValidationReport] = {}


def _validate_shipped(version: str, quads: list[ox.Quad]) -> ValidationReport:
    """Validate the shipped files once per version and process (every memory store loads them on start)."""
    if version not in _SHIPPED_VERDICTS:
        data = Graph()
        for q in quads:
            data.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))  # type: ignore[arg-type]
        _SHIPPED_VERDICTS[version] = validate_graph(data, Graph().parse(SHAPES_FILE, format="turtle"))
    return _SHIPPED_VERDICTS[version]


def validate_graph(data: Graph, shapes: Graph) -> ValidationReport:
    """Run pySHACL and list each violation as 'focus node: path: message'."""
    from pyshacl import validate  # imported late: it is slow to import and only needed here

    conforms, results, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return ValidationReport(True)
    sh = "http://www.w3.org/ns/shacl#"
    lines = []
    for result in results.subjects(RDF.type, URIRef(sh + "ValidationResult")):
        severity = results.value(result, URIRef(sh + "resultSeverity"))
        if severity is not None and str(severity) != sh + "Violation":
            continue
        focus = results.value(result, URIRef(sh + "focusNode"))
        path = results.value(result, URIRef(sh + "resultPath"))
        message = results.value(result, URIRef(sh + "resultMessage"))
        lines.append(f"{focus}: {path or '-'}: {message}")
    return ValidationReport(not lines, sorted(lines))


def as_json(value: object) -> str:
    """Pretty JSON for the command line."""
    return json.dumps(value, indent=2, ensure_ascii=False)
