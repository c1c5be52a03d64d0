"""The guard: one SPARQL scanner, and the checks every query and update passes before the engine sees it.

The scanner follows the terminals of the SPARQL 1.1 grammar (IRIs, the four string forms with their escapes,
prefixed names with ``PN_LOCAL`` escapes such as ``x:a\\#``, language tags, variables, comments), so a word
inside a string, an IRI, a name or a comment is never taken for a keyword, and an escaped ``#`` or ``'`` never
starts a comment or a string. One place stays ambiguous in the grammar: ``<`` opens an IRI or is the
less-than operator, depending on where the parser is. A keyword (``SERVICE``, ``LOAD``) that only appears
inside something lexed as an IRI is settled by the engine itself (:func:`settle_with_engine`): the text is
parsed once as sent and once with that word blanked; only a word the engine reads as code changes the outcome.

Refused (:class:`QueryRefused`, a message that says what and where): nesting deeper than the limit (counted
before any parser sees the text: the engine's recursive parser overflows its stack on a few thousand ``{``),
``SERVICE`` and ``LOAD`` anywhere, an update sent as a query, ``FROM`` / ``FROM NAMED`` naming a graph that is
not in the store, CLEAR/DROP ALL or NAMED and the change log named in an update.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

#: Words that only occur in SPARQL Update requests.
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
#: Words that make the engine reach out to the network.
FETCHING = {
    "SERVICE": "SERVICE is not allowed: this server never calls other endpoints",
    "LOAD": "LOAD is not allowed: this server never fetches documents; send the data itself",
}
DEFAULT_MAX_DEPTH = 200


class QueryRefused(Exception):
    """The query or update may not run here; the message says why (and where)."""


@dataclass
class Token:
    """One significant token: its kind, text and offset in the request."""

    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Checked:
    """What the guard learnt of a request: its form, the graphs FROM names, the words left to the engine."""

    form: str
    tokens: list[Token] = field(default_factory=list)
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    #: (offset, length) of keyword-like words seen only inside IRIs: the engine settles them.
    suspects: list[tuple[int, int]] = field(default_factory=list)
    depth: int = 0


# -- the scanner -----------------------------------------------------------------------------------------------

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = rf"(?:[{_CHARS_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_PARTS = {
    "ws": r"\s+",
    "comment": r"\#[^\n\r]*",
    "iri": rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>",
    "string": r"'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
    r"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\"",
    "langtag": r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*",
    "var": rf"[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*",
    "bnode": rf"_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?",
    "pname": rf"(?:{_PREFIX})?:(?:{_LOCAL})?",
    "word": rf"[{_BASE}][{_CHARS_U}0-9]*",
    "number": r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?",
    "open": r"[{(\[]",
    "close": r"[})\]]",
    "other": r".",
}
_TOKEN = re.compile("|".join(f"(?P<{name}>{regex})" for name, regex in _PARTS.items()), re.DOTALL)
_CODE_WORD = re.compile(rf"(?<![{_CHARS_U}0-9:?$@\\])[{_BASE}][{_CHARS_U}0-9]*")


def tokens(text: str) -> list[Token]:
    """The significant tokens of a SPARQL text (whitespace and comments dropped), in one linear pass."""
    return [
        Token(m.lastgroup or "other", m.group(), m.start())
        for m in _TOKEN.finditer(text)
        if m.lastgroup not in ("ws", "comment")
    ]


def blank_comments_and_strings(text: str) -> str:
    """The text with comments blanked and the inside of string literals blanked (quotes kept), same length."""
    out = []
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "comment":
            out.append(" " * len(value))
        elif kind == "string":
            quote = value[:3] if value[:3] in ("'''", '"""') else value[0]
            out.append(quote + " " * (len(value) - 2 * len(quote)) + quote)
        else:
            out.append(value)
    return "".join(out)


