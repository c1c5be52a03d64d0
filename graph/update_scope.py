"""What a SPARQL Update can touch: the part of the store it reads or writes, so that its effect is computed on that
part alone, whatever the size of the store.

Every triple pattern of the update (in its WHERE clauses, its templates, its FILTER EXISTS / MINUS groups, each IRI
of a property path) gives a quad pattern with its constant terms (``<s> rdfs:label ?l`` -> subject and predicate
fixed); a graph operation (DROP, CLEAR, ADD, MOVE, COPY) gives the graphs it names. Every solution of every triple
pattern over the whole store is also a solution over the union of those quads, so the update does the same on a
scratch store holding just them. (A fully variable pattern, ``?s ?p ?o``, asks for everything: its cost is the
store's, as it must be.)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from rdflib.paths import Path
from rdflib.term import BNode, Identifier, Literal, URIRef, Variable

from .store import Store, StoreError, to_oxigraph

#: Graph operations: the graphs they name are read whole.
GRAPH_OPERATIONS = {"Drop", "Clear", "Add", "Move", "Copy", "Create"}
#: (subject, predicate, object) of a quad pattern; None where anything matches.
Pattern = tuple[Any, Any, Any]


def _constant(term: Any) -> Any:
    """A constant term as pyoxigraph's, None for a variable (or for a term rdflib misread: a wider pattern is safe)."""
    if not isinstance(term, URIRef | Literal):
        return None
    if isinstance(term, URIRef):  # rdflib keeps the escapes of prefixed names (id:org\/x): undo them
        term = URIRef(re.sub(r"\\([_~.!$&'()*+,;=/?#@%-])", r"\1", str(term)))
    try:
        return to_oxigraph(term)
    except StoreError:
        return None


def _path_iris(path: Any) -> Iterator[URIRef | None]:
    """The IRIs a property path walks over (None for a negated path: any predicate)."""
    if isinstance(path, URIRef):
        yield path
    elif type(path).__name__ == "NegatedPath":
        yield None
    elif isinstance(path, Path):
        for part in getattr(path, "args", None) or [getattr(path, "path", None)]:
            yield from _path_iris(part)


def _patterns(node: Any) -> Iterator[Pattern]:
    """Every triple pattern in a piece of rdflib's update algebra, as a quad pattern with its constants."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list | tuple):
        if len(node) == 3 and all(isinstance(t, Identifier | Path) for t in node):
            s, p, o = node
            if isinstance(p, Path) and not isinstance(p, URIRef):
                for iri in _path_iris(p):  # the ends of a path are other nodes: only the predicate is known
                    yield (None, _constant(iri), None)
            elif not isinstance(p, Variable | BNode):
                yield (_constant(s), _constant(p), _constant(o))
            else:
                yield (_constant(s), None, _constant(o))
            return
        for value in node:
            yield from _patterns(value)


def _graph_iris(node: Any) -> Iterator[URIRef]:
    if isinstance(node, URIRef):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _graph_iris(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _graph_iris(value)


def update_scope(sparql: str, base_iri: str) -> tuple[list[Pattern], list[str]] | None:
    """The quad patterns and the graphs an update reads or writes; None when rdflib cannot parse it (then the
    caller must assume it touches everything)."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    quiet = logging.getLogger("rdflib.term")  # rdflib warns of the escaped names it keeps (undone below)
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        update = translateUpdate(parseUpdate(sparql), base=base_iri)
    except Exception:  # noqa: BLE001 - any parser failure means: we cannot tell
        return None
    finally:
        quiet.setLevel(level)
    patterns: list[Pattern] = []
    graphs: list[str] = []
    for operation in update.algebra:
        if operation.name in GRAPH_OPERATIONS:
            graphs += [str(iri) for iri in _graph_iris(dict(operation))]
        else:
            patterns += _patterns(dict(operation))
    return sorted(set(patterns), key=str), sorted(set(graphs))


def scope_quads(store: Store, sparql: str, base_iri: str) -> set[ox.Quad]:
    """The quads of ``store`` an update can read or change (every quad when that cannot be told)."""
    scope = update_scope(sparql, base_iri)
    if scope is None:
        return set(store.quads())
    patterns, graphs = scope
    found: set[ox.Quad] = set()
    for s, p, o in patterns:
        found.update(store.quads(s, p, o))
    for graph in graphs:
        found.update(store.quads(graph=ox.NamedNode(graph)))
    return found
