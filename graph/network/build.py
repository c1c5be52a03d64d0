"""Building the projection from the store: a few scans of the statements its edges need.

The scans (``scan-types.rq``, ``scan-facts.rq``, ``scan-entrants.rq``) are one triple pattern each, no join,
no UNION; with the concept labels (``concepts.rq``) they are all the projection reads. It is compact: a tie is
one :class:`Tie` (slots, no dict) shared by the edges of its parties; an edge holds tuples of ties and links,
an interned set of relation categories and a ``cost``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

import networkx as nx

from ..knowledge import KnowledgeGraph
from .algorithms import hop_cost
from .base import CLASS_GROUP, GENERIC_CLASSES, KP_NS, ROLE_RELATION, load_query, local_name, year_of
from .model import Network

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
#: Predicates whose statements become links, by the role the projection names them with.
LINK_ROLES: dict[str, str] = {
    KP_NS + "locatedIn": "located-in",
    ORG + "unitOf": "unit-of",
    ORG + "subOrganizationOf": "sub-organization-of",
    ORG + "headOf": "head-of",
    KP_NS + "partOf": "part-of",
    KP_NS + "organizer": "organizer",
    KP_NS + "funder": "funder",
    KP_NS + "beneficiary": "beneficiary",
    KP_NS + "participantOrigin": "participant-origin",
    KP_NS + "attendee": "attendee",
    KP_NS + "finalist": "finalist",
    KP_NS + "winner": "winner",
    # What the sources say in words and the curated data now states (issue 14): the projection links them too.
    KP_NS + "location": "location",
    KP_NS + "supports": "supports",
    KP_NS + "sharedCase": "shared-case",
    KP_NS + "haltedBy": "halted-by",
    KP_NS + "perpetrator": "perpetrator",
    KP_NS + "sponsor": "sponsor",
}
TIE_CLASSES = {KP_NS + "Agreement": "agreement", KP_NS + "Partnership": "partnership"}


class Record(tuple):
    """A compact immutable record (a tuple) read like a dict, ``tie["id"]``, ``tie.get("kind")``, or by
    attribute, ``tie.id``. Pickled as a plain tuple, so a persisted projection loads without Python calls."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _index: dict[str, int] = {}

    def __new__(cls, *values: Any) -> Record:
        return tuple.__new__(cls, values)

    def __init_subclass__(cls) -> None:
        cls._index = {name: i for i, name in enumerate(cls._fields)}
        for i, name in enumerate(cls._fields):
            setattr(cls, name, property(itemgetter(i), doc=f"The record's {name}."))

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def __reduce__(self) -> tuple:
        return (tuple.__new__, (type(self), tuple(self)))  # unpickled by C code alone

    def get(self, name: str, default: Any = None) -> Any:
        """The field ``name``, or ``default`` when there is no such field."""
        index = self._index.get(name)
        return default if index is None else tuple.__getitem__(self, index)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={v!r}' for n, v in zip(self._fields, self, strict=True))})"


class Tie(Record):
    """An agreement or partnership: what every edge between two of its parties carries."""

    __slots__ = ()
    _fields = ("id", "label", "relation", "kind", "kindLabel", "date", "year", "fields", "parties")


class Link(Record):
    """A link that is not a tie: containment, part of, head of, a program's or an event's role."""

    __slots__ = ()
    _fields = ("relation", "role", "subject", "object")


