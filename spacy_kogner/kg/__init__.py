"""Distilled knowledge-graph table: format, alias normalization, loaders."""
from .loaders import create_kg_table_loader
from .normalize import alias_key, normalize_text, normalize_tokens
from .table import KGEntity, KGMention, KGTable, KGTableError

__all__ = [
    "KGEntity", "KGMention", "KGTable", "KGTableError",
    "alias_key", "create_kg_table_loader", "normalize_text", "normalize_tokens",
]
