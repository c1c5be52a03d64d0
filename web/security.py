"""What every request and response passes through: size limits before any work, a strict Content-Security-Policy,
links only to http(s) or our own pages, and clear 4xx answers for bad input instead of 500s."""

from __future__ import annotations

import logging
import re

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Request

log = logging.getLogger("partnergraph.web")

#: script-src 'self': no inline script and no handler attributes; data for scripts comes in
#: <script type="application/json"> blocks, which are not run. Inline styles stay allowed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: The headers every answer carries (unless it sets its own).
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
_SAFE_HREF = re.compile(r"^(?:https?://[^\s]+|/(?!/)[^\s]*|#[^\s]*)$", re.IGNORECASE)
#: Paths whose bodies may be big (writes and imports); everything else is held to MAX_API_BYTES or less.
_WRITE_PATHS = ("/update", "/store", "/edit")
_QUERY_PATHS = ("/sparql", "/query")


def safe_href(value: object) -> str | None:
    """The value as a link target if it is an http(s) URL or a path of this site, else None (show it as text).

    >>> safe_href("https://example.org/a"), safe_href("/id/org/x"), safe_href("javascript:alert(1)")
    ('https://example.org/a', '/id/org/x', None)
    """
    text = str(value or "").strip()
    return text if _SAFE_HREF.match(text) else None


def body_limit(path: str) -> int:
    """The largest request body (bytes) a path accepts."""
    config = current_app.config
    if path.startswith(_WRITE_PATHS):
        return int(config["MAX_WRITE_BYTES"])
    if path.startswith(_QUERY_PATHS):
        return int(config["MAX_QUERY_BYTES"])
    return int(config["MAX_API_BYTES"])


def error_answer(req: Request, status: int, message: str) -> Response:
    """An error answer in the form the client reads: JSON under /api and for JSON clients, else plain text (needs
    an app context)."""
    wants_json = req.path.startswith(("/api", "/update", "/store")) or req.accept_mimetypes.best == ("application/json")
    if wants_json:
        response = jsonify({"error": message, "status": status})
    else:
        response = Response(message.rstrip() + "\n", mimetype="text/plain")
    response.status_code = status
    return response


def exception_answer(req: Request, error: Exception, limit: int) -> Response:
    """The answer to an exception a request raised (``limit``: the path's body limit), the unexpected ones logged
    (needs an app context)."""
    if isinstance(error, RequestEntityTooLarge):
        return error_answer(req, 413, f"the request body is larger than {limit} bytes")
    if isinstance(error, HTTPException):
        return error.get_response(req.environ)  # type: ignore[return-value]
    if isinstance(error, RecursionError):
        return error_answer(req, 400, "the request is nested too deeply")
    log.exception("unexpected error on %s %s: %s", req.method, req.path, error)
    return error_answer(req, 500, "internal error: the server could not answer this request (it is logged)")


def _error(status: int, message: str) -> Response:
    return error_answer(request, status, message)


def init_app(app: Flask) -> None:
    """Install the limits, the headers, the link filter and the error handlers."""
    app.jinja_env.filters["safe_href"] = safe_href

    @app.before_request
    def _limit_body() -> Response | None:
        limit = body_limit(request.path)
        request.max_content_length = limit
        if request.content_length is not None and request.content_length > limit:
            return _error(413, f"the request body is larger than {limit} bytes")
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(RequestEntityTooLarge)
    @app.errorhandler(RecursionError)
    def _known(error: Exception) -> Response:
        return exception_answer(request, error, body_limit(request.path))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return error  # type: ignore[return-value]
        return exception_answer(request, error, body_limit(request.path))