class Builder:
    """Collects entities, ties and links (in any order, duplicates allowed) and makes a :class:`Network`."""

    def __init__(self) -> None:
        self.classes: dict[str, list[str]] = {}
        self.tie_classes: dict[str, set[str]] = {}
        self.facts: list[tuple[str, str, str]] = []
        self.concept_labels: dict[str, str] = {}
        self._strings: dict[str, str] = {}  # one string object per IRI: less memory, a smaller persisted file

    def _one(self, text: str) -> str:
        return self._strings.setdefault(text, text)

    def add_class(self, node: str, cls: str) -> None:
        """``node`` is of class ``cls`` (an entity class or a tie class)."""
        node = self._one(node)
        if cls in TIE_CLASSES:
            self.tie_classes.setdefault(node, set()).add(TIE_CLASSES[cls])
        else:
            self.classes.setdefault(node, []).append(self._one(local_name(cls)))

    def add_fact(self, predicate: str, subject: str, obj: str) -> None:
        """A statement of one of the predicates of ``scan-facts.rq`` or ``scan-entrants.rq``."""
        self.facts.append((self._one(predicate), self._one(subject), self._one(obj)))

    def build(self, countries: bool = True) -> Network:
        """The network of what was added."""
        graph = nx.Graph()
        labels: dict[str, list[str]] = {}
        for node, classes in self.classes.items():
            data = {"label": None, "type": None, "group": None, "country": None, "iso": None}
            for name in classes:
                group = CLASS_GROUP.get(name)
                if group and (data["type"] is None or data["type"] in GENERIC_CLASSES):
                    data["type"], data["group"] = name, group
            graph.add_node(node, **data)
        ties: dict[str, dict[str, Any]] = {}  # the ties' fields while they are read
        tie_fields: dict[str, list[str]] = {}
        tie_parties: dict[str, list[str]] = {}
        for via, relations in self.tie_classes.items():
            ties[via] = {"label": None, "kind": None, "date": None}
            ties[via]["relation"] = "agreement" if "agreement" in relations else "partnership"
        links: dict[tuple[str, str, str], Link] = {}
        nodes = graph.nodes
        for predicate, s, o in self.facts:
            tie = ties.get(s)
            if tie is not None:
                if predicate == KP_NS + "party":
                    if o in graph and o not in tie_parties.setdefault(s, []):
                        tie_parties[s].append(o)
                elif predicate == RDFS_LABEL:
                    tie["label"] = tie["label"] or o
                elif predicate == KP_NS + "tieKind":
                    tie["kind"] = tie["kind"] or o
                elif predicate in (KP_NS + "signedDate", KP_NS + "validFrom"):
                    if tie["date"] is None or o < tie["date"]:
                        tie["date"] = o
                elif predicate == KP_NS + "field":
                    if o not in tie_fields.setdefault(s, []):
                        tie_fields[s].append(o)
                continue
            if s not in graph:
                continue
            data = nodes[s]
            if predicate == RDFS_LABEL:
                data["label"] = data["label"] or o
                names = labels.setdefault(s, [])
                if o not in names:
                    names.append(o)
            elif predicate in (SKOS + "altLabel", SKOS + "hiddenLabel"):
                names = labels.setdefault(s, [])
                if o not in names:
                    names.append(o)
            elif predicate == KP_NS + "country":
                data["country"] = data["country"] or o
            elif predicate == KP_NS + "isoCode":
                data["iso"] = data["iso"] or o
            elif predicate in (SCHEMA + "startDate", KP_NS + "validFrom", KP_NS + "signedDate"):
                if data.get("start") is None or o < data["start"]:
                    data["start"] = o
            elif predicate in (SCHEMA + "endDate", KP_NS + "validUntil"):
                if data.get("end") is None or o > data["end"]:
                    data["end"] = o
            elif predicate in LINK_ROLES and o in graph and o != s:
                role = LINK_ROLES[predicate]
                relation = ROLE_RELATION.get(role) or ("event" if data["group"] == "event" else "program")
                links.setdefault((role, s, o), Link(relation, role, s, o))
        self.facts = []
        self._strings = {}
        # Labels come first among a node's names (the display label), then the other spellings.
        for node, names in labels.items():
            label = nodes[node]["label"]
            if label in names and names[0] != label:
                names.remove(label)
                names.insert(0, label)

        edge_ties: dict[tuple[str, str], list[Tie]] = {}
        for via, fields in ties.items():
            parties = sorted(tie_parties.get(via, ()))
            if len(parties) < 2:
                continue
            kind, date = fields["kind"], fields["date"]
            tie = Tie(
                via,
                fields["label"],
                fields["relation"],
                kind,
                self.concept_labels.get(kind or ""),
                date,
                year_of(date),
                tuple(tie_fields.get(via, ())),
                tuple(parties),
            )
            for i, a in enumerate(parties):
                for b in parties[i + 1 :]:
                    edge_ties.setdefault((a, b), []).append(tie)
        edge_links: dict[tuple[str, str], list[Link]] = {}
        for link in links.values():
            a, b = sorted((link.subject, link.object))
            edge_links.setdefault((a, b), []).append(link)
        interned: dict[frozenset[str], frozenset[str]] = {}
        for pair in {*edge_ties, *edge_links}:
            on_ties = tuple(sorted(edge_ties.get(pair, ()), key=lambda t: t.id))
            on_links = tuple(edge_links.get(pair, ()))
            relations = frozenset({t.relation for t in on_ties} | {x.relation for x in on_links})
            relations = interned.setdefault(relations, relations)
            graph.add_edge(*pair, ties=on_ties, links=on_links, relations=relations, cost=hop_cost(relations))
        if countries:
            assign_countries(graph)
        return Network(graph, labels=labels, concept_labels=dict(self.concept_labels))


