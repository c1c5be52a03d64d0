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
    Setting("QUERY_WORKERS", 2, "Worker processes that run public SPARQL queries (each killable on timeout)."),
    Setting("QUERY_MEMORY_MB", 2048, "Memory (MB) a public SPARQL query may use beyond the store before it stops."),
    Setting(
        "EXPLORER_OVERVIEW", 2000, "Entities the explorer opens with: all up to this many, else the best connected."
    ),
    Setting("EXPLORER_WARMUP", True, "Build the network, its layout and the overview in the background on start."),
    Setting(
        "WRITE_TOKENS", "", "Write access: 'name:token,name2:token2' (env PARTNERGRAPH_WRITE_TOKENS). Empty: read-only."
    ),
    Setting("MAX_WRITE_BYTES", 16 * 1024 * 1024, "Largest body /update and /store accept (bytes)."),
    Setting("SECRET_KEY", None, "Signs the session cookie of the edit forms; unset: a random one per start."),
)


def defaults() -> dict[str, Any]:
    """The default value of every setting, by name."""
    return {s.name: s.default for s in SETTINGS}
