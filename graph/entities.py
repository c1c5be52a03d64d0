"""Entities and their evidence as people read them: an entity's page (facts, ties, sources), its RDF, the
source documents, and the sources of the hops of a path.

These need the projection only for an entity's ties; everything else is a named query of the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rdflib import URIRef

from .knowledge import KnowledgeGraph
from .labels import load_query as labels_query
from .labels import table_row, term_labels, values_query
from .namespaces import PREFIXES, shorten
from .network import ID_NS, Filters, Network, load_query, local_name, network, sparql_iri


def evidence(
    kg: KnowledgeGraph, iris: Iterable[str], select: Callable[[str], Iterable[tuple]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The sources of each IRI in one query: the quoted words (``kp:evidence``) with their document and its
    title, or, where a node has no quote, the source graphs that state it. A quote that is a row of an imported
    table also has ``row`` (its number) and ``cells`` (``[{column, value}]``, named by the table's header).
    ``select`` runs the queries (default: the store's ``select_values``)."""
    select = select or kg.store.select_values
    iris = sorted(set(iris))
    out: dict[str, list[dict[str, Any]]] = {iri: [] for iri in iris}
    seen = set()
    row_docs: set[str] = set()
    for start in range(0, len(iris), 400):
        for x, quote, doc, title, row in select(values_query("evidence", "x", iris[start : start + 400])):
            if (x, quote, doc) in seen:
                continue
            seen.add((x, quote, doc))
            item: dict[str, Any] = {"quote": quote, "source": doc, "title": title}
            if quote and row and str(row).isdigit():
                item["row"] = int(row)
                row_docs.add(doc or "")
            out[x].append(item)
    pairs = [(doc, f"{ID_NS}evidence/{doc.rsplit('/', 1)[-1]}/row-1") for doc in sorted(row_docs)]  # as imported
    headers = dict(select(values_query("table-headers", "doc h", pairs))) if pairs else {}
    for items in out.values():
        quoted = {i["source"] for i in items if i["quote"]}
        items[:] = sorted(
            (i for i in items if i["quote"] or i["source"] not in quoted),
            key=lambda i: (i["quote"] is None, i["source"] or "", i.get("row", 0), i["quote"] or ""),
        )
        for item in items:
            if "row" in item:
                item["cells"] = table_row(item["quote"], headers.get(item["source"]))
    return out


