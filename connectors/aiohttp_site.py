"""Serving one aiohttp application on a host and port.

The receiver and the HTTP ingest both need the same thing: bind first (so
port 0 becomes a real ephemeral port the caller can read back), serve, and
on stop let requests in flight finish within a grace period. ``running``
serves one while a block runs (tests); ``serve_until`` serves one until an
event is set (the commands), logging its start and stop on the server's
``log``, the logger of its own module.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import ClassVar, Protocol, TypeVar

from aiohttp import web

logger = logging.getLogger(__name__)


class Server(Protocol):
    """A server that starts and stops (an ``AiohttpSite`` with what it serves)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


S = TypeVar("S", bound=Server)


@asynccontextmanager
async def running(server: S) -> AsyncIterator[S]:
    """Serves while the block runs; stops also when the block raises."""
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class AiohttpSite:
    """An aiohttp application bound to ``host``:``port`` (port 0: any free port).

    Servers extend it: ``application`` gives what to serve, ``open`` prepares
    what it needs (a store, a thread), and their ``stop`` calls this ``stop``
    before closing the rest. ``start`` runs both, and stops again if any step fails.
    """

    log: ClassVar[logging.Logger] = logger

    def __init__(self, host: str, port: int, *, shutdown_grace_s: float) -> None:
        self.host = host
        self.port = port
        self.shutdown_grace_s = shutdown_grace_s
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port`` (the real port once started)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def application(self) -> web.Application:
        """The aiohttp application to serve (a server defines it)."""
        raise NotImplementedError

    async def open(self) -> None:
        """Prepares what the application needs before it serves; nothing by default."""

    async def start(self) -> None:
        """Opens, binds the socket and starts serving; a failed step stops what started."""
        try:
            await self.open()
            await self.serve(self.application())
        except BaseException:
            await self.stop()
            raise

    def listening(self) -> dict[str, object]:
        """The fields of the "listening" log line (the real port is known once started)."""
        return {"url": self.base_url}

    def stopped(self) -> dict[str, object]:
        """The fields of the "stopped" log line."""
        return {}

    async def serve_until(self, stop: asyncio.Event, name: str) -> None:
        """Serves until ``stop`` is set; "<name> listening/stopping/stopped" are logged on
        the server's ``log`` (its module's logger), so each line says which server it was."""
        log = self.log
        await self.start()
        log.info(f"{name} listening", extra={"fields": self.listening()})
        try:
            await stop.wait()
        finally:
            log.info(f"{name} stopping")
            await self.stop()
            log.info(f"{name} stopped", extra={"fields": self.stopped()})

    async def serve(self, app: web.Application) -> None:
        """Binds the socket and starts serving ``app``; undone if any step fails."""
        sock = bind_socket(self.host, self.port)
        self.port = sock.getsockname()[1]
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=self.shutdown_grace_s)
        try:
            await runner.setup()
            self._runner = runner
            await web.SockSite(runner, sock).start()
        except BaseException:
            await self._stop_serving()
            sock.close()
            raise

    async def stop(self) -> None:
        """Stops accepting and waits up to the grace period for requests in flight."""
        await self._stop_serving()

    async def _stop_serving(self) -> None:
        # Not `stop`, which a server extends to close what it opened in `start`.
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening, non-blocking TCP socket (IPv6 when the host has a colon)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock
