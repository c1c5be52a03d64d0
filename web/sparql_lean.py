"""The lean path of ``/sparql``: query requests answered straight from WSGI, without Flask's per-request machinery.

A query needs nothing of what a page needs (the app and request contexts, the session, the URL map, the
after-request hooks and their header scans): :class:`LeanSparql` wraps the app's WSGI callable, answers GET and
POST to ``/sparql`` through the very :func:`web.sparql.answer` the Flask view calls, and adds the headers the
app's hooks add (CORS, ``Vary: Accept``, the security headers). Everything else goes to Flask unchanged: other
paths, OPTIONS and HEAD, a POST without a declared length (ASCII digits) or longer than ``MAX_QUERY_BYTES``
(Flask's body limit answers it), a GET without a query (the workbench, the service description); an exception,
reading the request included, is answered as Flask's error handlers answer it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.wrappers import Request

from . import security, sparql

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


#: What the app's after-request hooks add to a /sparql answer (each unless the answer has it already).
#: The parsed URL parameters of this many recent query strings are kept, each at most this long (at most 2 MB).
ARGS_KEPT, ARGS_KEPT_CHARS = 128, 8 * 1024
EXTRA = (*sparql.CORS.items(), *security.HEADERS.items())


class LeanSparql:
    """WSGI middleware: ``/sparql`` queries answered without Flask; anything else handed to ``inner``."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app = app
        self.inner = inner  # Flask's own WSGI callable (the tests compare both paths through it)
        self._args: dict[str, Any] = {}
        self._args_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") != "/sparql" or method not in ("GET", "POST"):
            return self.inner(environ, start_response)
        limit = int(self.app.config["MAX_QUERY_BYTES"])  # read each time: a test may change it
        length = environ.get("CONTENT_LENGTH") or ""
        declared = length.isascii() and length.isdigit()  # not str.isdigit alone: int("\u00b2") raises
        if (method == "POST" and not declared) or (declared and int(length) > limit):
            return self.inner(environ, start_response)  # Flask's body limit (or its reading of the header) answers it
        req = Request(environ)
        req.max_content_length = limit
        try:  # reading the request too: what fails there is answered as Flask answers it (a 4xx), not raised
            if method == "GET":
                self._parsed_args(req, environ.get("QUERY_STRING", ""))
            response = sparql.answer(req, self.app.config, self.app.extensions["sparql"])
        except Exception as error:  # noqa: BLE001 - answered as Flask's error handlers answer it
            with self.app.app_context():
                response = security.exception_answer(req, error, limit)
        if response is None:  # a GET without a query: the workbench or the service description
            return self.inner(environ, start_response)
        headers = response.headers.to_wsgi_list()
        present = {name.lower() for name, _ in headers}
        if method == "GET" and "vary" not in present:  # (no answer sets Vary itself)
            headers.append(("Vary", "Accept"))
        headers += [(name, value) for name, value in EXTRA if name.lower() not in present]
        start_response(response.status, headers)
        return [response.get_data()]

    def _parsed_args(self, req: Request, query_string: str) -> None:
        """Give the request the URL parameters parsed for the same query string before (a dashboard or a shared
        link asks the same URL again and again; decoding a 1 KB query costs more than the rest of the lean path)."""
        if len(query_string) > ARGS_KEPT_CHARS:
            return
        args = self._args.get(query_string)
        if args is not None:
            req.args = args  # werkzeug's cached property: the parse is skipped (an immutable MultiDict, shared)
            return
        with self._args_lock:
            self._args[query_string] = req.args
            while len(self._args) > ARGS_KEPT:
                del self._args[next(iter(self._args))]
