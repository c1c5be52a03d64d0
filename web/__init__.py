"""The thin web layer over the ``graph`` library: one blueprint per area, and what every request passes."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every area of the web app (each area lives in its own module)."""
    from . import api, edit, entities, explorer, map, openapi, pages, review, security, sparql, update, workbench

    security.init_app(app)
    for module in (pages, sparql, workbench, update, edit, openapi, api, entities, explorer, map, review):
        app.register_blueprint(module.bp)


def init_app(app: Flask) -> None:
    """Start what the app runs beside its requests, in this order: the write path (which may put recorded edits
    back), the query workers (forked now, from the store as it is, before any other thread touches the engine),
    then the explorer's warm-up thread. The workers stop at exit."""
    from . import api, sparql, update

    update.init_app(app)
    sparql.init_app(app)
    api.init_app(app)
