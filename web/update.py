"""Authenticated writes: SPARQL 1.1 Update at ``/update`` and the SPARQL 1.1 Graph Store HTTP Protocol at ``/store``.

Every write goes through :class:`graph.changes.Writer` (validated, recorded, one transaction). GET on ``/store``
is public (read-only); everything else needs ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import logging
import threading

import pyoxigraph as ox
from flask import Blueprint, Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from graph.changes import CHANGE_BASE, Change, ChangeRefused, Writer
from graph.knowledge import ValidationError
from graph.namespaces import BASE
from graph.sandbox import UpdateRefused
from graph.store import RDF_FORMATS, DataSyntaxError, QuerySyntaxError, StoreError, parse_rdf

from . import auth

log = logging.getLogger("partnergraph.writes")
bp = Blueprint("update", __name__)
_writer_lock = threading.Lock()

#: Media types the Graph Store accepts and serves for one graph (triple formats).
GRAPH_MEDIA = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "xml",
}


def init_app(app: Flask) -> None:
    """Parse the write tokens; put recorded edits back on top of freshly reloaded shipped files (a write)."""
    auth.init_app(app)
    if app.extensions["write_tokens"] and app.extensions["kg"].store.url == "memory:":
        app.logger.warning("writes are enabled on the memory store: every change is lost when the server stops")
    # A reload of the shipped files replaces their graphs whole: put the recorded edits back on top.
    restored = get_writer(app).reapply_log()
    if restored:
        app.logger.info("the shipped data was reloaded: %d edited statements put back from the change log", restored)


def get_writer(app: Flask | None = None) -> Writer:
    """The app's one Writer (created on first use; it holds the write lock)."""
    app = app or current_app
    with _writer_lock:
        if "writer" not in app.extensions:
            writer = Writer(app.extensions["kg"])
            writer.after_commit.append(lambda: _refresh_readers(app))
            app.extensions["writer"] = writer
        return app.extensions["writer"]


def _refresh_readers(app: Flask) -> None:
    """After a committed write, the public endpoint's query workers take a new snapshot of the store."""
    runner = app.extensions.get("sparql")
    if runner is not None:
        runner.refresh()


def _error(status: int, message: str, **extra) -> ResponseReturnValue:
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


def _too_big() -> ResponseReturnValue | None:
    limit = int(current_app.config.get("MAX_WRITE_BYTES", 16 * 1024 * 1024))
    if request.content_length is not None and request.content_length > limit:
        return _error(413, f"the request is larger than {limit} bytes (MAX_WRITE_BYTES)")
    return None


def _comment() -> str:
    return (request.args.get("comment") or request.form.get("comment") or request.headers.get("X-Change-Comment", ""))[
        :2000
    ]


def _result(change: Change | None, status: int = 200) -> ResponseReturnValue:
    if change is None:
        return jsonify({"change": None, "added": 0, "removed": 0, "message": "nothing to change"}), 200
    log.info("change %s by %s: +%d -%d", change.iri, change.agent, len(change.added), len(change.removed))
    return jsonify(change.summary()), status


def run_write(action) -> ResponseReturnValue:
    """Run a write, turning refusals into clear 4xx answers (nothing written in any of them)."""
    try:
        return action()
    except ValidationError as error:
        return _error(422, "the change breaks the shapes; nothing was written", violations=error.report.violations)
    except QuerySyntaxError as error:
        return _error(400, str(error))
    except (ChangeRefused, DataSyntaxError) as error:
        return _error(400, str(error))
    except UpdateRefused as error:
        if error.kind in ("busy", "unavailable"):  # overload: try again in a moment
            response = _error(503, str(error))
            response.headers["Retry-After"] = "2"
            return response
        return _error(503 if error.kind in ("timeout", "memory", "error") else 400, str(error))
    except StoreError as error:
        log.error("write failed: %s", error)
        return _error(503, f"the write failed, nothing was written: {error}")


