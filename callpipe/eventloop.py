"""Which asyncio event loop the long-running processes use.

Every worker, the HTTP ingest and the reference receiver are event-loop
bound: a stage spends a large share of its CPU in the loop itself (socket
reads and writes, callbacks, timers; docs/performance.md). uvloop's loop,
written on libuv, does that work in C, so it is the default (``EVENT_LOOP``).
``asyncio`` keeps the standard library's loop, for debugging or a platform
without uvloop wheels.

The policy is installed, not just one loop created, because Faust runs its
Kafka consumer in a thread with a loop of its own, made by
``asyncio.new_event_loop()``: with the policy set it is a uvloop loop too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, Literal, TypeVar

EventLoopKind = Literal["uvloop", "asyncio"]

T = TypeVar("T")

log = logging.getLogger(__name__)


def use_event_loop(kind: EventLoopKind) -> EventLoopKind:
    """Installs the event-loop policy of ``kind``; returns the kind in use.

    Falls back to asyncio's loop, with a warning, when uvloop is not installed.
    """
    if kind == "uvloop":
        try:
            import uvloop
        except ImportError:
            log.warning("EVENT_LOOP=uvloop but uvloop is not installed; using asyncio's loop")
            asyncio.set_event_loop_policy(None)
            return "asyncio"
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        return "uvloop"
    asyncio.set_event_loop_policy(None)
    return "asyncio"


def new_event_loop(kind: EventLoopKind) -> asyncio.AbstractEventLoop:
    """A new loop of ``kind`` (the policy installed too), set as the current loop."""
    use_event_loop(kind)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    return loop


def run(main: Coroutine[Any, Any, T], kind: EventLoopKind) -> T:
    """``asyncio.run`` on a loop of ``kind``."""
    use_event_loop(kind)
    return asyncio.run(main)
