"""What part of the network to look at: :class:`Filters` and the filtered view of a projection's graph."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx

from .algorithms import hop_cost
from .base import CLASS_GROUP, GROUPS, RELATIONS, TIE_RELATIONS, NetworkError, local_name, year_of


@dataclass(frozen=True)
class Filters:
    """What part of the network to look at: groups of entity, relation categories, tie kinds, countries,
    fields of cooperation and a year range. Empty means everything.

    Ties are kept when their kind, field and year fit; an edge is kept while it keeps a tie or a link.
    A country keeps the entities of that country and whoever they are tied to. A year range drops ties
    without a date.

    >>> Filters.from_params({"only": "tie", "from_year": "2001"}).relations
    frozenset({'tie'})
    """

    groups: frozenset[str] = frozenset()
    relations: frozenset[str] = frozenset()
    avoid_relations: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    year_from: int | None = None
    year_to: int | None = None
    avoid_groups: frozenset[str] = frozenset()

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Filters:
        """Read filters from query parameters (comma-separated lists): ``type``, ``only`` (or ``relation``),
        ``avoid``, ``kind``, ``country``, ``field``, ``from_year``, ``to_year``, ``avoid_type``."""

        def many(*names: str) -> frozenset[str]:
            values: set[str] = set()
            for name in names:
                raw = params.get(name)
                items = raw if isinstance(raw, list | tuple) else [raw]
                for item in items:
                    values.update(v.strip() for v in str(item or "").split(",") if v.strip())
            return frozenset(values)

        def year(name: str) -> int | None:
            raw = str(params.get(name) or "").strip()
            if not raw:
                return None
            if not re.fullmatch(r"-?\d{1,4}", raw):
                raise NetworkError(f"{name}: {raw!r} is not a year")
            return int(raw)

        filters = cls(
            groups=many("type"),
            relations=many("only", "relation"),
            avoid_relations=many("avoid"),
            kinds=many("kind"),
            countries=many("country"),
            fields=many("field"),
            year_from=year("from_year"),
            year_to=year("to_year"),
            avoid_groups=many("avoid_type"),
        )
        filters.check()
        return filters

    def check(self) -> None:
        """Refuse unknown groups and relation categories, naming the known ones."""
        for name, values, known in (
            ("type", self.groups | self.avoid_groups, set(GROUPS) | set(CLASS_GROUP)),
            ("relation", self.relations | self.avoid_relations, set(RELATIONS) | {"tie"}),
        ):
            unknown = sorted(set(values) - known)
            if unknown:
                raise NetworkError(f"unknown {name} {', '.join(unknown)} (known: {', '.join(sorted(known))})")

    @property
    def empty(self) -> bool:
        """True when nothing is filtered out."""
        return self == Filters()

    @property
    def key(self) -> tuple:
        """A hashable key of these filters (for caches)."""
        return filters_key(self)

    def _rel_ok(self, relation: str) -> bool:
        expanded = {relation, "tie"} if relation in TIE_RELATIONS else {relation}
        if self.relations and not (expanded & self.relations):
            return False
        return not (expanded & self.avoid_relations)

    def tie_ok(self, tie: Any) -> bool:
        """Whether one tie on an edge passes."""
        if not self._rel_ok(tie["relation"]):
            return False
        if self.kinds and not ({tie.get("kind"), local_name(tie.get("kind") or "")} & self.kinds):
            return False
        if self.fields and not ({*tie["fields"], *map(local_name, tie["fields"])} & self.fields):
            return False
        if self.year_from is not None or self.year_to is not None:
            year = tie.get("year")
            if year is None:
                return False
            if self.year_from is not None and year < self.year_from:
                return False
            if self.year_to is not None and year > self.year_to:
                return False
        return True

    def link_ok(self, link: Any) -> bool:
        """Whether one non-tie link passes (links have no kind, field or date)."""
        if self.kinds or self.fields:
            return False
        return self._rel_ok(link["relation"])

    @property
    def years(self) -> bool:
        """Whether a year range is asked for."""
        return self.year_from is not None or self.year_to is not None

    def node_ok(self, data: dict[str, Any]) -> bool:
        """Whether an entity passes the type filters and, for programs, courses and events, the year range
        (by their start and end dates; undated ones are left out of a year range, as undated ties are)."""
        names = {data.get("group"), data.get("type")}
        if self.groups and not (names & self.groups):
            return False
        if names & self.avoid_groups:
            return False
        if self.years and data.get("group") in DATED_GROUPS:
            first, last = node_years(data)
            if first is None or last is None:
                return False
            if self.year_from is not None and last < self.year_from:
                return False
            if self.year_to is not None and first > self.year_to:
                return False
        return True

    def without(self, name: str) -> Filters:
        """These filters less one (``years`` drops both ends of the year range)."""
        if name == "years":
            return replace(self, year_from=None, year_to=None)
        return replace(self, **{name: frozenset()})

    def active(self) -> list[str]:
        """The names of the filters set (``years`` for the year range)."""
        names = [f for f in _LIST_FILTERS if getattr(self, f)]
        return names + (["years"] if self.years else [])


#: Entity groups that have dates of their own (a program's, course's or event's start and end).
DATED_GROUPS = frozenset({"program", "course", "event"})
_LIST_FILTERS = ("groups", "avoid_groups", "relations", "avoid_relations", "kinds", "fields", "countries")
#: The query parameter of each filter, as the API names it.
PARAMETERS = {
    "groups": "type",
    "avoid_groups": "avoid_type",
    "relations": "only",
    "avoid_relations": "avoid",
    "kinds": "kind",
    "fields": "field",
    "countries": "country",
    "years": "from_year/to_year",
}


def node_years(data: dict[str, Any]) -> tuple[int | None, int | None]:
    """The first and last year of a dated entity (from its start and end dates; one stands for both)."""
    first, last = year_of(data.get("start")), year_of(data.get("end"))
    return (first if first is not None else last), (last if last is not None else first)


def filters_key(filters: Filters) -> tuple:
    """A hashable key of ``filters``."""
    return tuple(tuple(sorted(v)) if isinstance(v, frozenset) else v for v in filters.__dict__.values())


def relations_of(ties: Any, links: Any) -> frozenset[str]:
    """The relation categories of some ties and links."""
    return frozenset({t["relation"] for t in ties} | {x["relation"] for x in links})


def _iso(graph: nx.Graph, country: str | None) -> str | None:
    if not country or country not in graph:
        return None
    return graph.nodes[country].get("iso")


def _country_ok(graph: nx.Graph, node: str, countries: frozenset[str]) -> bool:
    country = graph.nodes[node].get("country")
    return bool({country, _iso(graph, country)} & countries)


def filtered_view(graph: nx.Graph, filters: Filters) -> nx.Graph:
    """``graph`` seen through ``filters``: a new graph whose edges keep only the ties and links that pass.

    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", ties=(), links=({"relation": "located-in", "role": "located-in"},))
    >>> filtered_view(g, Filters.from_params({"avoid": "located-in"})).number_of_edges()
    0
    """
    view = nx.Graph()
    keep_nodes = {n for n, d in graph.nodes(data=True) if filters.node_ok(d)}
    for a, b, data in graph.edges(data=True):
        if a not in keep_nodes or b not in keep_nodes:
            continue
        ties = tuple(t for t in data["ties"] if filters.tie_ok(t))
        links = tuple(link for link in data["links"] if filters.link_ok(link))
        if not ties and not links:
            continue
        if filters.countries and not (
            _country_ok(graph, a, filters.countries) or _country_ok(graph, b, filters.countries)
        ):
            continue
        relations = relations_of(ties, links)
        view.add_edge(a, b, ties=ties, links=links, relations=relations, cost=hop_cost(relations))
    if not filters.countries:
        view.add_nodes_from(keep_nodes)
    else:
        view.add_nodes_from(n for n in keep_nodes if _country_ok(graph, n, filters.countries))
    for n in view.nodes:
        view.nodes[n].update(graph.nodes[n])
    return view


def with_ends(view: nx.Graph, graph: nx.Graph, filters: Filters, ends: list[str]) -> nx.Graph:
    """``view`` with the entities ``ends`` put back when the filters hid them, each with the edges of
    ``graph`` whose ties or links pass (the ends of a path are kept whatever their type or country)."""
    missing = [n for n in ends if n in graph and n not in view]
    if not missing:
        return view
    view = view.copy()
    for node in missing:
        view.add_node(node, **graph.nodes[node])
        for nbr in graph[node]:
            if nbr in view:
                data = graph.edges[node, nbr]
                ties = tuple(t for t in data["ties"] if filters.tie_ok(t))
                links = tuple(x for x in data["links"] if filters.link_ok(x))
                if ties or links:
                    relations = relations_of(ties, links)
                    view.add_edge(node, nbr, ties=ties, links=links, relations=relations, cost=hop_cost(relations))
    return view


def undated(graph: nx.Graph, filters: Filters) -> dict[str, int]:
    """What a year range leaves out for want of a date: ties (that pass the other filters) and programs,
    courses and events without a start or end date."""
    if not filters.years:
        return {"ties": 0, "entities": 0}
    rest = filters.without("years")
    ties = {
        t["id"] for _, _, d in graph.edges(data=True) for t in d["ties"] if t.get("year") is None and rest.tie_ok(t)
    }
    entities = sum(
        1
        for _, d in graph.nodes(data=True)
        if d.get("group") in DATED_GROUPS and None in node_years(d) and rest.node_ok(d)
    )
    return {"ties": len(ties), "entities": entities}
