"""The review queue of place matches and merges (``/review``): read by anyone (bounded), decided by a signed-in
editor (the edit session and its CSRF token) or with ``Authorization: Bearer`` (``POST /review/decide``). Every
decision is one recorded, revertible change of the change log (graph/changes.py)."""

from __future__ import annotations

import hmac

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from graph import gazetteer, review
from graph import reconcile as rc
from graph.knowledge import ValidationError
from graph.store import StoreError

from . import auth
from .edit import csrf_token, current_editor
from .update import get_writer

bp = Blueprint("review", __name__, url_prefix="/review")
MAX_ITEMS = 200


def _gazetteer() -> gazetteer.Gazetteer | None:
    try:
        return gazetteer.get(build_missing=False)
    except FileNotFoundError:
        return None


@bp.get("")
def index() -> ResponseReturnValue:
    """The queue as a page, or as JSON with ``?format=json``."""
    try:
        limit = max(1, min(int(request.args.get("limit", 50)), MAX_ITEMS))
    except ValueError:
        return jsonify({"error": "limit: a whole number from 1 to 200"}), 400
    gaz = _gazetteer()
    store = current_app.extensions["kg"].store
    items = review.queue(store, gaz, limit) if gaz is not None else []
    if request.args.get("format") == "json":
        return jsonify({"items": items, "gazetteer": gaz is not None})
    return render_template("review.html", items=items, gazetteer_ready=gaz is not None, limit=limit)


def _editor() -> str:
    """The signed-in editor (form with CSRF token) or the bearer token's name; aborts otherwise."""
    if request.headers.get("Authorization"):
        name, error = auth.authenticate()
        if error is not None:
            abort(error)
        return name  # type: ignore[return-value]
    sent = request.form.get("csrf", "")
    if not sent or not hmac.compare_digest(sent.encode(), session.get("csrf", "").encode()):
        abort(400, "the form expired or did not come from this site: reload it and try again")
    name = current_editor()
    if name is None:
        abort(403, "sign in on the edit page first")
    return name


@bp.post("/decide")
def decide() -> ResponseReturnValue:
    """Accept or reject a match (``item``, ``action`` accept|reject, ``candidate`` GeoNames id), or merge or keep
    apart two entities (``keep``, ``other``, ``action`` merge|apart)."""
    editor = _editor()
    action = request.form.get("action", "")
    store = current_app.extensions["kg"].store
    gaz = _gazetteer()
    try:
        if action in ("accept", "reject"):
            if gaz is None:
                raise review.ReviewError("the gazetteer is not built yet (python -m graph gazetteer build)")
            item = request.form.get("item", "")
            candidate = rc.parse_gid(request.form.get("candidate")) if action == "accept" else None
            if action == "accept" and candidate is None:
                raise review.ReviewError("candidate: a GeoNames id")
            added, removed = review.decide_match(store, gaz, item, candidate)
            comment = f"review: {action} {'GeoNames ' + str(candidate) if candidate else ''} for {item}".strip()
        elif action in ("merge", "apart"):
            keep, other = request.form.get("keep", ""), request.form.get("other", "")
            if not keep.startswith("https://") or not other.startswith("https://"):
                raise review.ReviewError("keep and other: the IRIs of two entities")
            added, removed = review.decide_merge(store, keep, other, action == "merge")
            comment = f"review: {'merge' if action == 'merge' else 'keep apart'} {other} and {keep}"
        else:
            raise review.ReviewError("action: accept, reject, merge or apart")
        change = get_writer().apply(added, removed, editor, request.form.get("comment") or comment)
    except ValidationError as error:
        return _answer(422, "The decision breaks the shapes; nothing was written. " + " ".join(error.report.violations))
    except StoreError as error:
        return _answer(400, str(error))
    return _answer(200, f"Recorded as change {change.iri}" if change else "Nothing to change.", change)


def _answer(status: int, message: str, change=None) -> ResponseReturnValue:  # noqa: ANN001
    if request.headers.get("Authorization"):
        body = {"message": message} if status == 200 else {"error": message}
        if change is not None:
            body["change"] = change.iri
        return jsonify(body), status
    flash(message, "ok" if status == 200 else "error")
    return redirect(url_for("review.index"))


@bp.app_context_processor
def _inject() -> dict:
    return {"review_csrf": csrf_token}
