"""Export writers: the demo ledger rendered as each source's export files (sample exports for docs and tests)."""
