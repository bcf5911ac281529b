"""CLI entry point. Each `cmd_*.py` module in this package registers its commands on the shared app."""
from __future__ import annotations

import importlib
import pkgutil

from semantic.cli.app import app


def _register_commands() -> None:
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("cmd_"):
            importlib.import_module(f"{__name__}.{module.name}")


_register_commands()


def main() -> None:
    app()
