"""The key check a server runs when it starts and after each reload: findings go to the log at once, and the
results are remembered (semantic/keys/registry.py), so the first answers need not probe the keys themselves.

Never fatal: a database that is down at start-up or a check that times out is logged, and answers then
check the keys they rest on when asked (or say they are unverified).
"""
from __future__ import annotations

import logging

from semantic.dberrors import sanitize
from semantic.keys.registry import KEY_CHECKS
from semantic.layer import SemanticLayer
from server.failures import short

log = logging.getLogger("semantic.server")


def check_keys(layer: SemanticLayer) -> None:
    """Check every key of the layer's definitions afresh and log the findings (one line each)."""
    if not layer.database_url or layer.settings.key_check_max_age_s <= 0:
        return
    try:
        report = KEY_CHECKS.check(layer.definitions, layer.database_url, layer.settings, max_age_s=0)
    except Exception as exc:  # the server keeps serving; answers check their own keys later
        log.warning("key check failed: %s: %s", type(exc).__name__, sanitize(short(exc)))
        return
    for finding in report.findings:
        (log.error if finding.severity == "error" else log.warning)("key check: %s", finding.render())
    log.info("key check: %d keys and joins checked in %.0f ms, %d findings", len(report.checked),
             report.seconds * 1000, len(report.findings))