def by_document(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sources as a page lists them, one per document: its title, every quote (``quotes``; ``quote`` is the
    first, None for table rows) and every table row it gives (``rows``: ``[{row, cells}]``)."""
    docs: dict[str, dict[str, Any]] = {}
    for item in items:
        doc = docs.setdefault(
            item["source"] or "", {"source": item["source"], "title": item["title"], "quotes": [], "rows": []}
        )
        doc["title"] = doc["title"] or item["title"]
        if "row" in item:
            doc["rows"].append({"row": item["row"], "cells": item["cells"]})
        elif item["quote"] and item["quote"] not in doc["quotes"]:
            doc["quotes"].append(item["quote"])
    for doc in docs.values():
        doc["quote"] = doc["quotes"][0] if doc["quotes"] else None
    return sorted(docs.values(), key=lambda d: (not (d["quotes"] or d["rows"]), d["title"] or "", d["source"] or ""))


def explain_paths(
    kg: KnowledgeGraph,
    net: Network,
    paths: list[list[str]],
    filters: Filters | None = None,
    select: Callable[[str], Iterable[tuple]] | None = None,
) -> list:
    """Paths as lists of hops, every tie with its sources per document as :func:`by_document` gives them (one
    evidence query for the whole answer)."""
    explained = [net.hops(p, filters) for p in paths]
    wanted = {t["id"] for hops in explained for h in hops for t in h["ties"]}
    wanted |= {x["subject"]["id"] for hops in explained for h in hops for x in h["links"]}
    found = evidence(kg, wanted, select) if wanted else {}
    for hops in explained:
        for hop in hops:
            for tie in hop["ties"]:
                tie["sources"] = by_document(found.get(tie["id"], []))
                tie["source"] = tie["sources"][0] if tie["sources"] else None
            for link in hop["links"]:
                link["sources"] = by_document(found.get(link["subject"]["id"], []))
    return explained


RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
KP_NS = PREFIXES["kp"]
#: Facts the summary shows (in this order): what the entity is tied to, where, when, of what kind, by whom.
SUMMARY_PROPERTIES = (
    KP_NS + "party",
    KP_NS + "tieKind",
    KP_NS + "signedDate",
    KP_NS + "validFrom",
    KP_NS + "validUntil",
    PREFIXES["schema"] + "startDate",
    PREFIXES["schema"] + "endDate",
    KP_NS + "locatedIn",
    KP_NS + "country",
    KP_NS + "location",
    KP_NS + "organizer",
    KP_NS + "funder",
    KP_NS + "beneficiary",
    KP_NS + "underAgreement",
    KP_NS + "field",
    PREFIXES["skos"] + "altLabel",
)
#: Shown elsewhere on the page: the type (as "what it is"), the name (the title) and the quotes (as sources).
NOT_FACTS = (RDF_TYPE, KP_NS + "evidence")


def describe(kg: KnowledgeGraph, iri: str) -> dict[str, Any] | None:
    """An entity for people; None when the store knows nothing of ``iri``.

    ``label``, ``typeLabel`` (what it is, in the ontology's words), ``summary`` (``facts``: where, when, with
    whom, of what kind; ``partners``: who it is tied to with since when and how many ties; ``sources``: the
    documents that speak of it), ``ties`` (each with its ``sources`` per document), ``facts`` (the rest: each
    ``{property, curie, label, values}``, every value once with all the documents that state it, each document
    numbered ``n`` as in the summary's list),
    ``evidence`` (its own quotes and table rows, per document) and ``incoming`` (what points at it)."""
    term = sparql_iri(iri)
    facts: dict[str, dict[str, Any]] = {}
    for p, o, kind, olabel, g in kg.store.select_values(load_query("facts").replace("$entity", term)):
        fact = facts.setdefault(p, {"property": p, "curie": shorten(p), "values": {}})
        value = fact["values"].setdefault(o, {"value": o, "iri": kind == "iri", "label": olabel, "sources": []})
        if olabel and not value["label"]:
            value["label"] = olabel
        if g and g not in value["sources"]:
            value["sources"].append(g)
    if not facts:
        return None
    incoming = [
        {"subject": s, "label": slabel or local_name(s), "property": p}
        for s, p, slabel in kg.store.select_values(labels_query("incoming"), {"entity": URIRef(iri)})
    ]
    net = network(kg)
    ties = _ties(net, iri)
    types = list(facts.get(RDF_TYPE, {}).get("values", {}))
    words = term_labels(kg, [*facts, *types, *(i["property"] for i in incoming)])
    titles = dict(kg.store.select_values(load_query("source-titles")))
    found = evidence(kg, [iri, *(t["id"] for t in ties)])
    for tie in ties:
        tie["sources"] = by_document(found.get(tie["id"], []))
    for item in incoming:
        item["propertyLabel"] = words[item["property"]]
    documents: dict[str, str | None] = {}
    for fact in facts.values():
        fact["label"] = words[fact["property"]]
        fact["values"] = list(fact["values"].values())
        for value in fact["values"]:
            value["sources"] = [{"id": g, "title": titles.get(g)} for g in value["sources"]]
            documents.update((s["id"], s["title"]) for s in value["sources"])
    cited = sorted(documents.items(), key=lambda d: (d[1] or d[0]).lower())
    number = {doc: n for n, (doc, _) in enumerate(cited, start=1)}
    for fact in facts.values():
        for value in fact["values"]:
            for source in value["sources"]:
                source["n"] = number[source["id"]]
    labels = [v["value"] for v in facts.get(RDFS_LABEL, {}).get("values", [])]
    node = net.node_json(iri) if iri in net.graph else {}
    summary_facts = [facts[p] for p in SUMMARY_PROPERTIES if p in facts]
    rest = [f for p, f in facts.items() if p not in SUMMARY_PROPERTIES and p not in NOT_FACTS]
    rest = [f for f in rest if not (f["property"] == RDFS_LABEL and len(f["values"]) == 1)]
    rest.sort(key=lambda f: f["label"])
    type_label = ", ".join(words[t] for t in types if t.startswith(KP_NS)) or ", ".join(words[t] for t in types)
    return {
        "id": iri,
        "label": node.get("label") or (labels[0] if labels else local_name(iri)),
        "types": types,
        "type": node.get("type") or (local_name(types[0]) if types else None),
        "typeLabel": type_label or None,
        "group": node.get("group"),
        "country": node.get("country"),
        "summary": {
            "facts": summary_facts,
            "partners": _partners(ties, iri),
            "sources": [{"id": d, "title": t, "n": number[d]} for d, t in cited],
        },
        "facts": rest,
        "ties": ties,
        "incoming": sorted(incoming, key=lambda x: (x["propertyLabel"], x["label"])),
        "evidence": by_document(found.get(iri, [])),
        "degree": net.graph.degree(iri) if iri in net.graph else 0,
    }


def _ties(net: Network, iri: str) -> list[dict[str, Any]]:
    """The entity's ties (each once), oldest first, undated last."""
    if iri not in net.graph:
        return []
    seen: dict[str, dict] = {}
    for nbr in net.graph[iri]:
        for tie in net.graph.edges[iri, nbr]["ties"]:
            if tie["id"] not in seen:
                seen[tie["id"]] = net.tie_json(tie)
    return sorted(seen.values(), key=lambda t: (t.get("date") or "9999", t["label"]))


def _partners(ties: list[dict[str, Any]], iri: str) -> list[dict[str, Any]]:
    """Who the entity is tied to: each partner with its earliest dated tie (``since``) and its number of ties."""
    partners: dict[str, dict[str, Any]] = {}
    for tie in ties:
        for party in tie.get("parties", []):
            if party["id"] == iri:
                continue
            entry = partners.setdefault(party["id"], {**party, "since": None, "ties": 0})
            entry["ties"] += 1
            if tie.get("date") and (entry["since"] is None or tie["date"] < entry["since"]):
                entry["since"] = tie["date"]
    return sorted(partners.values(), key=lambda p: (p["since"] or "9999", p["label"]))


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
    its quotes, each with the things it supports (a table's rows with ``row`` and ``cells``)."""
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
    limit = max(int(per_source), 0) + 1  # one more: a table's header row (row 1) is not listed
    for doc, entry in docs.items():
        rows = kg.store.select_values(labels_query("document-quotes") + f"LIMIT {limit}\n", {"doc": URIRef(doc)})
        items = [
            {"id": e, "quote": quote, **({"row": int(row)} if row and row.isdigit() else {}), "supports": []}
            for e, quote, row in rows
        ]
        items = [i for i in items if i.get("row") != 1][:per_source]
        items.sort(key=lambda i: (i.get("row", 0), i["quote"] or ""))
        if any("row" in i for i in items):
            header = f"{ID_NS}evidence/{doc.rsplit('/', 1)[-1]}/row-1"
            found = dict(kg.store.select_values(values_query("table-headers", "doc h", [(doc, header)])))
            for item in (i for i in items if "row" in i):
                item["cells"] = table_row(item["quote"], found.get(doc))
        entry["quotes"] = items
    by_id = {i["id"]: i for entry in docs.values() for i in entry["quotes"]}
    ids = sorted(by_id)
    for start in range(0, len(ids), 400):
        for e, x, xlabel in kg.store.select_values(values_query("supports", "e", ids[start : start + 400])):
            if x and all(s["id"] != x for s in by_id[e]["supports"]):
                by_id[e]["supports"].append({"id": x, "label": xlabel or local_name(x)})
    return list(docs.values())


def source_statements(kg: KnowledgeGraph, source: str) -> list[dict[str, Any]]:
    """The entities a source document's graph describes (at most 500; its quotes left out), with labels and
    statement counts, by name."""
    rows = kg.store.select_values(labels_query("source-statements"), {"source": URIRef(source)})
    found = [{"id": s, "label": label or local_name(s), "statements": int(n)} for s, label, n in rows]
    return sorted(found, key=lambda s: (s["label"].lower(), s["id"]))
