"""Entities and their evidence as people read them: an entity's page (facts, ties, sources), its RDF, the
source documents, and the sources of the hops of a path.

These need the projection only for an entity's ties; everything else is a named query of the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .knowledge import KnowledgeGraph
from .namespaces import PREFIXES
from .network import Filters, Network, load_query, local_name, network, sparql_iri


def evidence(
    kg: KnowledgeGraph, iris: Iterable[str], select: Callable[[str], Iterable[tuple]] | None = None
) -> dict[str, list[dict[str, str | None]]]:
    """The sources of each IRI in one query: the quoted words (``kp:evidence``) with their document and its
    title, or, where a node has no quote, the source graphs that state it. ``select`` runs the query (default:
    the store's ``select_values``)."""
    select = select or kg.store.select_values
    iris = sorted(set(iris))
    out: dict[str, list[dict[str, str | None]]] = {iri: [] for iri in iris}
    for start in range(0, len(iris), 400):
        values = " ".join(sparql_iri(i) for i in iris[start : start + 400])
        text = load_query("evidence").replace("#VALUES#", f"VALUES ?x {{ {values} }}")
        seen = set()
        for x, quote, doc, title in select(text):
            key = (x, quote, doc)
            if key in seen:
                continue
            seen.add(key)
            out[x].append({"quote": quote, "source": doc, "title": title})
    for items in out.values():
        quoted = {i["source"] for i in items if i["quote"]}
        items[:] = sorted(
            (i for i in items if i["quote"] or i["source"] not in quoted),
            key=lambda i: (i["quote"] is None, i["source"] or "", i["quote"] or ""),
        )
    return out


def explain_paths(
    kg: KnowledgeGraph,
    net: Network,
    paths: list[list[str]],
    filters: Filters | None = None,
    select: Callable[[str], Iterable[tuple]] | None = None,
) -> list:
    """Paths as lists of hops, every tie with its sources (one evidence query for the whole answer)."""
    explained = [net.hops(p, filters) for p in paths]
    wanted = {t["id"] for hops in explained for h in hops for t in h["ties"]}
    wanted |= {x["subject"]["id"] for hops in explained for h in hops for x in h["links"]}
    found = evidence(kg, wanted, select) if wanted else {}
    for hops in explained:
        for hop in hops:
            for tie in hop["ties"]:
                tie["sources"] = found.get(tie["id"], [])
                tie["source"] = tie["sources"][0] if tie["sources"] else None
            for link in hop["links"]:
                link["sources"] = found.get(link["subject"]["id"], [])
    return explained


def describe(kg: KnowledgeGraph, iri: str) -> dict[str, Any] | None:
    """An entity's facts (grouped by property, each with the sources that state it), its ties with their
    sources, the entities that point at it, and its own quoted evidence; None when the store knows nothing
    of ``iri``."""
    term = sparql_iri(iri)
    facts: dict[str, dict[str, Any]] = {}
    any_row = False
    for p, o, kind, olabel, g in kg.store.select_values(load_query("facts").replace("$entity", term)):
        any_row = True
        fact = facts.setdefault(p, {"property": p, "label": _prop_label(p), "values": {}})
        value = fact["values"].setdefault(o, {"value": o, "iri": kind == "iri", "label": olabel, "sources": []})
        if olabel and not value["label"]:
            value["label"] = olabel
        if g and g not in value["sources"]:
            value["sources"].append(g)
    if not any_row:
        return None
    incoming: list[dict[str, Any]] = []
    for s, p, slabel in kg.store.select_values(load_query("incoming").replace("$entity", term)):
        incoming.append(
            {"subject": s, "label": slabel or local_name(s), "property": p, "propertyLabel": _prop_label(p)}
        )
    net = network(kg)
    ties = []
    if iri in net.graph:
        seen: dict[str, dict] = {}
        for nbr in net.graph[iri]:
            for tie in net.graph.edges[iri, nbr]["ties"]:
                if tie["id"] not in seen:
                    seen[tie["id"]] = net.tie_json(tie)
        ties = sorted(seen.values(), key=lambda t: (t.get("date") or "9999", t["label"]))
    titles = dict(kg.store.select_values(load_query("source-titles")))
    found = evidence(kg, [iri, *(t["id"] for t in ties)])
    for tie in ties:
        tie["sources"] = found.get(tie["id"], [])
    labels = [v for v in facts.get(str(PREFIXES["rdfs"]) + "label", {}).get("values", {})]
    types = [v for v in facts.get(str(PREFIXES["rdf"]) + "type", {}).get("values", {})]
    node = net.node_json(iri) if iri in net.graph else None
    fact_list = []
    for fact in facts.values():
        fact["values"] = list(fact["values"].values())
        for value in fact["values"]:
            value["sources"] = [{"id": g, "title": titles.get(g)} for g in value["sources"]]
        fact_list.append(fact)
    fact_list.sort(key=lambda f: (_prop_order(f["property"]), f["label"]))
    return {
        "id": iri,
        "label": (node or {}).get("label") or (labels[0] if labels else local_name(iri)),
        "types": types,
        "type": (node or {}).get("type") or (local_name(types[0]) if types else None),
        "group": (node or {}).get("group"),
        "country": (node or {}).get("country"),
        "facts": fact_list,
        "ties": ties,
        "incoming": sorted(incoming, key=lambda x: (x["propertyLabel"], x["label"])),
        "evidence": found.get(iri, []),
        "degree": net.graph.degree(iri) if iri in net.graph else 0,
    }


_PROP_ORDER = ("type", "label", "prefLabel", "altLabel", "hiddenLabel", "title")


def _prop_order(iri: str) -> int:
    name = local_name(iri)
    return _PROP_ORDER.index(name) if name in _PROP_ORDER else len(_PROP_ORDER)


def _prop_label(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def entity_rdf(kg: KnowledgeGraph, iri: str, fmt: str) -> bytes:
    """The entity's statements and its quotes' statements serialised by the engine (``turtle`` or ``jsonld``)."""
    graph = kg.store.construct(load_query("describe").replace("$entity", sparql_iri(iri)))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    if fmt == "jsonld":
        context = {p: ns for p, ns in PREFIXES.items() if any(ns in str(t) for triple in graph for t in triple)}
        return graph.serialize(format="json-ld", context=context, indent=1).encode("utf-8")
    return graph.serialize(format=fmt).encode("utf-8")


def sources(kg: KnowledgeGraph, per_source: int = 100) -> list[dict[str, Any]]:
    """Every source document (title, date, publisher, statement and quote counts) with up to ``per_source`` of
    its quotes, each with the things it supports."""
    docs: dict[str, dict[str, Any]] = {}
    for row in kg.run_named("sources").dicts():  # type: ignore[union-attr]
        doc = str(row["source"])
        docs[doc] = {
            "id": doc,
            "title": str(row.get("title") or local_name(doc)),
            "created": str(row["created"]) if row.get("created") else None,
            "publisher": str(row["publisher"]) if row.get("publisher") else None,
            "statements": int(row.get("statements") or 0),
            "quoteCount": int(row.get("quotes") or 0),
            "quotes": [],
        }
    quotes: dict[tuple[str, str], dict[str, Any]] = {}
    for doc, e, quote, x, xlabel in kg.store.select_values(load_query("source-quotes")):
        if doc not in docs:
            continue
        key = (doc, e)
        if key not in quotes:
            if len(docs[doc]["quotes"]) >= per_source:
                continue
            quotes[key] = {"id": e, "quote": quote, "supports": []}
            docs[doc]["quotes"].append(quotes[key])
        if x and all(s["id"] != x for s in quotes[key]["supports"]):
            quotes[key]["supports"].append({"id": x, "label": xlabel or local_name(x)})
    return list(docs.values())


def source_statements(kg: KnowledgeGraph, source: str) -> list[dict[str, Any]]:
    """The subjects a source document's graph speaks of (at most 500), with labels and statement counts."""
    text = load_query("source-statements").replace("$source", sparql_iri(source))
    return [
        {"id": s, "label": label or local_name(s), "statements": int(n)} for s, label, n in kg.store.select_values(text)
    ]
