"""Pages that belong to no single area: the health check and the about page."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("pages", __name__)


@bp.get("/healthz")
def health():
    """Liveness and the size of the graph, for monitors."""
    kg = current_app.extensions["kg"]
    return jsonify({"status": "ok", "store": kg.store.url, "graphs": len(kg.store.graphs())})
