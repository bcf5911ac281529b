"""One shared thread watches every running statement: cancels and timeouts fire, finished statements never."""
from __future__ import annotations

import threading
import time

from semantic.execute import Watchdog


def interrupter() -> tuple[threading.Event, callable]:
    fired = threading.Event()
    return fired, fired.set


def test_a_cancel_interrupts_within_a_poll() -> None:
    fired, interrupt = interrupter()
    cancel = threading.Event()
    dog = Watchdog(interrupt, 30.0, cancel)
    cancel.set()
    assert fired.wait(2) and dog.reason == "cancelled"
    dog.stop()


def test_a_timeout_interrupts_and_others_keep_running() -> None:
    short_fired, short = interrupter()
    long_fired, long_ = interrupter()
    slow, quick = Watchdog(long_, 30.0, None), Watchdog(short, 0.2, None)
    started = time.monotonic()
    assert short_fired.wait(2) and quick.reason == "timeout" and time.monotonic() - started >= 0.2
    assert not long_fired.is_set() and slow.reason is None
    slow.stop()
    quick.stop()


def test_a_finished_statement_is_never_interrupted() -> None:
    fired, interrupt = interrupter()
    cancel = threading.Event()
    Watchdog(interrupt, 0.1, cancel).stop()
    cancel.set()
    time.sleep(0.3)
    assert not fired.is_set()


def test_many_statements_share_one_thread() -> None:
    dogs = [Watchdog(lambda: None, 30.0, threading.Event()) for _ in range(20)]
    watchers = [t for t in threading.enumerate() if t.name == "semantic-watchdog"]
    assert len(watchers) == 1
    for dog in dogs:
        dog.stop()
