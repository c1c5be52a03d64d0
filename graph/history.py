"""The change log for people: the recorded changes that touched an entity, and each change as statements
(who or what, which property, which value, stated by which source), added or removed, in the ontology's words.

The log itself is written by :mod:`graph.changes`; this module only reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any

import pyoxigraph as ox
from rdflib import Literal

from .changes import nquads_to_quads
from .knowledge import KnowledgeGraph
from .labels import labels_of, load_query, local_words, term_labels
from .namespaces import BASE

ID_NS = BASE + "id/"


def _term(node: Any, labels: dict[str, str]) -> dict[str, Any]:
    """A subject or object as the page shows it: an IRI with its label, or a literal's text."""
    if isinstance(node, ox.NamedNode):
        return {"iri": node.value, "label": labels.get(node.value) or _unlabelled(node.value)}
    if isinstance(node, ox.Literal):
        return {"iri": None, "label": node.value, "language": node.language}
    return {"iri": None, "label": str(node)}


def _unlabelled(iri: str) -> str:
    """Words for an IRI without a label: a quote (``id/evidence/<doc>/<n>``) by its number, else its last part."""
    if iri.startswith(ID_NS + "evidence/"):
        last = iri.rsplit("/", 1)[-1]
        return f"row {last[4:]}" if last.startswith("row-") else f"quote {last}"
    return local_words(iri)


def readable(kg: KnowledgeGraph, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> list[dict[str, Any]]:
    """The statements of a change as rows for people: ``op`` ('added' or 'removed'), ``subject``, ``property``
    (its label), ``value`` and ``source`` (the document's graph, labelled); subjects grouped, removals first."""
    rows = [("removed", q) for q in removed] + [("added", q) for q in added]
    iris = {n.value for _, q in rows for n in (q.subject, q.object, q.graph_name) if isinstance(n, ox.NamedNode)}
    labels = labels_of(kg, iris) if iris else {}
    words = term_labels(kg, {q.predicate.value for _, q in rows}) if rows else {}
    out = [
        {
            "op": op,
            "subject": _term(q.subject, labels),
            "property": words[q.predicate.value],
            "propertyIri": q.predicate.value,
            "value": _term(q.object, labels),
            "source": _term(q.graph_name, labels) if isinstance(q.graph_name, ox.NamedNode) else None,
        }
        for op, q in rows
    ]
    out.sort(key=lambda r: (r["subject"]["label"], r["subject"]["iri"] or "", r["op"] != "removed", r["property"]))
    return out


def entity_history(kg: KnowledgeGraph, iri: str, limit: int = 50) -> list[dict[str, Any]]:
    """The recorded changes whose statements name ``iri`` (newest first, at most ``limit`` of the 200 the query
    reads), each with its time,
    agent, reason and the statements it added or removed about the entity."""
    rows = kg.store.select_values(load_query("history"), {"needle": Literal(f"<{iri}>")})
    out = []
    for change, time, agent, comment, added, removed, reverts in islice(rows, limit):

        def about(quads: list[ox.Quad]) -> list[ox.Quad]:
            return [q for q in quads if iri in (q.subject.value, getattr(q.object, "value", None))]

        added_q, removed_q = about(nquads_to_quads(added or "")), about(nquads_to_quads(removed or ""))
        out.append(
            {
                "change": change,
                "time": time or "",
                "agent": (agent or "").removeprefix(ID_NS + "agent/"),
                "comment": comment or "",
                "reverts": reverts,
                "statements": readable(kg, added_q, removed_q),
            }
        )
    return out
