"""The bounded runner behind the public SPARQL endpoint and the write path: safe by construction, killable, capped.

- :mod:`.guard`: one SPARQL scanner; refuses SERVICE, LOAD, updates sent as queries, foreign FROM graphs and
  deep nesting before any parser sees the text.
- :mod:`.results`: runs a request on the embedded engine and serialises with the engine's own serialisers.
- :mod:`.workers`: the zygote, the worker processes (no network, memory limit, killable) and the bounded queue.
- :mod:`.cache`: answers of repeated queries per store version, bounded in bytes.
- :mod:`.runner`: :class:`QueryRunner`, what the web layer calls.
"""

from __future__ import annotations

from .guard import Checked, QueryRefused, check_query, check_update, query_hash, tokens
from .results import Outcome
from .runner import QueryRunner, UpdateRefused

__all__ = [
    "Checked",
    "Outcome",
    "QueryRefused",
    "QueryRunner",
    "UpdateRefused",
    "check_query",
    "check_update",
    "query_hash",
    "tokens",
]
