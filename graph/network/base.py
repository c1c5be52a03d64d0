"""The vocabulary of the network: entity groups, relation categories, measures, limits, errors and small helpers."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path
from typing import Any

from ..namespaces import BASE, KP
from ..store import StoreError

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries" / "network"
KP_NS = str(KP)
ID_NS = BASE + "id/"

#: Entity classes (local names under ``kp:``) by the group that sets their colour and shape in the explorer.
GROUPS: dict[str, tuple[str, ...]] = {
    "region": (
        "Region",
        "Country",
        "Province",
        "MetropolitanCity",
        "City",
        "County",
        "District",
        "EconomicZone",
    ),
    "organization": (
        "Organization",
        "University",
        "College",
        "Hospital",
        "Agency",
        "Association",
        "Foundation",
        "Company",
        "GovernmentDepartment",
    ),
    "program": ("Program", "TrainingProgram", "AidProject", "MedicalAidProject", "ExchangeProgram", "Plan"),
    "course": ("TrainingCourse",),
    "event": ("Event", "Contest", "Ceremony", "Summit", "Conference", "Meeting"),
    "person": ("Person",),
}
CLASS_GROUP: dict[str, str] = {name: group for group, names in GROUPS.items() for name in names}
GENERIC_CLASSES = frozenset({"Region", "Organization", "Program", "Event"})

#: Relation categories of an edge, with the words the UI uses for them.
RELATIONS: dict[str, str] = {
    "agreement": "agreement (a signed instrument: sisterhood, MOU, ...)",
    "partnership": "partnership (a standing relation, e.g. twin cities)",
    "located-in": "located in (containment of places and organisations)",
    "part-of": "part of (unit or sub-organisation; a course in its program)",
    "head-of": "head of (a person heading an organisation)",
    "program": "program link (organiser, funder, beneficiary, sponsor, where participants come from, where it "
    "takes place, what it supports, cases it shares, what halted it)",
    "event": "event link (organiser, finalist, winner, attendee, where it happened, who did it)",
}
TIE_RELATIONS = frozenset({"agreement", "partnership"})
ROLE_RELATION = {
    "located-in": "located-in",
    "part-of": "part-of",
    "unit-of": "part-of",
    "sub-organization-of": "part-of",
    "head-of": "head-of",
}

#: Relations that say where an entity is or what it belongs to (containment, membership, leadership): they link
#: entities but make no partners, so the partner counts (degree) and "best connected" leave them out.
STRUCTURAL_RELATIONS = frozenset(ROLE_RELATION.values())

#: Published measures the rankings compute, with what they mean (shown in the UI and the API).
MEASURES: dict[str, dict[str, str]] = {
    "degree": {
        "label": "Partners (degree)",
        "explanation": "How many distinct entities this one is directly tied to by a tie, a shared program or "
        "event (where it is located and what it belongs to are not counted).",
        "reference": "Freeman, L. C. (1978). Centrality in social networks: conceptual clarification. "
        "Social Networks 1(3), 215-239.",
    },
    "ties": {
        "label": "Ties (weighted degree)",
        "explanation": "How many ties and links this entity has in all (two agreements with one partner count twice).",
        "reference": "Barrat, A. et al. (2004). The architecture of complex weighted networks. PNAS 101(11).",
    },
    "betweenness": {
        "label": "Broker (betweenness)",
        "explanation": "The share of shortest paths between other entities that pass through this one: high "
        "for brokers that connect otherwise separate groups. Estimated from a sample of sources on big graphs.",
        "reference": "Brandes, U. (2001). A faster algorithm for betweenness centrality. J. Math. Sociol. 25(2); "
        "Brandes, U. and Pich, C. (2007). Centrality estimation in large networks.",
    },
}

MAX_PATHS = 10
MAX_HOPS = 12
DEFAULT_EGO_LIMIT = 200
#: The ties and links (summed over its edges) a neighbourhood answer carries at most by default, and the overview:
#: at 1M agreements the 200 best-connected partners of the hub had 14,336 ties among them (1.7 MB of JSON) and the
#: overview's 2,000 entities 28 MB. What is left out is counted and said (see :func:`.views.budgeted_edges`).
NEIGHBOURHOOD_MAX_TIES = 1_000
OVERVIEW_MAX_TIES = 4_000
#: The most ties and links one answer may be asked to carry.
MAX_TIES = 50_000
EXACT_BETWEENNESS_MAX_NODES = 1500
BETWEENNESS_SAMPLES = 300
#: The work a sampled betweenness may do, in visits of an entity or an edge (:func:`.algorithms.betweenness_samples`):
#: about 1.5 µs each on the benchmark's machine, so some 2.5 minutes of CPU whatever the size: 30 sources at 1M
#: agreements (417,033 entities, 1,415,735 edges), the full 300 while entities + 2 × edges stay under 333,333.
BETWEENNESS_WORK = 100_000_000
SEED = 42
LOUVAIN_MAX_EDGES = 20_000


class NetworkError(StoreError):
    """A question about the network cannot be answered as asked; the message is meant for people."""

    status = 400


class EntityNotFound(NetworkError):
    """No entity has this IRI or name."""

    status = 404

    def __init__(self, message: str, suggestions: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


class AmbiguousName(NetworkError):
    """A name matches more than one entity; ``candidates`` lists them."""

    status = 409

    def __init__(self, message: str, candidates: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.candidates = candidates


def load_query(name: str) -> str:
    """The text of ``graph/queries/network/<name>.rq`` (internal queries, kept out of the named-query list)."""
    return (QUERY_DIR / f"{name}.rq").read_text("utf-8")


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> local_name("https://partnergraph.org/ontology#Province")
    'Province'
    """
    iri = iri.rstrip("/")
    return iri[max(iri.rfind("#"), iri.rfind("/")) + 1 :]


def year_of(date: str | None) -> int | None:
    """The year of an ``xsd:date``, ``gYearMonth`` or ``gYear`` lexical form.

    >>> year_of("2001-04"), year_of(None)
    (2001, None)
    """
    if not date:
        return None
    match = re.match(r"^(-?\d{4})", date)
    return int(match.group(1)) if match else None


def values_query(name: str, var: str, iris: list[str]) -> str:
    """The query ``name`` with a ``VALUES ?var { ... }`` row of checked IRIs at its ``#VALUES#`` line.

    >>> "VALUES ?x { <http://a> }" in values_query("neighbours", "x", ["http://a"])
    True
    """
    return load_query(name).replace("#VALUES#", f"VALUES ?{var} {{ {' '.join(sparql_iri(i) for i in iris)} }}")


def literal_query(name: str, var: str, text: str) -> str:
    """The query ``name`` with ``$var`` bound to the string literal ``text`` (escaped)."""
    literal = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
    return load_query(name).replace("$" + var, literal)


def sparql_iri(iri: str) -> str:
    """An IRI written for SPARQL (``<...>``), refused when it holds characters an IRI cannot."""
    if re.search(r'[\s<>"{}|^`\\]', iri):
        raise NetworkError(f"{iri!r} is not an IRI")
    return f"<{iri}>"


def node_pairs(parties: list[str]) -> list[tuple[str, str]]:
    """Every unordered pair of an n-party tie's parties, as edges are made of them.

    >>> node_pairs(["a", "b", "c"])
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    """
    return list(combinations(sorted(parties), 2))
