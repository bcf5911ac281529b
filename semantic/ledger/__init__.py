"""The canonical demo ledger: its table schema, a deterministic generator and a bulk loader."""
from semantic.ledger.demo import generate
from semantic.ledger.guard import LedgerError
from semantic.ledger.load import check_replaceable, demo_ledger_present, write_demo, write_ledger
from semantic.ledger.schema import TABLE_NAMES, metadata
from semantic.ledger.stages import STAGES, LedgerStage

__all__ = ["LedgerError", "LedgerStage", "STAGES", "TABLE_NAMES", "check_replaceable", "demo_ledger_present",
           "generate", "metadata", "write_demo", "write_ledger"]
