"""A view of the network as a file: GraphML and GEXF (for Gephi), or one standalone HTML page that works offline
(sigma, or vis-network through pyvis); and any subgraph as a pyvis network for a notebook.

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
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from .network import Network, NetworkError
from .resources import resource

BUNDLE = resource("static", "vendor", "sigma", "pg-graph.min.js")
TEMPLATE = resource("static", "explorer", "standalone.html")
PYVIS_TEMPLATE = resource("static", "explorer", "pyvis.html")
SHAPES = {"region": "dot", "organization": "square", "program": "diamond", "course": "diamond", "event": "triangle"}

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
    if fmt == "pyvis":
        net = to_pyvis(network, ids, positions=positions, title=title or "Partnergraph view")
        return net.generate_html().encode("utf-8"), "text/html", ".html"
    raise NetworkError(f"unknown export format {fmt!r} (known: graphml, gexf, html, pyvis)")


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


def _tooltip(lines: list[str]) -> str:
    """A tooltip: plain text (vis-network shows a string title as text, never as markup)."""
    return "\n".join(line for line in lines if line)


@cache
def _pyvis_env():
    """The Jinja environment of our pyvis template: autoescaped, with vis-network's files from pyvis itself."""
    import jinja2
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(PYVIS_TEMPLATE.parent)), autoescape=True)
    env.globals["vis_js"] = (lib / "vis-network.min.js").read_text("utf-8").replace("</script", "<\\/script")
    env.globals["vis_css"] = (lib / "vis-network.css").read_text("utf-8").replace("</style", "<\\/style")
    return env


def to_pyvis(
    network: Network,
    ids: list[str] | None = None,
    *,
    positions: dict[str, Any] | None = None,
    title: str = "Partnergraph view",
    height: str = "640px",
):
    """A pyvis ``Network`` of the entities ``ids`` (every entity when None) and the links among them.

    Its resources are inline (``cdn_resources="in_line"``, vis-network from pyvis's own package) and it renders with
    Partnergraph's template, so ``net.generate_html()`` or ``net.show("view.html", notebook=True)`` needs no network
    and shows every label and tooltip as text.

    >>> import networkx as nx
    >>> from graph.network import Network
    >>> g = nx.Graph(); g.add_node("a", label="<b>A</b>"); g.add_node("b", label="B")
    >>> g.add_edge("a", "b", ties=[], links=[], relations={"located-in"})
    >>> net = to_pyvis(Network(g))
    >>> [n["label"] for n in net.nodes], "<b>A</b>" in net.generate_html()
    (['<b>A</b>', 'B'], False)
    """
    from pyvis.network import Network as PyvisNetwork

    view = view_graph(network, list(network.graph.nodes) if ids is None else ids, positions)
    net = PyvisNetwork(height=height, width="100%", heading=title, cdn_resources="in_line", notebook=False)
    net.templateEnv = _pyvis_env()
    net.path = PYVIS_TEMPLATE.name
    net.template = net.templateEnv.get_template(PYVIS_TEMPLATE.name)
    scale = _scale(view)
    for node, data in view.nodes(data=True):
        net.add_node(
            node,
            label=data["label"],
            title=_tooltip(
                [data["label"], data["type"], data["country"].rsplit("/", 1)[-1].upper(), f"{data['degree']} partners"]
            ),
            color=GROUP_COLOURS.get(data["group"], "#777777"),
            shape=SHAPES.get(data["group"], "dot"),
            size=8 + 2 * min(data["degree"], 20) ** 0.5 * 2,
            x=data["x"] * scale,
            y=-data["y"] * scale,
        )
    for a, b, data in view.edges(data=True):
        net.add_edge(a, b, title=_tooltip([data["label"], data["ties"]]), width=1 + min(data["weight"], 5) / 2)
    net.toggle_physics(len(view) <= 300)
    return net


def _scale(view: nx.Graph) -> float:
    """A factor that spreads the positions over a few thousand pixels, whatever units the layout used."""
    xs = [d["x"] for _, d in view.nodes(data=True)] or [0.0]
    ys = [d["y"] for _, d in view.nodes(data=True)] or [0.0]
    extent = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    return min(1000.0, 40.0 * len(view) ** 0.5) / extent
