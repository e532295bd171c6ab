"""The runtime KG table: file format, alias normalization and index, mention
matching, the gold hold-out and the registered loaders."""
from .format import KGTableError
from .holdout import GoldHoldOut, GoldHoldOutError
from .loaders import create_gold_hold_out_loader, create_kg_table_loader
from .matcher import KGMention
from .normalize import alias_key, normalize_text, normalize_tokens
from .table import KGTable

__all__ = [
    "GoldHoldOut", "GoldHoldOutError", "KGMention", "KGTable", "KGTableError",
    "alias_key", "create_gold_hold_out_loader", "create_kg_table_loader", "normalize_text", "normalize_tokens",
]
