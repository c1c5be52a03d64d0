"""Pages that belong to no single area: the health check, and the data credits every page carries."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify, render_template

from graph.labels import load_query

bp = Blueprint("pages", __name__)

_RECHECK_SECONDS = 10.0


@bp.get("/healthz")
def health():
    """Liveness and the size of the graph, for monitors."""
    kg = current_app.extensions["kg"]
    return jsonify({"status": "ok", "store": kg.store.url, "graphs": len(kg.store.graphs())})


@bp.get("/query/fast")
def fast_queries() -> str:
    """Writing fast queries (``docs/fast-queries.md``): the shapes that are slow in the engine, their rewrites."""
    from .guides import guide

    return render_template("guide.html", title="Writing fast queries", body=guide("fast-queries"))


def data_credits() -> list[dict[str, str]]:
    """The rights statements of the sources in the store (e.g. Wikipedia's CC BY-SA for the twin cities).

    Read again when the store changed (embedded stores count their writes) or, for a remote store, every
    few seconds."""
    kg = current_app.extensions["kg"]
    cache = current_app.extensions.setdefault("credits", {"key": None, "at": 0.0, "rows": []})
    key = kg.store.generation
    fresh = cache["key"] == key and (key is not None or time.monotonic() - cache["at"] < _RECHECK_SECONDS)
    if not fresh:
        rows = kg.store.select_values(load_query("credits"))
        cache.update(key=key, at=time.monotonic(), rows=[{"source": s, "title": t, "rights": r} for s, t, r in rows])
    return cache["rows"]


@bp.app_context_processor
def inject_credits() -> dict:
    """Every template can show the data credits (base.html does, in its footer)."""
    return {"data_credits": data_credits}
