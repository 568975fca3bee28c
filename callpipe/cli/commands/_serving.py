"""Serving until the process is told to stop: what `callpipe ingest` and
`callpipe receiver` share.

SIGTERM (a service manager, a container runtime) and SIGINT (Ctrl-C) set one
stop event; the server then stops taking requests, lets those in flight
finish within its grace period and closes what it opened.
"""

from __future__ import annotations

import asyncio
import signal

from callpipe import eventloop
from callpipe.connectors.aiohttp_site import AiohttpSite
from callpipe.eventloop import EventLoopKind


def serve_until_signal(server: AiohttpSite, name: str, loop: EventLoopKind) -> None:
    """Serves on an event loop of ``loop`` until SIGTERM or SIGINT.

    ``name`` starts the server's log lines ("ingest listening"). Raises what
    starting the server raises, such as OSError for a port already taken.
    """
    eventloop.run(_serve(server, name), loop)


async def _serve(server: AiohttpSite, name: str) -> None:
    stop = asyncio.Event()
    running_loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        running_loop.add_signal_handler(signum, stop.set)
    await server.serve_until(stop, name)
