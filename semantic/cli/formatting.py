"""Kept for imports written before number formatting moved to semantic/formatting.py (decks use it too)."""
from semantic.formatting import format_value

__all__ = ["format_value"]
