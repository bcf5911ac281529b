"""Linking: tie every activity of the ledger to a rep, contact, account and opportunity by versioned rules."""
from __future__ import annotations

from semantic.link.engine import link

__all__ = ["link"]
