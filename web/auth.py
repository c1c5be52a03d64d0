"""Write access: bearer tokens from the WRITE_TOKENS setting (``name:token,name2:token2``), set as the environment
variable ``PARTNERGRAPH_WRITE_TOKENS`` or as ``WRITE_TOKENS`` in ``instance/config.py``.

Tokens are compared in constant time (``hmac.compare_digest`` against every configured token) and never logged,
echoed or stored in cookies; the name is what the change log records. With no token configured, writes are off.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MIN_TOKEN_LENGTH = 16
REALM = 'Bearer realm="Partnergraph writes"'
#: The name people are told to set (``WRITE_TOKENS`` in ``instance/config.py``).
SETTING = "PARTNERGRAPH_WRITE_TOKENS"


class TokenConfigError(ValueError):
    """The WRITE_TOKENS setting is malformed (the message never contains a token)."""


def parse_tokens(setting: str | dict | None) -> dict[str, str]:
    """Parse ``name:token,name2:token2`` (or a dict name -> token) into a dict; errors name the entry, not the token."""
    if not setting:
        return {}
    if isinstance(setting, dict):
        pairs = list(setting.items())
    else:
        pairs = []
        for n, item in enumerate(str(setting).split(","), start=1):
            item = item.strip()
            if not item:
                continue
            name, sep, token = item.partition(":")
            if not sep:
                raise TokenConfigError(f"{SETTING} entry {n}: write it as name:token")
            pairs.append((name.strip(), token.strip()))
    tokens: dict[str, str] = {}
    for name, token in pairs:
        if not NAME.fullmatch(name):
            raise TokenConfigError(f"{SETTING}: {name!r} is not a valid name (letters, digits, '.', '_', '-')")
        if len(token) < MIN_TOKEN_LENGTH:
            raise TokenConfigError(f"{SETTING}: the token of {name!r} is shorter than {MIN_TOKEN_LENGTH} characters")
        if name in tokens:
            raise TokenConfigError(f"{SETTING}: the name {name!r} is given twice")
        tokens[name] = token
    return tokens


def init_app(app: Flask) -> None:
    """Parse the tokens once (a malformed setting stops the app with a clear message)."""
    if "write_tokens" not in app.extensions:
        app.extensions["write_tokens"] = parse_tokens(app.config.get("WRITE_TOKENS"))


def _tokens() -> dict[str, str]:
    init_app(current_app)
    return current_app.extensions["write_tokens"]


def writes_enabled() -> bool:
    """True when at least one write token is configured."""
    return bool(_tokens())


def token_name(presented: str) -> str | None:
    """The name of the token presented, or None; every configured token is compared, in constant time each."""
    given = presented.encode("utf-8")
    found = None
    for name, token in _tokens().items():
        if hmac.compare_digest(given, token.encode("utf-8")):
            found = name
    return found


def fingerprint(name: str) -> str | None:
    """A digest of the named token (kept in the session so that a revoked or changed token ends the session)."""
    token = _tokens().get(name)
    if token is None:
        return None
    key = (current_app.secret_key or "").encode("utf-8") if isinstance(current_app.secret_key, str) else b""
    return hmac.new(key or b"partnergraph", token.encode("utf-8"), hashlib.sha256).hexdigest()


def _error(status: int, message: str, **headers: str) -> ResponseReturnValue:
    response = jsonify({"error": message})
    response.status_code = status
    response.headers.update(headers)
    return response


def authenticate() -> tuple[str | None, ResponseReturnValue | None]:
    """Check the request's ``Authorization: Bearer`` header: (name, None) or (None, the error response).

    403 when writes are disabled or the token is wrong, 401 (with WWW-Authenticate) when none is given.
    """
    if not writes_enabled():
        return None, _error(403, f"writes are disabled on this server: no write tokens are configured ({SETTING})")
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if not header:
        return None, _error(
            401, "authentication required: send Authorization: Bearer <token>", **{"WWW-Authenticate": REALM}
        )
    if scheme.lower() != "bearer" or not credentials.strip():
        return None, _error(401, "use Authorization: Bearer <token>", **{"WWW-Authenticate": REALM})
    name = token_name(credentials.strip())
    if name is None:
        return None, _error(403, "the token is not valid for writes")
    return name, None
