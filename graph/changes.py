"""The write path: every change is computed, validated with the SHACL shapes, recorded (PROV-O) and committed in one
transaction, or refused with nothing written.

A change is a set of quads added and a set removed. :class:`Writer` computes it without touching the store: a SPARQL
Update runs on a scratch store holding only the quads it can read or change (:mod:`graph.update_scope`), so its cost
follows the change, not the store, and nothing is pulled from a remote store but those quads. It then validates the
state of every entity the change touches and writes the removals, the additions and the change record in ONE write
(:meth:`Store.write`: one transaction of the engine). The record lives in its own named graph ``https://partnergraph.org/id/change/<id>``:

    <change> a prov:Activity ; prov:startedAtTime "..."^^xsd:dateTime ; prov:wasAssociatedWith <id/agent/NAME> ;
        rdfs:comment "why" ; kp:addedCount 3 ; kp:removedCount 1 ;
        kp:addedQuads "N-Quads" ; kp:removedQuads "N-Quads" ; kp:reverts <earlier change> .

so that the log can be listed and any change reverted (a revert is a new, validated change: the inverse).
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .knowledge import META_GRAPH, SHAPES_FILE, KnowledgeGraph, ValidationError, ValidationReport
from .namespaces import BASE, KP, ONTOLOGY_GRAPH
from .network import GROUPS
from .queries import query_text
from .store import (
    OxigraphStore,
    QuerySyntaxError,
    StoreError,
    position_message,
    strip_comments_and_strings,
    to_oxigraph,
    to_rdflib,
)
from .update_scope import scope_quads

CHANGE_BASE = BASE + "id/change/"
AGENT_BASE = BASE + "id/agent/"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
ADDED = str(KP.addedQuads)
REMOVED = str(KP.removedQuads)
ADDED_COUNT = str(KP.addedCount)
REMOVED_COUNT = str(KP.removedCount)
REVERTS = str(KP.reverts)
#: Graphs no edit may touch: the change log, the store's bookkeeping and the shipped ontology (edit its files).
PROTECTED_GRAPHS = (META_GRAPH, ONTOLOGY_GRAPH)
AGENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class ChangeRefused(StoreError):
    """A change was refused before anything was written (forbidden operation, protected graph, blank node...)."""


@dataclass
class Change:
    """One recorded change: who, when, why, and the quads it added and removed."""

    iri: str
    time: str
    agent: str
    comment: str
    added: list[ox.Quad] = field(default_factory=list)
    removed: list[ox.Quad] = field(default_factory=list)
    reverts: str | None = None

    def summary(self) -> dict:
        """The change as a JSON-ready dict (counts, not the quads)."""
        return {
            "change": self.iri,
            "time": self.time,
            "agent": self.agent,
            "comment": self.comment,
            "added": len(self.added),
            "removed": len(self.removed),
            "reverts": self.reverts,
        }


def check_update_text(sparql: str) -> None:
    """Refuse updates the write path never runs: LOAD, SERVICE, CLEAR/DROP ALL or NAMED, or the change log named.

    Strings, comments and IRIs are blanked out first, so a label that says "load" is fine.
    """
    text = strip_comments_and_strings(sparql)
    iris = re.findall(r"<([^<>\s]*)>", text)
    bare = re.sub(r"<[^<>\s]*>", lambda m: " " * len(m.group(0)), text)
    keyword = r"(?<![\w:?$])({})(?![\w:-])"
    for word, why in (
        ("LOAD", "LOAD is not allowed: the server never fetches documents or files; send the data itself"),
        ("SERVICE", "SERVICE is not allowed: the server never queries other endpoints"),
    ):
        match = re.search(keyword.format(word), bare, re.IGNORECASE)
        if match:
            raise ChangeRefused(f"{why} (at {_where(sparql, match.start())})")
    match = re.search(r"(?<![\w:?$])(CLEAR|DROP)\s+(SILENT\s+)?(ALL|NAMED)(?![\w:-])", bare, re.IGNORECASE)
    if match:
        raise ChangeRefused(
            f"{match.group(1).upper()} {match.group(3).upper()} is not allowed: drop graphs one by one "
            f"(at {_where(sparql, match.start())})"
        )
    for iri in iris:
        if iri.startswith(CHANGE_BASE):
            raise ChangeRefused(f"<{iri}>: the change log is written by the server only")


def _where(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def _graph_iri(quad: ox.Quad) -> str | None:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None


def _check_quads(added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> None:
    """Refuse blank nodes, default-graph data and protected graphs (one clear line each)."""
    for verb, quads in (("add", added), ("remove", removed)):
        for q in quads:
            graph = _graph_iri(q)
            if graph is None and verb == "add":
                raise ChangeRefused(
                    f"cannot add {q.subject} {q.predicate} {q.object} to the default graph: every statement belongs "
                    "to the named graph of its source (INSERT DATA { GRAPH <source-iri> { ... } })"
                )
            if graph is not None and (graph in PROTECTED_GRAPHS or graph.startswith(CHANGE_BASE)):
                raise ChangeRefused(f"cannot {verb} statements of the graph <{graph}>: it is not editable")
            if any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object)):
                raise ChangeRefused(
                    f"cannot {verb} {q.subject} {q.predicate} {q.object}: blank nodes cannot be edited, give the node "
                    "an IRI under https://partnergraph.org/id/"
                )


def quads_to_nquads(quads: Iterable[ox.Quad]) -> str:
    """N-Quads text of quads, sorted (stable for records and tests)."""
    return "".join(sorted(f"{q} .\n" for q in quads))


def nquads_to_quads(text: str) -> list[ox.Quad]:
    """Parse N-Quads text back into quads."""
    return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)) if text.strip() else []


def new_change_iri(now: datetime) -> str:
    """A fresh change IRI that sorts by time: ``id/change/20240501T101500123456Z-1a2b3c``."""
    return f"{CHANGE_BASE}{now.strftime('%Y%m%dT%H%M%S%fZ')}-{secrets.token_hex(3)}"


class Writer:
    """The one way to change a knowledge graph: computed, validated, recorded and committed atomically.

    One writer at a time (a lock in the process); readers are not blocked (the engine gives them snapshots).
    """

    def __init__(self, kg: KnowledgeGraph, shapes: Graph | None = None) -> None:
        self.kg = kg
        self.store = kg.store
        if shapes is None and SHAPES_FILE.exists():
            shapes = kg.shapes()
        self.shapes = shapes
        self._ontology: Graph | None = None
        self.lock = threading.Lock()
        #: Called after every committed change (e.g. so that query workers take a new snapshot).
        self.after_commit: list[Callable[[], None]] = []

    # -- computing a change --------------------------------------------------------------------------------

    def preview_update(self, sparql: str) -> tuple[list[ox.Quad], list[ox.Quad]]:
        """What a SPARQL Update would add and remove, computed on a scratch store that holds only the quads the
        update can read or change (the store is not touched; its size does not matter)."""
        check_update_text(sparql)
        scratch = ox.Store()
        try:
            scratch.update(sparql, base_iri=BASE)  # on nothing first: a syntax error costs no read of the store
        except SyntaxError as error:
            raise QuerySyntaxError(position_message(error, "update syntax error")) from None
        except (OSError, ValueError) as error:
            raise ChangeRefused(f"update failed, nothing was written: {error}") from None
        scratch = ox.Store()
        before = {q for q in scope_quads(self.store, sparql, BASE) if not (_graph_iri(q) or "").startswith(CHANGE_BASE)}
        scratch.extend(before)
        try:
            scratch.update(sparql, base_iri=BASE)
        except (OSError, ValueError) as error:
            raise ChangeRefused(f"update failed, nothing was written: {error}") from None
        after = set(scratch.quads_for_pattern(None, None, None, None))
        return sorted(after - before, key=str), sorted(before - after, key=str)

    # -- validation ----------------------------------------------------------------------------------------

    def _quads_about(self, subjects: set[str]) -> list[ox.Quad]:
        """Every quad (any graph) whose subject is one of these IRIs."""
        return [q for s in sorted(subjects) for q in self.store.quads(ox.NamedNode(s))]

    def _referrers(self, iris: set[str]) -> set[str]:
        """IRIs of the nodes that point at these (their shapes may check the type of what they point at)."""
        found: set[str] = set()
        items = [URIRef(i) for i in sorted(iris)]
        for start in range(0, len(items), 200):
            rows = self.store.select_values(query_text("changes/referrers"), {"o": items[start : start + 200]})
            found |= {s for (s,) in rows if s and not s.startswith("_:")}
        return found

    def ontology(self) -> Graph:
        """The ontology graph as stored (cached: it changes only when the shipped files are reloaded)."""
        if self._ontology is None:
            self._ontology = self.kg.ontology()
        return self._ontology

    def validate_change(self, added: list[ox.Quad], removed: list[ox.Quad]) -> ValidationReport:
        """Validate the state the change would leave every entity it touches in; violations it did not cause
        (already there before) are not held against it."""
        if self.shapes is None:
            return ValidationReport(True)
        focus = {q.subject.value for q in [*added, *removed] if isinstance(q.subject, ox.NamedNode)}
        focus |= {q.object.value for q in added if isinstance(q.object, ox.NamedNode)}
        retyped = {q.subject.value for q in [*added, *removed] if q.predicate.value == RDF_TYPE}
        if retyped:
            focus |= self._referrers(retyped)
        before_focus = self._quads_about(focus)
        objects = {
            q.object.value
            for q in [*before_focus, *added]
            if isinstance(q.object, ox.NamedNode) and q.object.value not in focus
        }
        before = before_focus + self._quads_about(objects)
        removed_set = set(removed)
        after = [q for q in before if q not in removed_set] + list(added)
        report = self._validate_quads(after, focus)
        if report.conforms:
            return report
        old = self._validate_quads(before, focus)
        new = sorted(set(report.violations) - set(old.violations))
        return ValidationReport(not new, new)

    def _validate_quads(self, quads: list[ox.Quad], focus: set[str]) -> ValidationReport:
        from pyshacl import validate  # slow to import, needed only here

        data = Graph()
        for q in quads:
            data.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))  # type: ignore[arg-type]
        data += self.ontology()
        conforms, results, _ = validate(data, shacl_graph=self.shapes, inference="none", allow_warnings=True)
        if conforms:
            return ValidationReport(True)
        sh = "http://www.w3.org/ns/shacl#"
        lines = set()
        for result in results.subjects(URIRef(RDF_TYPE), URIRef(sh + "ValidationResult")):
            severity = results.value(result, URIRef(sh + "resultSeverity"))
            if severity is not None and str(severity) != sh + "Violation":
                continue
            node = results.value(result, URIRef(sh + "focusNode"))
            if str(node) not in focus:
                continue
            path = results.value(result, URIRef(sh + "resultPath"))
            message = results.value(result, URIRef(sh + "resultMessage"))
            value = results.value(result, URIRef(sh + "value"))
            lines.add(f"{node}: {path or '-'}: {message}" + (f" (value: {value})" if value is not None else ""))
        return ValidationReport(not lines, sorted(lines))

    # -- committing ----------------------------------------------------------------------------------------

    def update(self, sparql: str, agent: str, comment: str = "") -> Change | None:
        """Run a SPARQL Update as one validated, recorded change; None when it changes nothing."""
        with self.lock:
            added, removed = self.preview_update(sparql)
            return self._commit(added, removed, agent, comment)

    def apply(
        self,
        added: Iterable[ox.Quad],
        removed: Iterable[ox.Quad],
        agent: str,
        comment: str = "",
        reverts: str | None = None,
    ) -> Change | None:
        """Add and remove quads as one validated, recorded change; None when it changes nothing.

        Quads to add that are already there and quads to remove that are not are left out of the change.
        """
        with self.lock:
            return self._commit(list(added), list(removed), agent, comment, reverts)

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad], agent: str, comment: str = "") -> Change | None:
        """Make a named graph hold exactly these triples (Graph Store PUT); None when it already does."""
        node = ox.NamedNode(graph)
        with self.lock:
            current = list(self._graph_quads(node))
            return self._commit(
                [ox.Quad(q.subject, q.predicate, q.object, node) for q in quads], current, agent, comment
            )

    def delete_graph(self, graph: str, agent: str, comment: str = "") -> Change | None:
        """Remove every statement of a named graph (Graph Store DELETE); None when it is empty or absent."""
        with self.lock:
            return self._commit([], list(self._graph_quads(ox.NamedNode(graph))), agent, comment, drop=graph)

    def _graph_quads(self, node: ox.NamedNode) -> list[ox.Quad]:
        return list(self.store.quads(graph=node))

    def _present(self, quads: list[ox.Quad]) -> set[ox.Quad]:
        return self.store.present(quads)

    def _commit(
        self,
        added: list[ox.Quad],
        removed: list[ox.Quad],
        agent: str,
        comment: str,
        reverts: str | None = None,
        drop: str | None = None,
    ) -> Change | None:
        if not AGENT_NAME.fullmatch(agent):
            raise ChangeRefused(f"{agent!r} is not a valid agent name (letters, digits, '.', '_', '-')")
        _check_quads(added, removed)
        added_set, removed_set = set(added), set(removed)
        both = added_set & removed_set
        added_set -= both
        removed_set -= both
        added_set -= self._present(sorted(added_set, key=str))
        removed_set &= self._present(sorted(removed_set, key=str))
        if not added_set and not removed_set:
            return None
        added, removed = sorted(added_set, key=str), sorted(removed_set, key=str)
        report = self.validate_change(added, removed)
        if not report.conforms:
            raise ValidationError(report, "the change")
        now = datetime.now(UTC)
        change = Change(
            iri=new_change_iri(now),
            time=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            agent=agent,
            comment=comment,
            added=added,
            removed=removed,
            reverts=reverts,
        )
        self.store.write([*change.added, *self._record(change)], change.removed, [drop] if drop else [])
        for hook in self.after_commit:
            hook()
        return change

    @staticmethod
    def _record(change: Change) -> list[ox.Quad]:
        """The change record: its own named graph, written in the same transaction as the change."""
        c = ox.NamedNode(change.iri)
        agent = ox.NamedNode(AGENT_BASE + change.agent)
        record = [
            (c, RDF_TYPE, ox.NamedNode(PROV + "Activity")),
            (c, PROV + "startedAtTime", ox.Literal(change.time, datatype=ox.NamedNode(XSD_DATETIME))),
            (c, PROV + "wasAssociatedWith", agent),
            (c, ADDED_COUNT, ox.Literal(str(len(change.added)), datatype=ox.NamedNode(XSD_INTEGER))),
            (c, REMOVED_COUNT, ox.Literal(str(len(change.removed)), datatype=ox.NamedNode(XSD_INTEGER))),
            (c, ADDED, ox.Literal(quads_to_nquads(change.added))),
            (c, REMOVED, ox.Literal(quads_to_nquads(change.removed))),
            (agent, RDF_TYPE, ox.NamedNode(PROV + "Agent")),
            (agent, RDFS_LABEL, ox.Literal(change.agent)),
        ]
        if change.comment:
            record.append((c, RDFS_COMMENT, ox.Literal(change.comment)))
        if change.reverts:
            record.append((c, REVERTS, ox.NamedNode(change.reverts)))
        return [ox.Quad(s, ox.NamedNode(p), o, c) for s, p, o in record]

    # -- the log -------------------------------------------------------------------------------------------

    def changes(self, limit: int = 100, agent: str | None = None) -> list[Change]:
        """The most recent changes first (with their quads)."""
        bindings = {"agent": URIRef(AGENT_BASE + agent)} if agent else None
        rows = self.store.select_values(query_text("changes/list"), bindings)
        return [self.get_change(c) for (c,) in islice(rows, max(0, int(limit))) if c]

    def get_change(self, iri: str) -> Change:
        """One change with its quads; StoreError when there is no such change."""
        if not iri.startswith(CHANGE_BASE):
            iri = CHANGE_BASE + iri
        rows = list(self.store.select_values(query_text("changes/get"), {"c": URIRef(iri)}))
        if not rows:
            raise StoreError(f"no change <{iri}>")
        t, who, comment, added, removed, reverts = rows[0]
        return Change(
            iri=iri,
            time=t or "",
            agent=(who or "").removeprefix(AGENT_BASE),
            comment=comment or "",
            added=nquads_to_quads(added or ""),
            removed=nquads_to_quads(removed or ""),
            reverts=reverts,
        )

    def revert(self, iri: str, agent: str, comment: str = "") -> Change | None:
        """Undo a change with a new, validated change (removes what it added, adds back what it removed)."""
        change = self.get_change(iri)
        why = comment or f"revert of {change.iri}"
        result = self.apply(change.removed, change.added, agent, why, reverts=change.iri)
        if result is None:
            raise ChangeRefused(f"nothing to revert: the effects of <{change.iri}> are no longer in the store")
        return result

    # -- after the shipped data is reloaded ----------------------------------------------------------------

    def reapply_log(self) -> int:
        """Make every recorded change hold again after the shipped graphs were reloaded from their files.

        Reloading replaces the shipped source graphs whole, which would undo the edits made to them. For each
        quad the change log touched, its LAST change decides (added: present, removed: absent); quads no change
        touched keep what the files say. Runs in one transaction, once per shipped version (a marker in the
        store's bookkeeping graph, which a reload drops). Returns the number of quads put back or taken out.
        """
        marker = ox.Quad(
            ox.NamedNode(META_GRAPH),
            ox.NamedNode(str(KP.changesReapplied)),
            ox.Literal("yes"),
            ox.NamedNode(META_GRAPH),
        )
        with self.lock:
            marked = {"meta": URIRef(META_GRAPH), "marker": URIRef(KP.changesReapplied)}
            if self.store.ask(query_text("changes/marker"), marked):
                return 0
            rows = list(self.store.select_values(query_text("changes/all-effects")))
            if not rows:  # no change was ever made: nothing to put back, nothing to write
                return 0
            last: dict[ox.Quad, bool] = {}
            for _c, added, removed in rows:
                for q in nquads_to_quads(removed or ""):
                    last[q] = False
                for q in nquads_to_quads(added or ""):
                    last[q] = True
            wanted = [q for q, keep in last.items() if keep]
            unwanted = [q for q, keep in last.items() if not keep]
            present = self.store.present([*wanted, *unwanted])
            to_add = [q for q in wanted if q not in present]
            to_remove = sorted((q for q in unwanted if q in present), key=str)
            self.store.write([*to_add, marker], to_remove)
            return len(to_add) + len(to_remove)


__all__ = [
    "AGENT_BASE",
    "CHANGE_BASE",
    "Change",
    "ChangeRefused",
    "ValidationError",
    "Writer",
    "check_update_text",
    "nquads_to_quads",
    "quads_to_nquads",
]


# -- edits from forms: an agreement, an entity or a program, with its source ------------------------------

KP_NS = str(KP)
KIND_NS = BASE + "vocab/tie-kind/"
FIELD_NS = BASE + "vocab/field/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
#: The classes each form offers, by form; the first is the default.
FORM_CLASSES = {
    "agreement": ["Agreement", "Partnership"],
    # Places and organisations as the explorer groups them; a city is the most common new entity.
    "entity": ["City", *(c for c in (*GROUPS["region"], *GROUPS["organization"]) if c not in ("Region", "City"))],
    "program": list(GROUPS["program"]),
}
_IRI_SEGMENT = {"agreement": "agreement", "Partnership": "partnership", "program": "program"}
_REGION_CLASSES = set(GROUPS["region"]) - {"Region"}


class EditError(StoreError):
    """A form's values are not acceptable; the message says which field and why."""


@dataclass
class Source:
    """Where an edit comes from: the document's title, its address (optional) and the verbatim words."""

    title: str
    url: str = ""
    quote: str = ""


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-' (the IRI policy's slug)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def typed_date(text: str, what: str) -> ox.Literal | None:
    """A date at the precision given: '2014' (xsd:gYear), '2014-09' (gYearMonth) or '2014-09-03' (date)."""
    text = text.strip()
    if not text:
        return None
    for pattern, datatype in (
        (r"\d{4}", "gYear"),
        (r"\d{4}-(0[1-9]|1[0-2])", "gYearMonth"),
        (r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", "date"),
    ):
        if re.fullmatch(pattern, text):
            if datatype == "date":
                try:
                    datetime.strptime(text, "%Y-%m-%d")
                except ValueError:
                    raise EditError(f"{what}: {text!r} is not a day of the calendar") from None
            return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))
    raise EditError(f"{what}: write the date as YYYY, YYYY-MM or YYYY-MM-DD (the precision the source gives)")


