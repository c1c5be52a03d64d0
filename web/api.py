"""The JSON API of "who connects to whom": ``/api/search``, ``/api/entity``, ``/api/neighbourhood``, ``/api/paths``,
``/api/common``, ``/api/partners``, ``/api/rankings``, ``/api/communities``, ``/api/graph``, ``/api/facets`` and
``/api/export``. A thin layer over :mod:`graph.network`; errors are JSON ``{"error": message}`` with their status.
"""

from __future__ import annotations

import heapq
import json
import threading
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request

from graph import entities, pathfinder
from graph import network as nw
from graph.store import StoreError

bp = Blueprint("api", __name__, url_prefix="/api")


def kg():
    """The app's knowledge graph."""
    return current_app.extensions["kg"]


def net() -> nw.Network:
    """The network projection of the app's knowledge graph (cached; rebuilt when the store changes)."""
    return nw.network(kg())


def _params() -> dict[str, Any]:
    """Query parameters, lists kept where a name repeats."""
    return {k: (v if len(v) > 1 else v[0]) for k, v in request.args.lists()}


def _filters() -> nw.Filters:
    return nw.Filters.from_params(_params())


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise nw.NetworkError(f"{name}: {raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise nw.NetworkError(f"{name}: {value} is out of range ({low} to {high})")
    return value


def _json_object() -> dict[str, Any]:
    """The request's JSON body as an object ({} when there is none); a list, a scalar or JSON nested too deeply
    is a clear 400 (NetworkError), never a 500."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise nw.NetworkError("the JSON body is nested too deeply") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise nw.NetworkError(f"send a JSON object, not a {type(data).__name__}")
    return data


def _required(*names: str) -> str:
    for name in names:
        value = request.args.get(name, "").strip()
        if value:
            return value
    raise nw.NetworkError(f"missing parameter {names[0]!r}")


def _ids(*names: str) -> list[str]:
    """Entity references from repeated parameters and comma-free lists (``id=a&id=b``); names may hold commas,
    so only ``ids`` splits on ``|``."""
    refs: list[str] = []
    for name in names:
        refs += [v.strip() for v in request.args.getlist(name) if v.strip()]
    for value in request.args.getlist("ids"):
        refs += [v.strip() for v in value.split("|") if v.strip()]
    return refs


@bp.errorhandler(nw.NetworkError)
def _network_error(error: nw.NetworkError):
    body: dict[str, Any] = {"error": str(error), "status": error.status}
    if isinstance(error, nw.AmbiguousName):
        body["candidates"] = error.candidates
    if isinstance(error, nw.EntityNotFound) and error.suggestions:
        body["suggestions"] = error.suggestions
    return jsonify(body), error.status


@bp.errorhandler(StoreError)
def _store_error(error: StoreError):
    return jsonify({"error": str(error), "status": 502}), 502


@bp.get("/search")
def search():
    """Entities whose labels or other spellings match ``q``: ``[{id, label, type, group, country, matched}]``."""
    q = request.args.get("q", "")
    limit = _int("limit", 10, 1, 100)
    groups = [g for g in request.args.get("type", "").split(",") if g]
    results = net().search(q, limit=limit, groups=groups)
    return jsonify({"query": q, "results": results})


@bp.get("/entity")
def entity():
    """An entity with its facts (each with its sources), its ties (with quotes) and what points at it."""
    ref = _required("id", "name")
    network = net()
    iri = _resolve_any(network, ref)
    described = entities.describe(kg(), iri)
    if described is None:
        raise nw.EntityNotFound(f"no entity with the IRI {iri}")
    return jsonify(described)


def _resolve_any(network: nw.Network, ref: str) -> str:
    """An IRI the store knows (node or not: ties and sources have pages too) or a resolvable name."""
    full = nw.ID_NS + ref[3:] if ref.startswith("id:") else ref
    if full.startswith(("http://", "https://")) and full not in network.graph:
        return full
    return network.resolve(ref)


@bp.get("/neighbourhood")
@bp.get("/neighborhood")
def neighbourhood():
    """The ego network of ``id``: entities within ``hops`` (1-3) hops, at most ``limit`` (the best connected), with
    the edges among them that carry at most ``max_ties`` ties and links (each entity's edge to the drawing, then the
    strongest); ``edgeCounts`` and ``leftOut`` say what was left out, ``leftOut.message`` in words."""
    network = net()
    centre = network.resolve(_required("id", "name"))
    hops = _int("hops", 1, 0, 3)
    limit = _int("limit", nw.DEFAULT_EGO_LIMIT, 1, 5000)
    max_ties = _int("max_ties", nw.NEIGHBOURHOOD_MAX_TIES, 1, nw.MAX_TIES)
    filters = _filters()
    nodes, truncated = network.ego(centre, hops, limit, filters)
    body = network.subgraph_json(nodes, filters, positions=request.args.get("positions") == "1", max_ties=max_ties)
    view = network.view(filters)
    total = view.degree(centre) if centre in view else 0
    whose = f"neighbours of {network.node_json(centre)['label']}" + (f" within {hops} hops" if hops > 1 else "")
    reached = total if hops == 1 else (None if truncated else len(nodes) - 1)
    more = f"Ask for more with limit= (up to 5,000) and max_ties= (up to {nw.MAX_TIES:,})."
    body.update(
        {
            "center": network.node_json(centre),
            "truncated": truncated,
            "hops": hops,
            "partners": total,
            "leftOut": nw.views.left_out(body["edgeCounts"], len(nodes) - 1, reached, whose, more),
        }
    )
    if not body["edges"]:
        body["empty"] = network.why_empty(filters, test=lambda view: centre in view and view.degree(centre) > 0)
    return _json(body)


def _json(body: Any) -> Response:
    """``body`` as a JSON response, serialised at once (no key sorting: big answers are made faster)."""
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), mimetype="application/json")


@bp.get("/filtered")
def filtered():
    """What the filters of the query string leave (entities, edges, ties), what the year range left out for want
    of a date, and, when nothing is left, which filter emptied it (``empty``)."""
    network = net()
    filters = _filters()
    body = network.filter_summary(filters)
    if not body["edges"]:
        body["empty"] = network.why_empty(filters)
    return jsonify(body)


@bp.get("/paths")
def paths():
    """Up to ``k`` paths between ``from`` and ``to`` (IRIs or names), each hop with its ties and sources, and
    ``ranking``: why each path ranks where it does.

    Paths mean partnership by default (``rank=meaning``): ranked by what their hops are, ties and shared
    programs before part-of links before containment (``located-in``); ``rank=hops`` ranks by number of hops
    alone. Filters: ``only`` / ``avoid`` relation categories (``agreement``, ``partnership``, ``tie``,
    ``located-in``, ``part-of``, ``head-of``, ``program``, ``event``), ``type`` / ``avoid_type`` entity groups to
    go through, ``kind``, ``field``, ``country``, ``from_year``, ``to_year``; ``max_hops``.
    """
    k = _int("k", 3, 1, nw.MAX_PATHS)
    max_hops = _int("max_hops", nw.MAX_HOPS, 1, nw.MAX_HOPS)
    rank = request.args.get("rank", "meaning").strip() or "meaning"
    filters = _filters()
    if pathfinder.should_use(kg(), filters):  # a remote store, no projection yet: explore only what is needed
        answer = pathfinder.find_paths(kg(), _required("from"), _required("to"), k, filters, max_hops, rank, True)
        return jsonify(answer)
    network = net()
    source = network.resolve(_required("from"))
    target = network.resolve(_required("to"))
    found = network.ranked_paths(source, target, k=k, filters=filters, max_hops=max_hops, rank=rank)
    body = {
        "from": network.node_json(source),
        "to": network.node_json(target),
        "k": k,
        "paths": entities.explain_paths(kg(), network, found["paths"], filters),
        "ranking": found["ranking"],
    }
    if not found["paths"]:
        body["empty"] = network.why_empty(filters, [source, target])
    return jsonify(body)


def _partner_filters() -> nw.Filters:
    """Filters for partner questions: ties only unless ``only`` or ``avoid`` says otherwise."""
    params = _params()
    if not params.get("only") and not params.get("relation") and not params.get("avoid"):
        params["only"] = "tie"
    return nw.Filters.from_params(params)


@bp.get("/common")
def common():
    """Partners two or more entities share (``id=A&id=B[&id=C]``), with the ties that bind each to each."""
    network = net()
    refs = _ids("id", "name")
    if len(refs) < 2:
        raise nw.NetworkError("common partners need two or more entities: id=A&id=B")
    nodes = [network.resolve(r) for r in refs]
    filters = _partner_filters()
    found = network.common_partners(nodes, filters)
    results = []
    for partner in found:
        item = network.node_json(partner)
        item["ties"] = {n: network.ties_between(partner, n, filters) for n in nodes}
        results.append(item)
    body: dict[str, Any] = {"entities": [network.node_json(n) for n in nodes], "common": results}
    if not results:
        body["empty"] = network.why_empty(filters, test=lambda view: bool(nw.algorithms.common_partners(view, nodes)))
    return jsonify(body)


@bp.get("/partners")
def partners():
    """An entity's partners (with the ties) and its partners of partners (with the partners that lead there)."""
    network = net()
    node = network.resolve(_required("id", "name"))
    filters = _partner_filters()
    limit = _int("limit", 200, 1, 5000)
    first = sorted(network.partners(node, filters), key=lambda n: (network.graph.nodes[n].get("label") or "", n))
    second = network.partners_of_partners(node, filters)
    return jsonify(
        {
            "entity": network.node_json(node),
            "partners": [
                {**network.node_json(p), "ties": network.ties_between(node, p, filters)} for p in first[:limit]
            ],
            "partnersOfPartners": [
                {**network.node_json(p), "via": [network.node_json(v) for v in via]}
                for p, via in list(second.items())[:limit]
            ],
            "counts": {"partners": len(first), "partnersOfPartners": len(second)},
            **(
                {"empty": network.why_empty(filters, test=lambda view: bool(nw.algorithms.partners(view, node)))}
                if not first
                else {}
            ),
        }
    )


def _background(network: nw.Network, name: str, filters: nw.Filters | None = None) -> dict[str, Any]:
    """A background measure's status (``{"measure", "status", "progress"}``) or its result when ready: never
    waits for it."""
    return network.measures.request(name, filters)


def _pending(status: dict[str, Any]) -> dict[str, Any]:
    """What the API says of a measure not ready yet: its status and progress, no figures."""
    return {k: status[k] for k in ("measure", "status", "progress", "seconds", "error") if k in status}


@bp.get("/rankings")
def rankings():
    """The top entities by ``measure`` (``degree``, ``ties`` or ``betweenness``), with what it means.

    Betweenness is computed in the background: until it is ready the answer is its ``status`` (``queued``,
    ``computing`` with ``progress`` from 0 to 1) and no ``results``; never another measure's figures."""
    measure = request.args.get("measure", "degree")
    if measure not in nw.MEASURES:
        raise nw.NetworkError(f"unknown measure {measure!r} (known: {', '.join(nw.MEASURES)})")
    limit = _int("limit", 20, 1, 1000)
    filters = _filters()
    network = net()
    about = {"measure": measure, **nw.MEASURES[measure]}
    if measure != "betweenness":
        results = network.ranking(measure, limit, filters)
        return jsonify({**about, "status": "ready", "progress": 1.0, "results": results})
    status = _background(network, "betweenness", filters)
    if status["status"] != "ready":
        return jsonify({**about, **_pending(status), "results": []})
    results = network.rank_scores(status["scores"], limit, ("ranking", measure, filters.key))
    for item in results:
        if status["errors"]:
            item["standardError"] = round(status["errors"].get(item["id"], 0.0), 6)
    extra = {k: status[k] for k in ("method", "samples", "entities", "seconds", "maxStandardError") if k in status}
    return jsonify({**about, "status": "ready", "progress": 1.0, **extra, "results": results})


@bp.get("/measures")
def measures():
    """The status of every background measure of the current projection (``ready``, ``computing`` with its
    ``progress``, ``queued``), so a page can show progress instead of a stale figure."""
    network = net()
    return jsonify(
        {
            "version": str(network.version),
            "projection": nw.projection_of(kg()).status(),  # "updating" while a write's rebuild runs
            "measures": [_pending(network.measures.status(name)) for name in ("betweenness", "communities")],
        }
    )


@bp.get("/communities")
def communities():
    """Communities of densely tied entities (Louvain), biggest first, with their best connected members;
    computed in the background: until ready, the status and progress."""
    network = net()
    limit = _int("limit", 20, 1, 500)
    members = _int("members", 10, 1, 1000)
    status = _background(network, "communities", _filters())
    if status["status"] != "ready":
        return jsonify({**_pending(status), "count": None, "communities": []})
    found = status["communities"]

    def best_connected() -> list[list[str]]:  # kept per projection: 366,130 members in one community at 1M
        rank = lambda n: (-network.graph.degree(n), n)  # noqa: E731
        return [heapq.nsmallest(members, c, key=rank) for c in found[:limit]]

    tops = network.memo(("community-members", limit, members, _filters().key), best_connected)
    return jsonify(
        {
            "status": "ready",
            "progress": 1.0,
            "method": status["method"],
            "count": len(found),
            "communities": [
                {"size": len(c), "members": [network.node_json(n) for n in top]}
                for c, top in zip(found, tops, strict=False)
            ],
        }
    )


@bp.get("/graph")
def overview():
    """The explorer's opening view: every entity on small graphs, the ``limit`` best connected on big ones, with
    positions computed on the server, and the edges among them that carry at most ``max_ties`` ties and links (its
    size in bytes: at 1M agreements the edges among the 2,000 best connected made 28 MB); ``edgeCounts`` and
    ``leftOut`` say what was left out."""
    network = net()
    limit = _int("limit", current_app.config.get("EXPLORER_OVERVIEW", 2000), 1, 50_000)
    max_ties = _int("max_ties", _overview_ties(), 1, nw.MAX_TIES)
    return Response(overview_json(network, limit, max_ties), mimetype="application/json")


def _overview_ties() -> int:
    return int(current_app.config.get("EXPLORER_OVERVIEW_TIES", nw.OVERVIEW_MAX_TIES))


def overview_json(network: nw.Network, limit: int, max_ties: int | None = None) -> bytes:
    """The serialised overview, cached on the projection (it is the same for every visitor) when it is the page's
    (the configured ``limit`` and ``max_ties``; other sizes are made for their request alone).

    Computed once: a request that comes while the warm-up computes it waits for that result."""
    max_ties = _overview_ties() if max_ties is None else max_ties
    if (limit, max_ties) != (current_app.config.get("EXPLORER_OVERVIEW", 2000), _overview_ties()):
        return _overview_body(network, limit, max_ties)  # not kept: a cache per query string would grow without end
    final = network.layout_final()  # provisional (no communities) until they are computed in the background
    return network.memo(("overview-json", limit, max_ties, final), lambda: _overview_body(network, limit, max_ties))


def _overview_body(network: nw.Network, limit: int, max_ties: int) -> bytes:
    """The overview itself: the best connected entities, laid out, as JSON."""
    nodes, truncated = network.overview(limit)
    body = network.subgraph_json(nodes, positions=True, max_ties=max_ties)
    total = network.graph.number_of_nodes()
    more = "Search for an entity or expand one to see its own neighbourhood."
    body.update(
        {
            "truncated": truncated,
            "total": {"nodes": total, "edges": network.graph.number_of_edges()},
            "leftOut": nw.views.left_out(body["edgeCounts"], len(nodes), total, "entities", more),
        }
    )
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@bp.before_request
def _question_begins() -> None:
    """Each API question is marked on the projection: its background work after a restart waits for a pause."""
    holder = nw.projection_of(kg())
    g.network_question = holder.question()
    g.network_question.__enter__()


@bp.after_request
def _projection_state(response: Response) -> Response:
    """Every answer says whether the projection it came from has every write (``X-Projection: current``) or is
    the previous one while the new one is built (``updating``; see ``/api/measures``)."""
    holder = nw.projection_of(kg())
    if holder.ready:
        response.headers["X-Projection"] = holder.status()["status"]
    return response


@bp.teardown_request
def _question_ends(_error: BaseException | None) -> None:
    question = g.pop("network_question", None)
    if question is not None:
        question.__exit__(None, None, None)


def init_app(app: Flask) -> None:
    """Outside tests, build the projection, its layout, the overview, the facets and the degree ranking in the
    background when the app starts, so that the first visitor does not wait for them (called by ``create_app``
    after the query workers fork)."""
    if app.testing or not app.config.get("EXPLORER_WARMUP", True):
        return

    def work() -> None:
        with app.app_context():
            try:
                kg = app.extensions["kg"]
                nw.network(kg)  # loaded (or built) now; made whole and checked once the first questions pause
                nw.projection_of(kg).wait_settled(600)
                network = nw.network(kg)
                limit = app.config.get("EXPLORER_OVERVIEW", 2000)
                overview_json(network, limit)  # at once (provisional on a big graph) ...
                network.facets()  # what the page asks for next (44 s and 13-17 s at 1M agreements if not ready)
                network.ranking("degree", 10)
                if not network.layout_final():  # ... then with the communities, computed in another process
                    network.measures.wait("communities", timeout=3600)
                    overview_json(network, limit)
            except Exception:  # noqa: BLE001 - a failed warm-up only means the first request does the work
                app.logger.exception("explorer warm-up failed")

    threading.Thread(target=work, name="explorer-warm-up", daemon=True).start()


@bp.post("/subgraph")
def subgraph():
    """Nodes and edges among the entities listed in the JSON body ``{"ids": [...]}`` (at most 20,000); with
    ``"maxTies": n``, only the edges that carry at most n ties and links (each entity's edge to the drawing, then the
    strongest) and ``edgeCounts``: how many edges and ties are shown of how many."""
    data = _json_object()
    ids = data.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise nw.NetworkError('send {"ids": [IRI, ...]}')
    if len(ids) > 20_000:
        raise nw.NetworkError("at most 20,000 entities")
    max_ties = data.get("maxTies")
    if max_ties is not None and (
        not isinstance(max_ties, int) or isinstance(max_ties, bool) or not 1 <= max_ties <= nw.MAX_TIES
    ):
        raise nw.NetworkError(f"maxTies: give a whole number from 1 to {nw.MAX_TIES:,}")
    return _json(net().subgraph_json(ids, positions=bool(data.get("positions")), max_ties=max_ties))


@bp.post("/scores")
def scores():
    """A measure for the entities of the JSON body ``{"measure": ..., "ids": [...]}``: ``degree``, ``ties``,
    ``betweenness`` (see /api/facets for what each means) or ``community`` (the index of its community, biggest
    first; -1 for isolated entities). Betweenness and communities are computed in the background: until ready
    the answer is ``{"measure", "status": "computing", "progress": 0.4, "scores": {}}``: no figures."""
    data = _json_object()
    measure = data.get("measure", "degree")
    ids = data.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise nw.NetworkError('send {"measure": ..., "ids": [IRI, ...]}')
    network = net()
    values: dict[str, float | int]
    if measure in ("degree", "ties"):
        values = network.scores(measure)
    elif measure in ("betweenness", "community"):
        status = _background(network, "betweenness" if measure == "betweenness" else "communities")
        if status["status"] != "ready":
            return jsonify({**_pending(status), "measure": measure, "scores": {}})
        if measure == "betweenness":
            values = status["scores"]
        else:
            values = _community_of(network, status["communities"])
    else:
        raise nw.NetworkError(f"unknown measure {measure!r} (known: degree, ties, betweenness, community)")
    default = -1 if measure == "community" else 0
    return jsonify(
        {"measure": measure, "status": "ready", "progress": 1.0, "scores": {i: values.get(i, default) for i in ids}}
    )


def _community_of(network: nw.Network, found: list[list[str]]) -> dict[str, int]:
    """The index of each entity's community in ``found``, kept per projection (made anew on every call, it took 1.8 s
    for the 417,033 entities at 1M agreements)."""
    kept, index = network.memo("community-of", lambda: (found, {n: i for i, c in enumerate(found) for n in c}))
    return index if kept is found else {n: i for i, c in enumerate(found) for n in c}


@bp.get("/facets")
def facets():
    """What the explorer's filters can choose from, with counts, the year range and the measures."""
    body = dict(net().facets())
    body["measures"] = nw.MEASURES
    body["groupTypes"] = nw.GROUPS
    return jsonify(body)


@bp.post("/export")
def export():
    """The current view as a file: ``{"format": "graphml"|"gexf"|"html", "ids": [...], "positions": {id: [x, y]},
    "title": "..."}``."""
    from graph import network_export as ex

    data = _json_object()
    fmt = data.get("format", "graphml")
    ids = data.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise nw.NetworkError('send {"format": ..., "ids": [IRI, ...]}')
    if len(ids) > 20_000:
        raise nw.NetworkError("at most 20,000 entities")
    network = net()
    positions = data.get("positions") if isinstance(data.get("positions"), dict) else {}
    title = str(data.get("title") or "Partnergraph view")[:200]
    body, media, suffix = ex.export_view(network, ids, fmt, positions=positions, title=title)
    return Response(
        body,
        mimetype=media,
        headers={"Content-Disposition": f'attachment; filename="partnergraph-view{suffix}"'},
    )


@bp.route("/<path:rest>", methods=["GET", "POST"])
def unknown(rest: str):
    """Any other path under /api/ is a JSON 404."""
    return jsonify({"error": f"no API endpoint /api/{rest}", "status": 404}), 404
