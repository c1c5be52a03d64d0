"""The thin web layer over the ``graph`` library: one blueprint per area."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every area of the web app (each area lives in its own module)."""
    from . import edit, pages, update

    app.register_blueprint(pages.bp)
    app.register_blueprint(update.bp)
    app.register_blueprint(edit.bp)
    from . import api, entities, explorer  # the network explorer, its JSON API and the entity pages

    for module in (api, entities, explorer):
        app.register_blueprint(module.bp)
