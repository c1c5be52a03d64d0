"""The network explorer: ``/`` in the browser, and the timeline it draws (the rest comes from ``/api/``)."""

from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template

from graph import explorer_data
from graph import network as nw

bp = Blueprint("explorer", __name__)
_cache: dict[str, Any] = {}
_lock = threading.Lock()


@bp.get("/")
def explorer():
    """The explorer page: search, overview, filters, path finder, timeline; its state lives in the URL."""
    return render_template("explorer.html")


@bp.get("/api/timeline")
def timeline():
    """Ties, programs, courses and events by year (with each date's precision) and the undated counted apart."""
    kg = current_app.extensions["kg"]
    net = nw.network(kg)
    with _lock:
        if _cache.get("net") is not net:
            _cache.update(net=net, timeline=explorer_data.timeline(kg))
        body = _cache["timeline"]
    return jsonify(body)
