"""Edit forms: sign in with a write token, add or correct an agreement, an entity or a program (with its source),
list the recent changes and revert one. Every submission goes through the same validated write path as ``/update``.

The session cookie is signed (SECRET_KEY) and holds the token's *name* and a digest of it, never the token; every
form carries a CSRF token checked on POST.
"""

from __future__ import annotations

import hmac
import os
import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from graph import history
from graph.changes import CHANGE_BASE, Change, ChangeRefused
from graph.forms import FORM_CLASSES, EditError, FormEdit, FormErrors, Source
from graph.knowledge import ValidationError
from graph.store import StoreError

from . import auth
from .update import get_writer

bp = Blueprint("edit", __name__, url_prefix="/edit")
FORM_TITLES = {"agreement": "an agreement", "entity": "a region or organisation", "program": "a program"}
TOKEN_SETTING = auth.SETTING
#: Statements of a change the change log lists before "and N more".
DIFF_ROWS = 40


@bp.record_once
def _setup(state) -> None:
    app = state.app
    auth.init_app(app)
    if not app.secret_key:
        app.secret_key = secrets.token_hex(32)
        if app.extensions["write_tokens"]:
            app.logger.warning("SECRET_KEY is not set: a random one is used, edit sessions end when the server stops")
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if os.environ.get("WRITE_TOKENS") and not os.environ.get(TOKEN_SETTING):
        app.logger.warning("the environment variable WRITE_TOKENS is ignored: name it %s", TOKEN_SETTING)


def csrf_token() -> str:
    """The session's CSRF token (made on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@bp.before_request
def _check_csrf() -> None:
    if request.method == "POST":
        sent = request.form.get("csrf", "")
        if not sent or not hmac.compare_digest(sent.encode(), session.get("csrf", "").encode()):
            abort(400, "the form expired or did not come from this site: reload it and try again")


@bp.app_context_processor
def _inject() -> dict:
    return {
        "csrf_token": csrf_token,
        "editor": current_editor,
        "writes_enabled": auth.writes_enabled,
        "token_setting": TOKEN_SETTING,
    }


def current_editor() -> str | None:
    """The name of the signed-in token, or None (a revoked or changed token ends the session)."""
    name = session.get("editor")
    if not name or not auth.writes_enabled():
        return None
    expected = auth.fingerprint(name)
    if expected is None or not hmac.compare_digest(expected, session.get("editor_fp", "")):
        return None
    return name


def _require_editor() -> str:
    name = current_editor()
    if name is None:
        wanted = request.full_path if request.method == "GET" else None
        abort(redirect(url_for("edit.index", next=wanted) if wanted else url_for("edit.index")))
    return name


def _next_page(path: str) -> str:
    """Where to go after signing in: an edit page asked for before, else the edit index (never another site)."""
    if path.startswith("/edit/") and not path.startswith("//") and "\\" not in path:
        return path
    return url_for("edit.index")


@bp.get("/")
def index() -> ResponseReturnValue:
    """Sign-in, or the list of forms and the recent changes."""
    if not auth.writes_enabled():
        return render_template("edit.html", disabled=True), 403
    changes = [readable_change(c) for c in get_writer().changes(limit=20)] if current_editor() else []
    return render_template("edit.html", disabled=False, changes=changes, titles=FORM_TITLES)


def readable_change(change: Change, rows: int | None = DIFF_ROWS) -> dict:
    """A change as the log shows it: who, when, why, and its statements in words (the first ``rows``)."""
    kg = current_app.extensions["kg"]
    added, removed = change.added, change.removed
    if rows is not None and len(added) + len(removed) > rows:
        removed = removed[:rows]
        added = added[: max(rows - len(removed), 0)]
    return {
        "change": change.iri,
        "id": change.iri.removeprefix(CHANGE_BASE),
        "time": change.time,
        "agent": change.agent,
        "comment": change.comment,
        "reverts": change.reverts,
        "statements": history.readable(kg, added, removed),
        "total": len(change.added) + len(change.removed),
    }


@bp.post("/login")
def login() -> ResponseReturnValue:
    """Exchange a write token for a signed session (the token itself is not kept)."""
    if not auth.writes_enabled():
        abort(403)
    name = auth.token_name(request.form.get("token", "").strip())
    if name is None:
        flash("That token is not valid for writes.", "error")
        return render_template("edit.html", disabled=False, changes=[], titles=FORM_TITLES), 403
    session.clear()
    session["editor"] = name
    session["editor_fp"] = auth.fingerprint(name)
    csrf_token()
    return redirect(_next_page(request.form.get("next", "")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session."""
    session.clear()
    return redirect(url_for("edit.index"))


