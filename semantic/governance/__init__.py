"""Governance: what a definitions change does (`semantic diff`), whether the definitions compute what is meant
(`semantic test`), and what changed them over time (`semantic history`)."""
