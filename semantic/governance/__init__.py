"""Governance: what a definitions change does, before it is merged (`semantic diff`)."""