@bp.route("/update", methods=["GET", "POST"])
def update() -> ResponseReturnValue:
    """SPARQL 1.1 Update over POST (``application/sparql-update`` body or an ``update`` form field)."""
    if request.method == "GET":
        return _error(405, "send updates with POST (SPARQL 1.1 Protocol)")
    name, refusal = auth.authenticate()
    if refusal is not None:
        return refusal
    too_big = _too_big()
    if too_big is not None:
        return too_big
    if (
        request.args.get("using-graph-uri")
        or request.args.get("using-named-graph-uri")
        or "using-graph-uri" in (request.form)
    ):
        return _error(400, "using-graph-uri / using-named-graph-uri are not supported: write USING in the update")
    mimetype = request.mimetype
    if mimetype == "application/sparql-update":
        text = request.get_data(as_text=True)
    elif mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        text = request.form.get("update", "")
    else:
        return _error(415, "send the update as application/sparql-update or as a form field 'update'")
    if not text.strip():
        return _error(400, "the update is empty")
    writer = get_writer()
    runner = current_app.extensions["sparql"]

    def sandboxed(sparql: str):
        return runner.preview_update(sparql, base_iri=BASE, exclude=CHANGE_BASE, protected=(CHANGE_BASE,))

    return run_write(lambda: _result(writer.update(text, name, _comment(), preview=sandboxed)))


def _graph_param() -> tuple[str | None, ResponseReturnValue | None]:
    """The ``?graph=IRI`` of a Graph Store request (None for ``?default``), or an error answer."""
    if "default" in request.args and "graph" not in request.args:
        return None, None
    graph = request.args.get("graph", "")
    if not graph:
        return None, _error(400, "name the graph: ?graph=<IRI> (or ?default for the union of all graphs)")
    try:
        ox.NamedNode(graph)
    except ValueError:
        return None, _error(400, f"?graph={graph!r} is not an absolute IRI")
    if ":" not in graph:
        return None, _error(400, f"?graph={graph!r} is not an absolute IRI")
    return graph, None


def _negotiate() -> str:
    best = request.accept_mimetypes.best_match(list(GRAPH_MEDIA), default="text/turtle")
    return GRAPH_MEDIA.get(best or "text/turtle", "turtle")


@bp.route("/store", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store() -> ResponseReturnValue:
    """The SPARQL 1.1 Graph Store HTTP Protocol (indirect identification: ``?graph=IRI`` or ``?default``)."""
    graph, problem = _graph_param()
    if problem is not None:
        return problem
    kg = current_app.extensions["kg"]
    if request.method in ("GET", "HEAD"):
        if graph is not None and graph not in kg.store.graphs():
            return _error(404, f"no graph <{graph}>")
        fmt = _negotiate()
        body = kg.store.dump(fmt, graph)
        return body, 200, {"Content-Type": RDF_FORMATS[fmt][1] + ("; charset=utf-8" if fmt != "xml" else "")}
    name, refusal = auth.authenticate()
    if refusal is not None:
        return refusal
    if graph is None:
        return _error(400, "the default graph is the read-only union of the named graphs: name a graph (?graph=IRI)")
    too_big = _too_big()
    if too_big is not None:
        return too_big
    writer = get_writer()
    comment = _comment()
    if request.method == "DELETE":
        if graph not in kg.store.graphs():
            return _error(404, f"no graph <{graph}>")
        return run_write(lambda: _result(writer.delete_graph(graph, name, comment)))
    fmt = GRAPH_MEDIA.get(request.mimetype)
    if fmt is None:
        known = ", ".join(sorted(GRAPH_MEDIA))
        return _error(415, f"send the graph as one of: {known}")

    def write() -> ResponseReturnValue:
        quads = parse_rdf(request.get_data(), fmt, graph, base_iri=graph)
        if request.method == "PUT":
            existed = graph in kg.store.graphs()
            return _result(writer.replace_graph(graph, quads, name, comment), 200 if existed else 201)
        return _result(writer.apply(quads, [], name, comment))

    return run_write(write)