def _form_values() -> dict[str, str | list[str]]:
    values: dict[str, str | list[str]] = {k: v for k, v in request.form.items() if k not in ("csrf", "parties")}
    values["parties"] = [p for p in request.form.getlist("parties") if p.strip()]
    return values


@bp.route("/<form>", methods=["GET", "POST"])
def edit_form(form: str) -> ResponseReturnValue:
    """Add (no ?iri) or correct (?iri=...) an agreement, an entity or a program."""
    if form not in FORM_CLASSES:
        abort(404)
    editor = _require_editor()
    kg = current_app.extensions["kg"]
    builder = FormEdit(kg)
    iri = request.values.get("iri", "").strip() or None
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        values = _form_values()
        source = Source(
            request.form.get("source_title", ""), request.form.get("source_url", ""), request.form.get("quote", "")
        )
        try:
            subject, added, removed = builder.build(form, values, source, iri)
            why = request.form.get("comment", "").strip() or f"{'correct' if iri else 'add'} {form} via the form"
            change = get_writer().apply(added, removed, editor, why)
        except ValidationError as error:
            errors = [("", "The change breaks the shapes; nothing was written.")]
            errors += [("", v) for v in error.report.violations]
            status = 422
        except FormErrors as error:
            errors, status = error.errors, 400
        except (EditError, ChangeRefused) as error:
            errors, status = [("", str(error))], 400
        except StoreError as error:
            errors, status = [("", f"The write failed, nothing was written: {error}")], 503
        else:
            if change is None:
                flash("Nothing to change: the graph already says this.", "info")
            else:
                saved = {"iri": subject, "label": str(values.get("label", "")), "change": change.iri}
                flash({**saved, "added": len(change.added), "removed": len(change.removed)}, "saved")
            return redirect(url_for("edit.edit_form", form=form, iri=subject))
    else:
        try:
            values = builder.current(iri) if iri else {}
        except EditError as error:
            errors, values, status = [("iri", str(error))], {}, 404
    return (
        render_template(
            "edit_form.html",
            form=form,
            title=FORM_TITLES[form],
            classes=FORM_CLASSES[form],
            values=values,
            iri=iri,
            errors=errors,
            bad_fields={f for f, _ in errors},
            choices=builder.choices(),
        ),
        status,
    )


@bp.get("/correct")
def correct() -> ResponseReturnValue:
    """Find the entity to correct by name (or IRI) and open its form."""
    _require_editor()
    form = request.args.get("form", "agreement")
    if form not in FORM_CLASSES:
        abort(404)
    name = request.args.get("name", "").strip()
    builder = FormEdit(current_app.extensions["kg"])
    try:
        if form == "agreement":
            iri = builder.agreement(name, "name").value
        else:
            iri = builder.entity(name, "name").value
    except EditError as error:
        flash(str(error), "error")
        return redirect(url_for("edit.index"))
    return redirect(url_for("edit.edit_form", form=form, iri=iri))


@bp.get("/change/<path:change_id>")
def change_page(change_id: str) -> ResponseReturnValue:
    """One change in full, in words, with the button that reverts it (the confirmation step of a revert)."""
    _require_editor()
    try:
        change = get_writer().get_change(change_id)
    except StoreError:
        abort(404)
    return render_template("edit_change.html", c=readable_change(change, rows=None))


@bp.post("/revert")
def revert() -> ResponseReturnValue:
    """Revert one change (a new, validated change) once confirmed on its page; unconfirmed: show that page."""
    editor = _require_editor()
    change_iri = request.form.get("change", "")
    if request.form.get("confirm") != "yes":
        return redirect(url_for("edit.change_page", change_id=change_iri.removeprefix(CHANGE_BASE)))
    try:
        change = get_writer().revert(change_iri, editor, request.form.get("comment", ""))
    except ValidationError as error:
        flash("The revert breaks the shapes; nothing was written. " + " ".join(error.report.violations), "error")
    except StoreError as error:
        flash(str(error), "error")
    else:
        if change is not None:
            flash(f"Reverted: {change.reverts} (new change {change.iri})", "ok")
    return redirect(url_for("edit.index"))
