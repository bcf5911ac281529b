"""Access: who is asking (`Caller`) and what they may see (`Access`: visible metrics and dimensions, row filters
bound to their claims), from the roles in the definitions (policies.yaml, docs/access.md)."""
from semantic.access.caller import Caller
from semantic.access.resolve import Access, View, access_for, names_access, view_of

__all__ = ["Access", "Caller", "View", "access_for", "names_access", "view_of"]
