"""A view of the network as a file: GraphML and GEXF (for Gephi), or one standalone HTML page that works offline.

The HTML page inlines the vendored sigma/graphology bundle and the view's data as JSON (with ``<``, ``>`` and
``&`` escaped, so no text of the data can close the script or become markup); its script shows every text with
``textContent``. Nothing in it is fetched from anywhere.

>>> import networkx as nx
>>> from graph.network import Network
>>> g = nx.Graph(); g.add_node("a", label="A"); g.add_node("b", label="B")
>>> link = {"relation": "located-in", "role": "located-in", "subject": "a", "object": "b"}
>>> g.add_edge("a", "b", ties=[], links=[link], relations={"located-in"})
>>> body, media, suffix = export_view(Network(g), ["a", "b"], "graphml")
>>> media, suffix, b"<graphml" in body
('application/graphml+xml', '.graphml', True)
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx

from .network import Network, NetworkError

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "static" / "vendor" / "sigma" / "pg-graph.min.js"
TEMPLATE = ROOT / "static" / "explorer" / "standalone.html"

#: Colours of the entity groups, shared with the explorer's legend.
GROUP_COLOURS = {
    "region": "#2457c5",
    "organization": "#d9822b",
    "program": "#1e7a46",
    "course": "#6aa84f",
    "event": "#a03ca0",
    "person": "#b3261e",
}


def view_graph(network: Network, ids: list[str], positions: dict[str, Any] | None = None) -> nx.Graph:
    """A plain networkx graph of the entities ``ids`` and the edges among them, with string/number attributes
    only (what GraphML and GEXF can hold)."""
    positions = positions or {}
    layout = network.layout()
    keep = [i for i in dict.fromkeys(ids) if i in network.graph]
    if not keep:
        raise NetworkError("none of the given entities is in the network")
    out = nx.Graph()
    for node in keep:
        data = network.node_json(node)
        x, y = _position(positions.get(node)) or layout.get(node, (0.0, 0.0))
        colour = GROUP_COLOURS.get(data["group"] or "", "#777777")
        out.add_node(
            node,
            label=data["label"],
            type=data["type"] or "",
            group=data["group"] or "",
            country=data["country"] or "",
            degree=network.graph.degree(node),
            x=float(x),
            y=float(y),
            viz={
                "position": {"x": float(x), "y": float(y), "z": 0.0},
                "color": {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0},
            },
        )
    kept = set(keep)
    for a in keep:
        for b in network.graph[a]:
            if b in kept and a < b:
                edge = network.edge_json(a, b)
                out.add_edge(
                    a,
                    b,
                    label=edge["label"],
                    relations=" ".join(edge["relations"]),
                    ties=" | ".join(t["label"] for t in edge["ties"]),
                    tie_ids=" ".join(t["id"] for t in edge["ties"]),
                    kinds=" ".join(sorted({t["kind"] for t in edge["ties"] if t["kind"]})),
                    years=" ".join(str(y) for y in sorted({t["year"] for t in edge["ties"] if t["year"]})),
                    weight=len(edge["ties"]) + len(edge["links"]),
                )
    return out


def _position(value: Any) -> tuple[float, float] | None:
    if isinstance(value, list | tuple) and len(value) == 2:
        try:
            return float(value[0]), float(value[1])
        except (TypeError, ValueError):
            return None
    return None


def export_view(
    network: Network, ids: list[str], fmt: str, *, positions: dict[str, Any] | None = None, title: str = ""
) -> tuple[bytes, str, str]:
    """The view of ``ids`` as (body, media type, file suffix) in ``fmt``: ``graphml``, ``gexf`` or ``html``."""
    graph = view_graph(network, ids, positions)
    if fmt == "graphml":
        for _, data in graph.nodes(data=True):
            data.pop("viz", None)
        return "\n".join(nx.generate_graphml(graph)).encode("utf-8"), "application/graphml+xml", ".graphml"
    if fmt == "gexf":
        for _, data in graph.nodes(data=True):
            data.pop("x", None)
            data.pop("y", None)
        return "\n".join(nx.generate_gexf(graph, version="1.2draft")).encode("utf-8"), "application/gexf+xml", ".gexf"
    if fmt == "html":
        return standalone_html(network, graph, title or "Partnergraph view").encode("utf-8"), "text/html", ".html"
    raise NetworkError(f"unknown export format {fmt!r} (known: graphml, gexf, html)")


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` left to end it or open markup.

    >>> script_json({"a": "</script><b>"})
    '{"a": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def standalone_html(network: Network, graph: nx.Graph, title: str) -> str:
    """One HTML file that draws ``graph`` with the inlined sigma bundle and shows each entity's ties on click."""
    data = {
        "title": title,
        "colours": GROUP_COLOURS,
        "nodes": [
            {k: graph.nodes[n][k] for k in ("label", "type", "group", "country", "degree", "x", "y")} | {"id": n}
            for n in graph.nodes
        ],
        "edges": [
            {"source": a, "target": b, "label": d["label"], "ties": d["ties"], "relations": d["relations"]}
            for a, b, d in graph.edges(data=True)
        ],
    }
    bundle = BUNDLE.read_text("utf-8").replace("</script", "<\\/script")
    page = TEMPLATE.read_text("utf-8")
    # Plain substitution in one pass (never a template engine), so no inserted text is ever looked at again.
    values = {"TITLE": html.escape(title), "BUNDLE": bundle, "DATA": script_json(data)}
    return re.sub(r"@@(TITLE|BUNDLE|DATA)@@", lambda m: values[m.group(1)], page)