def build_network(kg: KnowledgeGraph, step: Callable[[str], None] | None = None) -> Network:
    """Build the projection of ``kg`` from the scans (see the module's documentation); ``step(name)`` after each
    (``concepts``, ``types``, ``facts``, ``entrants``, ``built``), for progress."""
    store = kg.store
    said = step or (lambda _name: None)
    builder = Builder()
    for concept, label in store.select_values(load_query("concepts")):
        builder.concept_labels.setdefault(concept, label)
    said("concepts")
    for node, cls in store.select_values(load_query("scan-types")):
        builder.add_class(node, cls)
    said("types")
    for predicate, s, o in store.select_values(load_query("scan-facts")):
        builder.add_fact(predicate, s, o)
    said("facts")
    for predicate, s, o in store.select_values(load_query("scan-entrants")):
        builder.add_fact(predicate, s, o)
    said("entrants")
    net = builder.build()
    said("built")
    return net


#: The relation names of the remote path finder's edge rows (``neighbours.rq``), as predicates.
_ROLE_PREDICATES = {role: predicate for predicate, role in LINK_ROLES.items()}


def assemble_network(
    node_rows: Iterable[tuple], concept_rows: Iterable[tuple], edge_rows: Iterable[tuple], countries: bool = True
) -> Network:
    """A :class:`Network` from the rows the remote path finder collects: entities ``(node, class, label, country,
    iso, other name)``, concepts ``(concept, label)`` and edges ``(a, b, relation, tie, tie class, tie label, kind,
    kind label, date, field)`` (the part of the graph it explored). ``countries``: give every entity without
    ``kp:country`` the one up its ``located-in`` chain (only right when the rows hold the chain)."""
    builder = Builder()
    for concept, label in concept_rows:
        builder.concept_labels.setdefault(concept, label)
    for node, cls, label, country, iso, alt in node_rows:
        builder.add_class(node, cls)
        for predicate, value in ((RDFS_LABEL, label), (KP_NS + "country", country), (KP_NS + "isoCode", iso)):
            if value:
                builder.add_fact(predicate, node, value)
        if alt:
            builder.add_fact(SKOS + "altLabel", node, alt)
    for a, b, rel, via, cls, label, kind, kind_label, date, fld in edge_rows:
        if rel != "tie":
            builder.add_fact(_ROLE_PREDICATES[rel], a, b)
            continue
        builder.add_class(via, KP_NS + local_name(cls or "Partnership"))
        for party in (a, b):
            builder.add_fact(KP_NS + "party", via, party)
        for predicate, value in (
            (RDFS_LABEL, label),
            (KP_NS + "tieKind", kind),
            (KP_NS + "signedDate", date),
            (KP_NS + "field", fld),
        ):
            if value:
                builder.add_fact(predicate, via, value)
        if kind and kind_label:
            builder.concept_labels.setdefault(kind, kind_label)
    return builder.build(countries)


def assign_countries(graph: nx.Graph) -> None:
    """Give every entity without ``kp:country`` the country above it on its ``located-in`` / ``part-of`` chain."""
    up: dict[str, list[str]] = {}
    for _, _, data in graph.edges(data=True):
        for link in data["links"]:
            if link.relation in ("located-in", "part-of"):
                up.setdefault(link.subject, []).append(link.object)
    for node, data in graph.nodes(data=True):
        if data.get("type") == "Country":
            data["country"] = node
    memo: dict[str, str | None] = {}

    def country_of(node: str) -> str | None:
        if node in memo:
            return memo[node]
        memo[node] = None  # cycle guard
        found = graph.nodes[node].get("country")
        if not found:
            queue = deque(sorted(up.get(node, [])))
            while queue and not found:
                found = country_of(queue.popleft())
        memo[node] = found
        return found

    for node in graph.nodes:
        graph.nodes[node]["country"] = country_of(node)
