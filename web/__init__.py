"""The thin web layer over the ``graph`` library: one blueprint per area."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every area of the web app (each area lives in its own module)."""
    from . import api, edit, entities, explorer, map, pages, sparql, update, workbench

    for module in (pages, sparql, workbench, update, edit, api, entities, explorer, map):
        app.register_blueprint(module.bp)
