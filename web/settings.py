"""The settings of the web app: one table of name, default and help text.

Each can be set in the test config, in ``instance/config.py``, or by an environment variable
``PARTNERGRAPH_<NAME>`` (for example ``PARTNERGRAPH_STORE=oxigraph:/var/lib/partnergraph``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One setting of the app."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("STORE", "memory:", "The store: memory:, oxigraph:PATH (on disk) or sparql:QUERY_URL[|UPDATE_URL]."),
    Setting("LOAD_SHIPPED", True, "Load the shipped ontology and data on start (skipped when already there)."),
    Setting("QUERY_TIMEOUT", 10.0, "Seconds a SPARQL query may run on the public endpoint before it is stopped."),
    Setting("MAX_ROWS", 10000, "Result rows the public endpoint returns at most; a response says when it cut."),
    Setting(
        "QUERY_WORKERS",
        0,
        "Worker processes that run SPARQL queries (each killable); 0: sized from the machine's cores and memory.",
    ),
    Setting(
        "QUERY_FAST_LANE",
        1,
        "Extra workers for queries not known to be slow, started when every worker is busy with a slow one (slow "
        "the last time the same query ran, or running for 0.2 s).",
    ),
    Setting("RESULT_CACHE_MB", 64, "Memory (MB) for answers of repeated queries (per store version); 0: no cache."),
    Setting("QUERY_MEMORY_MB", 2048, "Memory (MB) a public SPARQL query may use beyond the store before it stops."),
    Setting(
        "QUERY_QUEUE",
        48,
        "Queries that may wait for a busy worker (each holds only its text and a thread); beyond that 503 at once.",
    ),
    Setting("QUERY_QUEUE_WAIT", 10.0, "Seconds a query waits for a free worker before it gets 503 (Retry-After)."),
    Setting("MAX_QUERY_DEPTH", 200, "Deepest nesting of brackets ({ ( [) a query or update may have (400 beyond)."),
    Setting("MAX_QUERY_BYTES", 256 * 1024, "Largest query text (bytes) /sparql and /query accept (413 beyond)."),
    Setting("MAX_API_BYTES", 1024 * 1024, "Largest request body (bytes) the JSON API and the pages accept (413)."),
    Setting("UPDATE_TIMEOUT", 60.0, "Seconds a SPARQL Update may take to compute its change before it is stopped."),
    Setting(
        "EXPLORER_OVERVIEW", 2000, "Entities the explorer opens with: all up to this many, else the best connected."
    ),
    Setting(
        "EXPLORER_OVERVIEW_TIES",
        4000,
        "Ties and links the overview's edges carry at most (its size in bytes); the rest is counted and said.",
    ),
    Setting("EXPLORER_WARMUP", True, "Build the network, its layout and the overview in the background on start."),
    Setting(
        "WRITE_TOKENS", "", "Write access: 'name:token,name2:token2' (env PARTNERGRAPH_WRITE_TOKENS). Empty: read-only."
    ),
    Setting("MAX_WRITE_BYTES", 16 * 1024 * 1024, "Largest body /update and /store accept (bytes)."),
    Setting("CONNECTION_LIMIT", 1000, "Open connections waitress accepts (slow clients wait in the event loop)."),
    Setting("CHANNEL_TIMEOUT", 30, "Seconds of inactivity after which waitress closes a connection."),
    Setting("SECRET_KEY", None, "Signs the session cookie of the edit forms; unset: a random one per start."),
)


def defaults() -> dict[str, Any]:
    """The default value of every setting, by name."""
    return {s.name: s.default for s in SETTINGS}
