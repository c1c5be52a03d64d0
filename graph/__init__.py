"""Partnergraph: a knowledge graph of international partnerships (no web framework in here)."""

from .knowledge import KnowledgeGraph, ValidationError, ValidationReport
from .queries import NamedQuery, QueryError, get_query, named_queries
from .store import DataSyntaxError, QuerySyntaxError, SelectResult, Store, StoreError, open_store

__all__ = [
    "DataSyntaxError",
    "KnowledgeGraph",
    "NamedQuery",
    "QueryError",
    "QuerySyntaxError",
    "SelectResult",
    "Store",
    "StoreError",
    "ValidationError",
    "ValidationReport",
    "get_query",
    "named_queries",
    "open_store",
]