class FormEdit:
    """Turn the values of an edit form into the quads to add and remove (then :meth:`Writer.apply` them)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.store = kg.store

    def _exists(self, iri: str) -> bool:
        return self.store.ask(f"ASK {{ <{iri}> ?p ?o }}")

    def _quads(self, subject: ox.NamedNode, predicate: ox.NamedNode | None = None) -> list[ox.Quad]:
        if isinstance(self.store, OxigraphStore):
            return list(self.store.native.quads_for_pattern(subject, predicate, None, None))
        if predicate is not None:
            rows = self.store.select(
                f"SELECT ?o ?g WHERE {{ GRAPH ?g {{ <{subject.value}> <{predicate.value}> ?o }} }}"
            )
            return [ox.Quad(subject, predicate, to_oxigraph(o), to_oxigraph(g)) for o, g in rows]
        rows = self.store.select(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{subject.value}> ?p ?o }} }}")
        return [ox.Quad(subject, to_oxigraph(pp), to_oxigraph(o), to_oxigraph(g)) for pp, o, g in rows]

    def _entity(self, iri: str, what: str) -> ox.NamedNode:
        iri = iri.strip()
        if not iri.startswith(BASE + "id/") or not re.fullmatch(r"[^\s<>\"{}|\\^`]+", iri):
            raise EditError(f"{what}: {iri!r} is not an entity IRI (https://partnergraph.org/id/...)")
        if not self._exists(iri):
            raise EditError(f"{what}: <{iri}> is not in the graph")
        return ox.NamedNode(iri)

    def _concept(self, iri: str, namespace: str, what: str) -> ox.NamedNode | None:
        iri = iri.strip()
        if not iri:
            return None
        if not iri.startswith(namespace) or not re.fullmatch(r"[^\s<>\"{}|\\^`]+", iri):
            raise EditError(f"{what}: {iri!r} is not a concept of {namespace}")
        return ox.NamedNode(iri)

    def source(self, source: Source) -> tuple[ox.NamedNode, ox.NamedNode, list[ox.Quad]]:
        """The source's graph, a new piece of evidence quoting it, and the quads that say so."""
        title, url, quote = source.title.strip(), source.url.strip(), source.quote.strip()
        if not title:
            raise EditError("source: give the document's title")
        if not quote:
            raise EditError("source: quote the words of the document that support the edit")
        if url and not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", url):
            raise EditError("source: the address must be an http(s) URL")
        slug = slugify(title) or "document"
        graph = ox.NamedNode(f"{BASE}id/source/{slug}")
        quads = []
        if not self._exists(graph.value):
            quads += [
                ox.Quad(graph, ox.NamedNode(RDF_TYPE), ox.NamedNode(KP_NS + "SourceDocument"), graph),
                ox.Quad(graph, ox.NamedNode(DCTERMS + "title"), ox.Literal(title), graph),
                ox.Quad(graph, ox.NamedNode(RDFS_LABEL), ox.Literal(title), graph),
            ]
            if url:
                quads.append(ox.Quad(graph, ox.NamedNode(DCTERMS + "source"), ox.NamedNode(url), graph))
        prefix = f"{BASE}id/evidence/{slug}/"
        numbers = [
            int(iri[len(prefix) :])
            for (iri,) in self.store.select_values(
                f'SELECT DISTINCT ?e WHERE {{ ?e ?p ?o FILTER(STRSTARTS(STR(?e), "{prefix}")) }}'
            )
            if iri and iri[len(prefix) :].isdigit()
        ]
        evidence = ox.NamedNode(f"{prefix}{max(numbers, default=0) + 1}")
        quads += [
            ox.Quad(evidence, ox.NamedNode(RDF_TYPE), ox.NamedNode(KP_NS + "Evidence"), graph),
            ox.Quad(evidence, ox.NamedNode(PROV + "value"), ox.Literal(quote), graph),
            ox.Quad(evidence, ox.NamedNode(PROV + "wasQuotedFrom"), graph, graph),
        ]
        return graph, evidence, quads

    def build(
        self, form: str, values: dict[str, str | list[str]], source: Source, iri: str | None = None
    ) -> tuple[str, list[ox.Quad], list[ox.Quad]]:
        """(the entity's IRI, quads to add, quads to remove) for a form: ``agreement``, ``entity`` or ``program``.

        Without ``iri`` a new entity is made (refused if its IRI exists); with it, the values the form manages
        replace the old ones (in every graph) and the new ones are stated in the source's graph with evidence.
        """
        if form not in FORM_CLASSES:
            raise EditError(f"unknown form {form!r}")

        def text(name: str) -> str:
            value = values.get(name, "")
            return (value if isinstance(value, str) else " ".join(value)).strip()

        def many(name: str) -> list[str]:
            value = values.get(name, [])
            items = value.splitlines() if isinstance(value, str) else value
            return [v.strip() for v in items if v and v.strip()]

        label = text("label")
        if not label:
            raise EditError("label: give the display name")
        cls = text("type") or FORM_CLASSES[form][0]
        if cls not in FORM_CLASSES[form]:
            raise EditError(f"type: {cls!r} is not one of {', '.join(FORM_CLASSES[form])}")
        new: dict[str, list[ox.NamedNode | ox.Literal]] = {
            RDF_TYPE: [ox.NamedNode(KP_NS + cls)],
            RDFS_LABEL: [ox.Literal(label)],
        }
        if form == "agreement":
            parties = [self._entity(p, "parties") for p in dict.fromkeys(many("parties"))]
            if len(parties) < 2:
                raise EditError("parties: a tie has two or more parties")
            new[KP_NS + "party"] = list(parties)
            kind = self._concept(text("kind"), KIND_NS, "kind")
            if kind is None and cls == "Agreement":
                raise EditError("kind: say what kind of agreement it is")
            new[KP_NS + "tieKind"] = [kind] if kind else []
            new[KP_NS + "signedDate"] = [d] if (d := typed_date(text("date"), "date")) else []
            new[KP_NS + "field"] = [f] if (f := self._concept(text("field"), FIELD_NS, "field")) else []
        elif form == "entity":
            new[str(SKOS + "altLabel")] = [ox.Literal(a) for a in dict.fromkeys(many("alt_labels"))]
            located = text("located_in")
            new[KP_NS + "locatedIn"] = [self._entity(located, "located in")] if located else []
        else:
            organizer = text("organizer")
            new[KP_NS + "organizer"] = [self._entity(organizer, "organizer")] if organizer else []
            new[KP_NS + "field"] = [f] if (f := self._concept(text("field"), FIELD_NS, "field")) else []
            new[SCHEMA + "startDate"] = [d] if (d := typed_date(text("start_date"), "start date")) else []
            under = text("under_agreement")
            new[KP_NS + "underAgreement"] = [self._entity(under, "under agreement")] if under else []

        if iri:
            subject = self._entity(iri, "entity")
        else:
            segment = _IRI_SEGMENT.get(cls) or _IRI_SEGMENT.get(form)
            if segment is None:
                segment = "region" if cls in _REGION_CLASSES else "org"
            path = slugify(label) or "unnamed"
            located = text("located_in")
            if segment == "region" and cls != "Country":
                match = re.match(re.escape(BASE) + r"id/region/([a-z]{2})(/|$)", located)
                if match:
                    path = f"{match.group(1)}/{path}"
            subject = ox.NamedNode(f"{BASE}id/{segment}/{path}")
            if self._exists(subject.value):
                raise EditError(f"<{subject.value}> exists already: correct it instead of adding it again")
        graph, evidence, added = self.source(source)
        removed: list[ox.Quad] = []
        for predicate, objects in new.items():
            p = ox.NamedNode(predicate)
            current = self._quads(subject, p) if iri else []
            if iri and predicate == RDF_TYPE:
                # only the types this form manages are replaced
                current = [q for q in current if q.object.value.removeprefix(KP_NS) in FORM_CLASSES[form]]
            if {q.object for q in current} == set(objects):
                continue
            removed += current
            added += [ox.Quad(subject, p, o, graph) for o in objects]
        added.append(ox.Quad(subject, ox.NamedNode(KP_NS + "evidence"), evidence, graph))
        return subject.value, added, removed

    def current(self, iri: str) -> dict[str, str | list[str]]:
        """The values an edit form shows for an existing entity (to correct it)."""
        subject = self._entity(iri, "entity")
        values: dict[str, list[str]] = {}
        for q in self._quads(subject):
            values.setdefault(q.predicate.value, []).append(q.object.value)
        types = [t.removeprefix(KP_NS) for t in values.get(RDF_TYPE, []) if t.startswith(KP_NS)]
        return {
            "label": (values.get(RDFS_LABEL) or [""])[0],
            "type": types[0] if types else "",
            "parties": values.get(KP_NS + "party", []),
            "kind": (values.get(KP_NS + "tieKind") or [""])[0],
            "date": (values.get(KP_NS + "signedDate") or [""])[0],
            "field": (values.get(KP_NS + "field") or [""])[0],
            "alt_labels": "\n".join(values.get(SKOS + "altLabel", [])),
            "located_in": (values.get(KP_NS + "locatedIn") or [""])[0],
            "organizer": (values.get(KP_NS + "organizer") or [""])[0],
            "start_date": (values.get(SCHEMA + "startDate") or [""])[0],
            "under_agreement": (values.get(KP_NS + "underAgreement") or [""])[0],
        }

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        """(IRI, label) pairs for the form's pickers: kinds, fields, parties/places, agreements."""

        def pairs(sparql: str) -> list[tuple[str, str]]:
            return [(i, lab or i) for i, lab in self.store.select_values(sparql) if i]

        concepts = (
            "SELECT ?c (SAMPLE(?l) AS ?label) WHERE {{ {{ ?c <{skos}inScheme> <{ns}> }} UNION {{ ?x <{p}> ?c }} "
            'OPTIONAL {{ ?c <{skos}prefLabel> ?l FILTER(LANGMATCHES(LANG(?l), "en") || LANG(?l) = "") }} '
            'FILTER(STRSTARTS(STR(?c), "{ns}")) }} GROUP BY ?c ORDER BY ?label'
        )
        entities = (
            "SELECT ?e (SAMPLE(?l) AS ?label) WHERE {{ ?e a ?t ; <{label}> ?l "
            'FILTER(STRSTARTS(STR(?e), "{base}id/{segment}/")) }} GROUP BY ?e ORDER BY ?label LIMIT 5000'
        )
        return {
            "kind": pairs(concepts.format(skos=SKOS, ns=KIND_NS, p=KP_NS + "tieKind")),
            "field": pairs(concepts.format(skos=SKOS, ns=FIELD_NS, p=KP_NS + "field")),
            "region": pairs(entities.format(label=RDFS_LABEL, base=BASE, segment="region")),
            "org": pairs(entities.format(label=RDFS_LABEL, base=BASE, segment="org")),
            "agreement": pairs(entities.format(label=RDFS_LABEL, base=BASE, segment="agreement"))
            + pairs(entities.format(label=RDFS_LABEL, base=BASE, segment="partnership")),
        }
