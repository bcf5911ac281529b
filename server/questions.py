"""Running one question from a request: a bounded number at once, and cancelled when nobody waits for it.

Both GraphQL resolvers and the plain HTTP endpoints go through `run_query`, so the same two promises hold
everywhere:

- At most `max_concurrent_queries` questions run at once. A request that finds every slot taken waits at
  most `queue_timeout_s`, then gets E_SERVER_BUSY: the machine degrades into quick refusals, not into
  memory exhaustion. Slots are counted with a lock rather than an asyncio semaphore because one app may be
  driven by several event loops (tests do), and an asyncio primitive belongs to one loop; a released slot
  wakes one waiter through its own loop.
- A question whose client hangs up (or whose request task is cancelled) is told to stop: the layer's
  `cancel` event is set, which interrupts the database work. A slot is only given back when the worker
  thread has really finished, so an abandoned query still counts until the database lets go of it.
"""
from __future__ import annotations

import asyncio
import inspect
import math
import threading
import time
from collections import deque
from functools import lru_cache, partial
from typing import Any, Awaitable, Callable

from starlette.concurrency import run_in_threadpool

from semantic.access import Caller
from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import FunnelQuestion, Question
from semantic.result import Result

DISCONNECT_POLL_S = 0.1  # how often a waiting request checks whether its client is still there
WAKE_FALLBACK_S = 0.05  # a waiter looks for a free slot at least this often, woken or not


def _resolve(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)


class QuestionSlots:
    """A counter of running questions with a cap; `acquire` waits (without blocking the loop) up to a limit.

    A waiter is woken when a slot is released (on whichever event loop it waits), and looks again at least
    every WAKE_FALLBACK_S regardless; woken, it competes for the slot like any newcomer."""

    def __init__(self, limit: int, queue_timeout_s: float) -> None:
        self.limit = limit
        self.queue_timeout_s = queue_timeout_s
        self.running = 0
        self._waiters: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = deque()
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        with self._lock:
            if self.running >= self.limit:
                return False
            self.running += 1
            return True

    def release(self) -> None:
        with self._lock:
            self.running -= 1
        self._wake_one()

    def _slot_or_waiter(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future | None:
        """A slot (None), or a future set when one is released: both decided under the lock, so no release
        falls between looking and queueing."""
        with self._lock:
            if self.running < self.limit:
                self.running += 1
                return None
            while self._waiters and self._waiters[0][1].done():  # left by waiters that timed out or went away
                self._waiters.popleft()
            waiter = loop.create_future()
            self._waiters.append((loop, waiter))
            return waiter

    def _wake_one(self) -> None:
        with self._lock:
            while self._waiters:
                loop, waiter = self._waiters.popleft()
                if not waiter.done():
                    break
            else:
                return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:  # released on the waiter's own loop (the usual case): no wake-up through its pipe
            loop.call_soon(_resolve, waiter)
        else:
            loop.call_soon_threadsafe(_resolve, waiter)

    async def acquire(self) -> None:
        """Take a slot, or raise E_SERVER_BUSY after `queue_timeout_s`."""
        deadline = time.monotonic() + self.queue_timeout_s
        loop = asyncio.get_running_loop()
        while (waiter := self._slot_or_waiter(loop)) is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                waiter.cancel()
                raise busy(self.limit, self.queue_timeout_s)
            try:
                await asyncio.wait_for(waiter, min(WAKE_FALLBACK_S, remaining))
            except asyncio.TimeoutError:
                pass
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake_one()  # this wake-up is not used: pass it on
                raise

    @property
    def retry_after_s(self) -> int:
        """What a refused client is told to wait (HTTP Retry-After): a whole number of seconds, at least 1."""
        return max(1, math.ceil(self.queue_timeout_s))


def busy(limit: int, waited_s: float) -> SemanticError:
    return SemanticError("E_SERVER_BUSY",
                         f"the server is already running {limit} questions and none finished within {waited_s:g} s",
                         "retry in a moment; the operator can raise the max_concurrent_queries or "
                         "queue_timeout_s settings")


def accepts_cancel(query: Callable[..., Any]) -> bool:
    """Whether this layer's `query` takes a `cancel` event (libraries without it still run, uncancellable)."""
    return _takes_cancel(getattr(query, "__func__", query))


@lru_cache(maxsize=64)
def _takes_cancel(function: Callable[..., Any]) -> bool:
    """Read once per function: a signature costs more than answering a cached question."""
    try:
        return "cancel" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


async def run_query(layer: SemanticLayer, question: Question, slots: QuestionSlots,
                    disconnected: Callable[[], Awaitable[bool]] | None = None, caller: Caller | None = None
                    ) -> Result:
    """Run `layer.query(question)` as `caller` in a worker thread under a slot; cancel it if the client goes
    away."""
    return await run_blocking(partial(_query, layer, question, caller), slots, disconnected)


def _query(layer: SemanticLayer, question: Question, caller: Caller | None, cancel: threading.Event) -> Result:
    if accepts_cancel(layer.query):
        return layer.query(question, cancel=cancel, caller=caller)
    return layer.query(question)  # a stand-in layer of a test: no policies


async def run_funnel(layer: SemanticLayer, question: FunnelQuestion, slots: QuestionSlots,
                     disconnected: Callable[[], Awaitable[bool]] | None = None, caller: Caller | None = None
                     ) -> Result:
    """Run `layer.funnel(question)` like a question: under a slot, cancelled if the client goes away."""
    return await run_blocking(lambda cancel: layer.funnel(question, cancel=cancel, caller=caller), slots,
                              disconnected)


async def run_blocking(work: Callable[[threading.Event], Any], slots: QuestionSlots,
                       disconnected: Callable[[], Awaitable[bool]] | None = None) -> Any:
    """`work(cancel_event)` in the thread pool under a slot, watching for a client that hung up."""
    await slots.acquire()
    cancel = threading.Event()
    try:
        worker = asyncio.ensure_future(run_in_threadpool(work, cancel))
    except BaseException:
        slots.release()
        raise
    worker.add_done_callback(lambda _: slots.release())  # only when the thread is really done
    try:
        while True:
            done, _ = await asyncio.wait({worker}, timeout=DISCONNECT_POLL_S)
            if done:
                return worker.result()
            if disconnected is not None and not cancel.is_set() and await disconnected():
                cancel.set()  # the worker ends soon with E_QUERY_CANCELLED; nobody will read the answer
    except asyncio.CancelledError:
        cancel.set()
        worker.add_done_callback(_swallow)
        raise


def _swallow(worker: asyncio.Future) -> None:
    """Read an abandoned worker's outcome so asyncio does not log 'exception was never retrieved'."""
    if not worker.cancelled():
        worker.exception()
