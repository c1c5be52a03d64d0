"""Partnergraph web app: ``python server.py [--host H] [--port P] [--store URL]``.

A thin Flask layer over the ``graph`` library: the application factory builds the knowledge graph from the
settings once and hands it to the blueprints in ``web/``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from flask import Flask

from graph import KnowledgeGraph, StoreError
from web import register_blueprints
from web.settings import defaults


def create_app(test_config: dict[str, Any] | None = None, **overrides: Any) -> Flask:
    """Build the app: settings (defaults, instance file, ``PARTNERGRAPH_*`` env, or the test config; then the
    command line's overrides), the knowledge graph, the blueprints."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(defaults())
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PARTNERGRAPH")
    else:
        app.config.update(test_config)
    app.config.update(overrides)
    kg = KnowledgeGraph.open(app.config["STORE"], load_shipped=app.config["LOAD_SHIPPED"])
    app.extensions["kg"] = kg
    register_blueprints(app)
    return app


def main(argv: list[str] | None = None) -> int:
    """Serve the app with waitress (a production WSGI server) on 127.0.0.1:5000 by default."""
    parser = argparse.ArgumentParser(description="Serve Partnergraph.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--store", help="memory:, oxigraph:PATH or sparql:QUERY_URL[|UPDATE_URL]")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        app = create_app(**({"STORE": args.store} if args.store else {}))
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    from waitress import serve

    print(f"Partnergraph on http://{args.host}:{args.port}/ (store: {app.extensions['kg'].store.url})")
    serve(app, host=args.host, port=args.port, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
