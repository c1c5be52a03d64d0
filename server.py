"""Partnergraph web app: ``python server.py [--host H] [--port P] [--store URL] [--threads N]``.

A thin Flask layer over the ``graph`` library: the application factory builds the knowledge graph from the
settings once, hands it to the blueprints in ``web/``, then starts the query workers.
"""

from __future__ import annotations

import contextlib
import logging
import resource
from typing import Any

import click
from flask import Flask

import web
from graph import KnowledgeGraph, StoreError
from graph.resources import resource as resource_path
from web import register_blueprints
from web.settings import defaults


def create_app(test_config: dict[str, Any] | None = None, **overrides: Any) -> Flask:
    """Build the app: settings (defaults, instance file, ``PARTNERGRAPH_*`` env, or the test config; then the
    command line's overrides), the knowledge graph, the blueprints, then the query workers."""
    # The templates and assets: beside this file in a checkout, inside the installed package ``partnergraph``.
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=resource_path("templates"),
        static_folder=resource_path("static"),
    )
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
    web.init_app(app)
    return app


def serve_options(app: Flask, threads: int) -> dict[str, Any]:
    """waitress's limits, set on purpose: bodies capped before they are read, idle and slow connections closed,
    enough connections that slow clients cannot lock others out (see docs/security.md)."""
    config = app.config
    biggest = max(int(config["MAX_WRITE_BYTES"]), int(config["MAX_QUERY_BYTES"]), int(config["MAX_API_BYTES"]))
    return {
        "threads": threads,
        "connection_limit": int(config["CONNECTION_LIMIT"]),
        "channel_timeout": int(config["CHANNEL_TIMEOUT"]),
        "cleanup_interval": max(1, min(30, int(config["CHANNEL_TIMEOUT"]) // 2)),
        "max_request_body_size": biggest,
        "max_request_header_size": 64 * 1024,
        "asyncore_use_poll": True,
        "backlog": 1024,
        "ident": "Partnergraph",
    }


def _raise_open_files_limit(wanted: int) -> None:
    """Let the process hold as many sockets as connections are allowed (up to the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def serve_app(app: Flask, host: str, port: int, threads: int) -> None:
    """Serve the app with waitress under the limits of :func:`serve_options` (until the process is stopped)."""
    from waitress import serve

    options = serve_options(app, threads)
    _raise_open_files_limit(options["connection_limit"] + 64)
    serve(app, host=host, port=port, **options)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--store", default=None, help="memory:, oxigraph:PATH or sparql:QUERY_URL[|UPDATE_URL]")
@click.option(
    "--threads",
    default=16,
    show_default=True,
    type=int,
    help="waitress worker threads (more than the query workers, their queue and a few for the pages).",
)
def main(host: str, port: int, store: str | None, threads: int) -> None:
    """Serve Partnergraph with waitress (a production WSGI server) on 127.0.0.1:5000 by default."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        app = create_app(**({"STORE": store} if store else {}))
    except StoreError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Partnergraph on http://{host}:{port}/ (store: {app.extensions['kg'].store.url})")
    serve_app(app, host, port, threads)


if __name__ == "__main__":
    main()
