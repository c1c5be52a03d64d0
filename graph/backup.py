"""Backups and dataset-level exports: one N-Quads file of every named graph with a manifest (counts and a checksum),
an atomic restore, the ties as CSV, and the network of parties as GraphML or GEXF (for Gephi)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from .knowledge import KnowledgeGraph
from .namespaces import KP
from .queries import query_text
from .store import DataSyntaxError, StoreError, parse_rdf

MANIFEST_SUFFIX = ".manifest.json"


def manifest_path(path: Path) -> Path:
    """Where the manifest of a backup file lives (next to it)."""
    return path.with_name(path.name + MANIFEST_SUFFIX)


def _counts(quads: list[ox.Quad]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for q in quads:
        key = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def backup(kg: KnowledgeGraph, path: str | Path) -> dict:
    """Write every quad of every graph (the change log included) to ``path`` as N-Quads, and the manifest next to it.

    The data file is written to a temporary name and renamed, so a crash never leaves half a backup.
    """
    path = Path(path)
    body = kg.store.dump("nquads")
    quads = parse_rdf(body, "nquads")
    manifest = {
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "store": kg.store.url,
        "format": "nquads",
        "file": path.name,
        "quads": len(quads),
        "graphs": _counts(quads),
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    for target, data in ((path, body), (manifest_path(path), json.dumps(manifest, indent=1).encode())):
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return manifest


def read_backup(path: str | Path) -> tuple[list[ox.Quad], dict | None]:
    """Parse a backup and check it against its manifest (when there is one): checksum and counts per graph."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such backup file")
    body = path.read_bytes()
    manifest = None
    if manifest_path(path).is_file():
        manifest = json.loads(manifest_path(path).read_text("utf-8"))
        if hashlib.sha256(body).hexdigest() != manifest.get("sha256"):
            raise StoreError(f"{path}: the checksum does not match the manifest: the file is damaged or was edited")
    fmt = "trig" if path.suffix == ".trig" else "nquads"
    try:
        quads = parse_rdf(body, fmt)
    except DataSyntaxError as error:
        raise DataSyntaxError(f"{path}: {error}") from None
    if manifest is not None and _counts(quads) != manifest.get("graphs"):
        raise StoreError(f"{path}: the statements per graph differ from the manifest")
    return quads, manifest


def restore(kg: KnowledgeGraph, path: str | Path) -> dict:
    """Replace the whole content of the store by a backup: every graph dropped and the backup written in one write
    (one transaction on the embedded engine; in checked chunks, undone on failure, where a remote engine needs them)."""
    quads, manifest = read_backup(path)
    kg.store.write(quads, drop_graphs=kg.store.graphs())
    kg.store.flush()
    return manifest or {"quads": len(quads), "graphs": _counts(quads)}


# -- ties: CSV and the network of parties -----------------------------------------------------------------


def ties(kg: KnowledgeGraph) -> list[dict[str, str]]:
    """One row per tie: id, label, type, kind, date, field, its parties and the sources that state it."""
    info: dict[str, dict[str, str]] = {}
    for tie, cls, label, kind, kind_label, date, fld in kg.store.select_values(query_text("backup/ties")):
        row = info.setdefault(tie, {"id": tie, "label": "", "type": "", "kind": "", "date": "", "field": ""})
        for key, value in (
            ("type", (cls or "").removeprefix(str(KP))),
            ("label", label),
            ("kind", kind_label or kind),
            ("date", date),
            ("field", fld),
        ):
            if value and not row[key]:
                row[key] = value
    parties: dict[str, dict[str, str]] = {}
    for tie, party, label in kg.store.select_values(query_text("backup/tie-parties")):
        parties.setdefault(tie, {})[party] = label or party
    sources: dict[str, dict[str, str]] = {}
    for tie, graph, title in kg.store.select_values(query_text("backup/tie-sources")):
        sources.setdefault(tie, {})[graph] = title or graph
    out = []
    for tie, row in sorted(info.items()):
        ps, ss = parties.get(tie, {}), sources.get(tie, {})
        out.append(
            {
                **row,
                "parties": " | ".join(ps.values()),
                "party_ids": " ".join(ps),
                "sources": " | ".join(ss.values()),
                "source_ids": " ".join(ss),
            }
        )
    return out


CSV_COLUMNS = ["id", "label", "type", "kind", "date", "field", "parties", "party_ids", "sources", "source_ids"]


def ties_csv(kg: KnowledgeGraph) -> bytes:
    """The ties as CSV (UTF-8, a header row, one row per tie)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(ties(kg))
    return buffer.getvalue().encode("utf-8")


def ties_network(kg: KnowledgeGraph) -> nx.Graph:
    """The network of parties: a node per party (label, type), an edge per pair of parties of a tie
    (``weight`` = number of ties, ``ties`` and ``labels`` list them), built from one query of the edges."""
    graph = nx.Graph()
    rows = kg.store.select_values(query_text("backup/tie-network"))
    seen: set[tuple[str, str, str]] = set()
    for tie, tie_label, a, a_label, a_type, b, b_label, b_type in rows:
        for node, label, cls in ((a, a_label, a_type), (b, b_label, b_type)):
            if node not in graph:
                graph.add_node(node, label=label or node, type=(cls or "").removeprefix(str(KP)))
        if (tie, a, b) in seen:
            continue
        seen.add((tie, a, b))
        if graph.has_edge(a, b):
            edge = graph.edges[a, b]
            edge["weight"] += 1
            edge["ties"] += " " + tie
            edge["labels"] += " | " + (tie_label or tie)
        else:
            graph.add_edge(a, b, weight=1, ties=tie, labels=tie_label or tie)
    return graph


def network_bytes(kg: KnowledgeGraph, fmt: str) -> bytes:
    """The network of parties as GraphML or GEXF."""
    graph = ties_network(kg)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buffer)
    elif fmt == "gexf":
        nx.write_gexf(graph, buffer)
    else:
        raise StoreError(f"unknown network format {fmt!r} (graphml or gexf)")
    return buffer.getvalue()
