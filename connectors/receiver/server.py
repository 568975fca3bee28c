"""Starting and stopping the receiver: in-process for tests, or as a service.

``running_receiver`` serves on an ephemeral port (``port=0``) and yields the
base URL; ``serve`` runs until its stop event is set (the CLI sets it on
SIGTERM or SIGINT). Both stop the same way: stop accepting, let requests in
flight finish (fault delays are cut short), write what is queued, close the
database.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from connectors.receiver.app import Receiver
from connectors.receiver.faults import FaultPlan
from connectors.receiver.store import PayloadStore

SHUTDOWN_GRACE_S = 5.0

logger = logging.getLogger(__name__)


class ReceiverServer:
    """One receiver bound to a host and port, with its store."""

    def __init__(
        self,
        db_path: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultPlan | None = None,
        api_key: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.store = PayloadStore(db_path)
        self.receiver = Receiver(self.store, faults=faults, api_key=api_key)
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port`` (the real port once started)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        """Opens the store, binds the socket and starts serving."""
        try:
            await self.store.open()
            sock = _bind(self.host, self.port)
            self.port = sock.getsockname()[1]
            runner = web.AppRunner(
                self.receiver.build(), access_log=None, shutdown_timeout=SHUTDOWN_GRACE_S
            )
            await runner.setup()
            self._runner = runner
            await web.SockSite(runner, sock).start()
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stops serving, then flushes and closes the store."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.store.close()


def _bind(host: str, port: int) -> socket.socket:
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


@asynccontextmanager
async def running_receiver(
    db_path: Path | str,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: FaultPlan | None = None,
    api_key: str | None = None,
) -> AsyncIterator[str]:
    """Serves the receiver while the block runs; yields its base URL.

    ``faults`` enables fault injection (the plan object stays live: changing
    it changes the receiver's behaviour, as ``POST /_faults`` does).
    """
    server = ReceiverServer(Path(db_path), host=host, port=port, faults=faults, api_key=api_key)
    await server.start()
    try:
        yield server.base_url
    finally:
        await server.stop()


async def serve(server: ReceiverServer, stop: asyncio.Event) -> None:
    """Runs ``server`` until ``stop`` is set."""
    await server.start()
    logger.info(
        "receiver listening",
        extra={
            "fields": {
                "url": server.base_url,
                "db": str(server.store.path),
                "faults": server.receiver.faults is not None,
            }
        },
    )
    try:
        await stop.wait()
    finally:
        logger.info("receiver stopping")
        await server.stop()
        logger.info("receiver stopped", extra={"fields": {"stored": server.store.stored_count}})
