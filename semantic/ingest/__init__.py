"""Ingest: source exports -> adapters (parsers) -> the store (idempotent upserts) -> the canonical ledger tables."""
