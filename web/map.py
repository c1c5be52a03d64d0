"""The map view: ``/map`` (the page) and its JSON, ``/api/map/places``, ``/api/map/ties``, ``/api/map/place``
and ``/api/map/positions``, a thin layer over :mod:`graph.geo`. Filters are the explorer's (``type``, ``kind``,
``country``, ``field``, ``from_year``, ``to_year``, ``only``, ``avoid``), read by ``Filters.from_params``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request

from graph import geo
from graph import network as nw
from graph.store import StoreError

bp = Blueprint("map", __name__)

#: At most this many entities per ``/api/map/positions`` request (a path answer has at most 10 × 13).
MAX_POSITIONS = 500


def _data() -> geo.MapData:
    return geo.map_data(current_app.extensions["kg"])


def _filters() -> nw.Filters:
    params: dict[str, Any] = {k: (v if len(v) > 1 else v[0]) for k, v in request.args.lists()}
    return nw.Filters.from_params(params)


def _error(message: str, status: int):
    return jsonify({"error": message, "status": status}), status


@bp.errorhandler(nw.NetworkError)
def _network_error(error: nw.NetworkError):
    return _error(str(error), getattr(error, "status", 400))


@bp.errorhandler(StoreError)
def _store_error(error: StoreError):
    return _error(str(error), 502)


@bp.get("/map")
def map_page():
    """The map: places with coordinates on an offline base map, ties as arcs, the explorer's filters and panel."""
    return render_template("map.html")


@bp.get("/api/map/places")
def places():
    """The places with coordinates in the filtered network, best tied first, as compact rows (see
    :meth:`graph.geo.MapData.tables`), with the countries and sources they point to, counts and the empty
    state's reason."""
    tables = _data().tables(_filters())
    return jsonify({k: v for k, v in tables.items() if k != "ties"})


@bp.get("/api/map/ties")
def ties():
    """The ties between places with coordinates in the filtered network: one row per pair of places,
    ``[place index, place index, ties, first year]``; the indexes point into the rows of ``/api/map/places``
    with the same parameters and the same ``key``."""
    tables = _data().tables(_filters())
    return jsonify({"key": tables["key"], "ties": tables["ties"], "counts": tables["counts"]})


@bp.get("/api/map/place")
def place():
    """One entity's coordinates, every source's, with the source's title and rights; 404 when it has none."""
    ref = request.args.get("id", "").strip()
    if not ref:
        return _error("missing parameter 'id'", 400)
    found = _data().place(ref)
    if found is None:
        return _error(f"no coordinates for {ref}", 404)
    return jsonify(found)


@bp.get("/api/map/positions")
def positions():
    """Where each of ``ids`` (``|``-separated ``id:`` names or IRIs, at most 500) is drawn: ``{id: [lat, lon] |
    null}`` (the map places the hops of a path with it)."""
    refs = [r.strip() for r in request.args.get("ids", "").split("|") if r.strip()]
    if not refs:
        return _error("missing parameter 'ids' (id:a|id:b)", 400)
    if len(refs) > MAX_POSITIONS:
        return _error(f"ids: {len(refs)} entities, at most {MAX_POSITIONS}", 400)
    return jsonify({"positions": _data().positions(refs)})
