"""The network explorer: ``/`` in the browser (the page; everything else comes from ``/api/``)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("explorer", __name__)


@bp.get("/")
def explorer():
    """The explorer page: search, overview, filters, path finder; its state lives in the URL's fragment."""
    return render_template("explorer.html")