def where(text: str, index: int) -> str:
    """'line L, column C' of an offset (both counted from 1)."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def query_hash(sparql: str) -> str:
    """A short stable hash of a text, for the log (the text itself may be personal)."""
    return hashlib.sha256(sparql.encode("utf-8")).hexdigest()[:12]


# -- the checks ------------------------------------------------------------------------------------------------


def check_depth(text: str, toks: list[Token], limit: int = DEFAULT_MAX_DEPTH) -> int:
    """Refuse brackets (``{ ( [`` together) nested deeper than ``limit``; return the deepest nesting."""
    depth = deepest = 0
    for token in toks:
        if token.kind == "open":
            depth += 1
            if depth > deepest:
                deepest = depth
                if depth > limit:
                    raise QueryRefused(
                        f"nested too deeply: more than {limit} levels of brackets (at {where(text, token.start)})"
                    )
        elif token.kind == "close":
            depth = max(0, depth - 1)
    return deepest


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(sparql: str) -> str:
    """Decode ``\\uXXXX`` / ``\\UXXXXXXXX`` everywhere, as some engines do before parsing (Oxigraph does not)."""

    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)

    return _CODEPOINT.sub(one, sparql)


def _fetching_words(text: str, toks: list[Token]) -> tuple[Token | None, list[tuple[int, int]]]:
    """A SERVICE or LOAD keyword token, and the keyword-like words seen inside IRIs (for the engine to settle).

    Where the text holds codepoint escapes, the decoded text is read too: an engine that decodes them first
    (as the SPARQL specification says) must not find a keyword there either.
    """
    if "\\u" in text or "\\U" in text:
        decoded = unescape_codepoints(text)
        if decoded != text:
            for token in tokens(decoded):
                if token.kind == "word" and token.text.upper() in FETCHING:
                    return token, []
    suspects = []
    for token in toks:
        if token.kind == "word" and token.text.upper() in FETCHING:
            return token, []
        if token.kind == "iri":
            for match in _CODE_WORD.finditer(token.text, 1, len(token.text) - 1):
                if match.group().upper() in FETCHING:
                    suspects.append((token.start + match.start(), len(match.group())))
    return None, suspects


def _iri_of(token: Token, prefixes: dict[str, str], base: str) -> str | None:
    """The absolute IRI an IRI token or prefixed name stands for, or None."""
    if token.kind == "iri":
        iri = urljoin(base, token.text[1:-1]) if base else token.text[1:-1]
        return iri if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) and "\\" not in iri else None
    if token.kind == "pname" and "\\" not in token.text and "%" not in token.text:
        prefix, _, local = token.text.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def _prologue(toks: list[Token]) -> tuple[dict[str, str], str]:
    prefixes: dict[str, str] = {}
    base = ""
    for i, token in enumerate(toks):
        word = token.text.upper() if token.kind == "word" else ""
        following = toks[i + 1] if i + 1 < len(toks) else None
        if word == "BASE" and following is not None and following.kind == "iri":
            base = urljoin(base, following.text[1:-1])
        elif word == "PREFIX" and following is not None and following.kind == "pname" and i + 2 < len(toks):
            if toks[i + 2].kind == "iri":
                prefixes[following.text.rstrip(":")] = urljoin(base, toks[i + 2].text[1:-1])
    return prefixes, base


def check_query(sparql: str, graphs: set[str] | None = None, max_depth: int = DEFAULT_MAX_DEPTH) -> Checked:
    """Refuse what may not run on the read-only endpoint; return the query's form and the graphs it names.

    A query that does not parse is left to the engine, which says where it fails; an update sent here is
    refused by name only when its update keyword comes before any query form (``INSERT DATA ...``).
    """
    toks = tokens(sparql)
    depth = check_depth(sparql, toks, max_depth)
    found, suspects = _fetching_words(sparql, toks)
    if found is not None:
        raise QueryRefused(f"{FETCHING[found.text.upper()]} (at {where(sparql, found.start)})")
    words = [(i, t.text.upper()) for i, t in enumerate(toks) if t.kind == "word"]
    form = next((w for _, w in words if w in QUERY_FORMS or w in UPDATE_WORDS), None)
    if form in UPDATE_WORDS:
        raise QueryRefused(
            f"SPARQL Update is not accepted here ({form}): this endpoint is read-only, it answers queries only"
        )
    checked = Checked(form or "", toks, suspects=suspects, depth=depth)
    prefixes, base = _prologue(toks)
    for i, word in words:
        if word != "FROM":
            continue
        following = toks[i + 1] if i + 1 < len(toks) else Token("", "", 0)
        named = following.kind == "word" and following.text.upper() == "NAMED"
        target = toks[i + 2] if named and i + 2 < len(toks) else following
        iri = _iri_of(target, prefixes, base)
        what = "FROM NAMED" if named else "FROM"
        if iri is None:
            raise QueryRefused(f"{what} must name a graph of this store by its IRI (at {where(sparql, toks[i].start)})")
        if graphs is not None and iri not in graphs:
            raise QueryRefused(f"{what} <{iri}>: no such graph in this store (this endpoint never fetches graphs)")
        (checked.from_named if named else checked.from_graphs).append(iri)
    return checked


def check_update(sparql: str, protected: tuple[str, ...] = (), max_depth: int = DEFAULT_MAX_DEPTH) -> Checked:
    """Refuse updates the write path never runs: LOAD, SERVICE, CLEAR/DROP ALL or NAMED, protected IRIs named."""
    toks = tokens(sparql)
    depth = check_depth(sparql, toks, max_depth)
    found, suspects = _fetching_words(sparql, toks)
    if found is not None:
        raise QueryRefused(f"{FETCHING[found.text.upper()]} (at {where(sparql, found.start)})")
    for i, token in enumerate(toks[:-1]):
        if token.kind == "word" and token.text.upper() in ("CLEAR", "DROP"):
            j = i + 1
            if toks[j].kind == "word" and toks[j].text.upper() == "SILENT" and j + 1 < len(toks):
                j += 1
            if toks[j].kind == "word" and toks[j].text.upper() in ("ALL", "NAMED"):
                raise QueryRefused(
                    f"{token.text.upper()} {toks[j].text.upper()} is not allowed: drop graphs one by one "
                    f"(at {where(sparql, token.start)})"
                )
    if protected:
        prefixes, base = _prologue(toks)
        for token in toks:
            iri = _iri_of(token, prefixes, base) if token.kind in ("iri", "pname") else None
            if iri is not None and iri.startswith(protected):
                raise QueryRefused(
                    f"<{iri}>: the change log is written by the server only ({where(sparql, token.start)})"
                )
    return Checked("UPDATE", toks, suspects=suspects, depth=depth)


def settle_with_engine(text: str, suspects: list[tuple[int, int]], parses: Callable[[str], bool]) -> None:
    """Refuse a SERVICE / LOAD the engine reads as code although the scanner saw it inside an IRI.

    ``parses(text)`` tells whether the engine parses a text (it must never run it). For each suspect word the
    text is parsed with the word's letters replaced by ``z``: inside an IRI that changes nothing, while a bare
    ``zzzzzzz`` is never valid SPARQL, so a text that parsed before and not after used the word as a keyword.
    """
    if not suspects or not parses(text):
        return
    for start, length in suspects:
        mutated = text[:start] + "z" * length + text[start + length :]
        if not parses(mutated):
            word = text[start : start + length].upper()
            raise QueryRefused(f"{FETCHING[word]} (at {where(text, start)})")
