"""Statements written straight as N-Quads text, for bulk loads: no Python object per term.

An import builds hundreds of thousands of statements (the twin cities: about 770,000, most of them the gazetteer's
names of each place); building a ``pyoxigraph`` term object for every subject, predicate and object, then having
the engine serialise them, cost more than the engine's own load. :class:`NQuads` writes each statement as one line
of N-Quads (escaped as the format requires) and remembers, as plain strings, the statements whose content the
import reads back (the predicates it *watches*: types, labels, parties, evidence, quotes for the shape checks,
``skos:exactMatch`` for containment), so nothing has to be parsed again. The engine parses the text once, when it
loads it.

IRIs written here are the importer's own (slugs, GeoNames IRIs, IRIs read from the store); an IRI that comes from
outside goes through :func:`checked_iri` first, since the bulk loader does not validate what it loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import pyoxigraph as ox

NQUADS = ox.RdfFormat.N_QUADS
XSD = "http://www.w3.org/2001/XMLSchema#"
_LANG = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def checked_iri(iri: str) -> str:
    """The IRI if it is a valid absolute IRI (the engine's own check), else ``ValueError``."""
    return ox.NamedNode(iri).value


def literal(value: str, language: str = "", datatype: str = "") -> str:
    """A literal in N-Quads syntax: ``"value"``, ``"value"@lang`` or ``"value"^^<datatype>``.

    >>> literal('say "hi"'), literal("수원시", "ko"), literal("0.95", datatype=XSD + "decimal")
    ('"say \\\\"hi\\\\""', '"수원시"@ko', '"0.95"^^<http://www.w3.org/2001/XMLSchema#decimal>')
    """
    if '"' in value or "\\" in value or "\n" in value or "\r" in value:
        value = value.translate(_ESCAPES)
    if language:
        return f'"{value}"@{language}'
    if datatype and datatype != XSD + "string":
        return f'"{value}"^^<{datatype}>'
    return f'"{value}"'


def decimal(value: float) -> str:
    """A coordinate or a distance as an ``xsd:decimal`` literal, 5 decimals."""
    return f'"{value:.5f}"^^<{XSD}decimal>'


@lru_cache(maxsize=1024)  # a few hundred languages, asked for each name
def language_tag(lang: str) -> str:
    """A well-formed language tag in lower case, or '' (a malformed tag is dropped, not written)."""
    return lang.lower() if lang and _LANG.fullmatch(lang) else ""


def term(node: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    """A pyoxigraph term in N-Quads syntax (for the few terms an import already holds as objects: dates)."""
    return str(node)


class NQuads:
    """N-Quads lines written one statement at a time; ``watched`` predicates (IRIs) are also kept as
    ``(subject, predicate, object value)`` strings in :attr:`seen`, in the order written."""

    def __init__(self, watched: Iterable[str] = ()) -> None:
        self.lines: list[str] = []
        self.watched = frozenset(watched)
        self.seen: list[tuple[str, str, str]] = []

    def iri(self, s: str, p: str, o: str, g: str) -> None:
        """A statement whose object is an IRI."""
        self.lines.append(f"<{s}> <{p}> <{o}> <{g}> .\n")
        if p in self.watched:
            self.seen.append((s, p, o))

    def text(self, s: str, p: str, value: str, g: str, language: str = "", datatype: str = "") -> None:
        """A statement whose object is a literal (plain, language-tagged or typed)."""
        if language or datatype or '"' in value or "\\" in value or "\n" in value or "\r" in value:
            self.lines.append(f"<{s}> <{p}> {literal(value, language, datatype)} <{g}> .\n")
        else:  # the common case: a plain literal with nothing to escape
            self.lines.append(f'<{s}> <{p}> "{value}" <{g}> .\n')
        if p in self.watched:
            self.seen.append((s, p, value))

    def raw(self, s: str, p: str, o: str, g: str, value: str = "") -> None:
        """A statement whose object is already in N-Quads syntax (:func:`decimal`, :func:`term`); ``value`` is
        what :attr:`seen` keeps for it."""
        self.lines.append(f"<{s}> <{p}> {o} <{g}> .\n")
        if p in self.watched:
            self.seen.append((s, p, value))

    def quads(self, quads: Iterable[ox.Quad]) -> None:
        """Append statements held as pyoxigraph quads (serialised by the engine)."""
        quads = list(quads)
        if not quads:
            return
        self.lines += ox.serialize(quads, format=NQUADS).decode("utf-8").splitlines(keepends=True)
        watched = [q for q in quads if q.predicate.value in self.watched]
        self.seen += [(q.subject.value, q.predicate.value, q.object.value) for q in watched]

    def __len__(self) -> int:
        return len(self.lines)

    def data(self) -> bytes:
        """The N-Quads document (a statement written twice is there twice: the store holds it once)."""
        return "".join(self.lines).encode("utf-8")

    def take(self) -> bytes:
        """The N-Quads document, the lines let go of (a big import holds its statements once, not twice)."""
        data, self.lines = self.data(), []
        return data

    def as_quads(self) -> list[ox.Quad]:
        """The statements as pyoxigraph quads (parsed by the engine), each once, in the order first written."""
        return list(dict.fromkeys(parse(self.data())))


def parse(data: bytes) -> list[ox.Quad]:
    """N-Quads text as pyoxigraph quads."""
    return list(ox.parse(data, format=NQUADS))


def seen_values(seen: Iterable[tuple[str, str, str]], predicate: str) -> Iterator[tuple[str, str]]:
    """(subject, object) of the statements seen with this predicate."""
    return ((s, o) for s, p, o in seen if p == predicate)
