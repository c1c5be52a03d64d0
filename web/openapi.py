"""``/api/openapi.json``: an OpenAPI 3.1 description of the JSON API, made from the app's own routes.

Every route under ``/api`` is listed with its methods, its path parameters and the summary and description of
its view's docstring, and the answers every endpoint may give: 200 JSON, 400 with ``{"error": ...}`` for bad
input, 404 for what is not there, 413 for a body over ``MAX_API_BYTES``.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify

bp = Blueprint("openapi", __name__)

ERROR = {
    "description": "bad input, said in words",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
                "required": ["error"],
            }
        }
    },
}


def describe(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of the app's ``/api`` routes."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/") or "<path:" in rule.rule or rule.endpoint == "openapi.document":
            continue
        view = app.view_functions[rule.endpoint]
        doc = inspect.getdoc(view) or ""
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in rule.arguments
        ]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation: dict[str, Any] = {
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "summary": doc.split("\n")[0],
                "description": doc,
                "parameters": parameters,
                "responses": {
                    "200": {"description": "the answer", "content": {"application/json": {}}},
                    "400": ERROR,
                    "404": ERROR,
                    "413": ERROR,
                },
            }
            if method == "POST":
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Partnergraph API",
            "version": "1",
            "description": "Read-only JSON API of the knowledge graph (the network, entities, paths, rankings).",
        },
        "paths": paths,
    }


@bp.get("/api/openapi.json")
def document() -> Response:
    """This API's OpenAPI description."""
    response = jsonify(describe(current_app))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
