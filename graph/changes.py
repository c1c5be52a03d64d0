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
from .queries import query_text
from .store import (
    QuerySyntaxError,
    StoreError,
    position_message,
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
CHANGE_ID = re.compile(r"[0-9A-Za-z_.-]{1,80}")
#: C0 control characters (tab, line feed and carriage return allowed): they make XML output ill-formed.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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

    The one SPARQL scanner of :mod:`graph.sandbox.guard` reads the text (strings, comments, IRIs and escaped
    names understood), so a label that says "load" is fine and ``x:a\\#`` hides nothing.
    """
    from .sandbox.guard import QueryRefused, check_update

    try:
        check_update(sparql, protected=(CHANGE_BASE,))
    except QueryRefused as refusal:
        raise ChangeRefused(str(refusal)) from None


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
            if verb == "add" and any(CONTROL.search(t.value) for t in (q.subject, q.predicate, q.object)):
                raise ChangeRefused(
                    f"cannot add {q.subject} {q.predicate} {q.object}: it holds a control character "
                    "(U+0000 to U+001F other than tab and line breaks)"
                )
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

    def update(
        self,
        sparql: str,
        agent: str,
        comment: str = "",
        preview: Callable[[str], tuple[list[ox.Quad], list[ox.Quad]]] | None = None,
    ) -> Change | None:
        """Run a SPARQL Update as one validated, recorded change; None when it changes nothing.

        ``preview`` computes what the update adds and removes (default: :meth:`preview_update`, in this
        process; the server passes its sandboxed worker)."""
        with self.lock:
            added, removed = (preview or self.preview_update)(sparql)
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
        if not CHANGE_ID.fullmatch(iri[len(CHANGE_BASE) :]):
            raise ChangeRefused(
                f"{iri[len(CHANGE_BASE) :][:80]!r} is not a change id (like 20240501T101500123456Z-1a2b3c)"
            )
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
