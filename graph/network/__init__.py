"""Who connects to whom: one networkx projection of the knowledge graph, and what can be asked of it.

The projection's nodes are regions, organisations, people, programs, courses and events; its edges are
undirected and each remembers why it exists:

- ``ties``: the agreements and partnerships both ends are parties of (an n-party tie gives an edge between each
  pair), each with its IRI, label, kind, date and fields;
- ``links``: the other relations (``located-in``, ``part-of``, ``head-of``, a program's ``organizer`` /
  ``funder`` / ``beneficiary`` / ``participant-origin``, an event's ``organizer`` / ``finalist`` / ``winner``);
- ``relations``: the set of relation categories on the edge (``agreement``, ``partnership``, ``located-in``,
  ``part-of``, ``head-of``, ``program``, ``event``), which paths and filters can include or avoid;
- ``cost``: what the hop weighs when paths are ranked by meaning (ties before containment).

The package, by responsibility:

- :mod:`.base`: the vocabulary (groups, relations, measures), limits, errors, helpers;
- :mod:`.projection`: building the projection from the store, keeping it (in memory, on disk, refreshed);
- :mod:`.filters`: :class:`Filters` and the filtered view;
- :mod:`.algorithms`: paths, partners, measures as plain functions over a networkx graph;
- :mod:`.views`: entities, ties, hops and edges as JSON, the overview, layout and facets;
- :mod:`.names`: search and resolve by name (delegated to ``graph.search`` where that exists);
- :mod:`.measures`: measures computed in the background with their progress;
- :mod:`.model`: :class:`Network`, the object that ties these together.

>>> from graph import KnowledgeGraph
>>> kg = KnowledgeGraph.open("memory:", load_shipped=False)
>>> net = network(kg)
>>> net.graph.number_of_nodes()
0
"""

from __future__ import annotations

from .algorithms import RELATION_COST
from .base import (
    BETWEENNESS_SAMPLES,
    BETWEENNESS_WORK,
    CLASS_GROUP,
    DEFAULT_EGO_LIMIT,
    EXACT_BETWEENNESS_MAX_NODES,
    GROUPS,
    ID_NS,
    LOUVAIN_MAX_EDGES,
    MAX_HOPS,
    MAX_PATHS,
    MAX_TIES,
    MEASURES,
    NEIGHBOURHOOD_MAX_TIES,
    OVERVIEW_MAX_TIES,
    RELATIONS,
    SEED,
    TIE_RELATIONS,
    AmbiguousName,
    EntityNotFound,
    NetworkError,
    literal_query,
    load_query,
    local_name,
    node_pairs,
    sparql_iri,
    values_query,
    year_of,
)
from .build import Link, Tie, assemble_network, build_network
from .filters import Filters
from .model import Network
from .names import normalize
from .projection import Projection, network, projection_of, store_version
from .views import tie_sort

__all__ = [
    "BETWEENNESS_SAMPLES",
    "BETWEENNESS_WORK",
    "CLASS_GROUP",
    "DEFAULT_EGO_LIMIT",
    "EXACT_BETWEENNESS_MAX_NODES",
    "GROUPS",
    "ID_NS",
    "LOUVAIN_MAX_EDGES",
    "MAX_HOPS",
    "MAX_PATHS",
    "MAX_TIES",
    "MEASURES",
    "NEIGHBOURHOOD_MAX_TIES",
    "OVERVIEW_MAX_TIES",
    "RELATIONS",
    "RELATION_COST",
    "SEED",
    "TIE_RELATIONS",
    "AmbiguousName",
    "EntityNotFound",
    "Filters",
    "Link",
    "Network",
    "NetworkError",
    "Projection",
    "Tie",
    "assemble_network",
    "build_network",
    "load_query",
    "literal_query",
    "local_name",
    "network",
    "node_pairs",
    "normalize",
    "projection_of",
    "sparql_iri",
    "store_version",
    "tie_sort",
    "values_query",
    "year_of",
]
