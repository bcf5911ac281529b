"""The catalogue writes a metric's formula as semantic/definitions/formula_text.py does (decks use it too)."""
from semantic.definitions.formula_text import formula_text

__all__ = ["formula_text"]
