"""Starting and stopping the receiver: in-process for tests, or as a service.

``running_receiver`` serves on an ephemeral port (``port=0``) and yields the
base URL; ``serve_until`` (of ``AiohttpSite``) runs until its stop event is set (the CLI sets it on
SIGTERM or SIGINT). Both stop the same way: stop accepting, let requests in
flight finish (fault delays are cut short), write what is queued, close the
database.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from callpipe.connectors.aiohttp_site import AiohttpSite, running
from callpipe.connectors.receiver.app import Receiver
from callpipe.connectors.receiver.faults import FaultPlan
from callpipe.connectors.receiver.store import PayloadStore

SHUTDOWN_GRACE_S = 5.0

logger = logging.getLogger(__name__)


class ReceiverServer(AiohttpSite):
    """One receiver bound to a host and port, with its store."""

    log = logger

    def __init__(
        self,
        db_path: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultPlan | None = None,
        api_key: str | None = None,
        signing_secrets: Sequence[str] = (),
    ) -> None:
        super().__init__(host, port, shutdown_grace_s=SHUTDOWN_GRACE_S)
        self.store = PayloadStore(db_path)
        self.receiver = Receiver(
            self.store, faults=faults, api_key=api_key, signing_secrets=signing_secrets
        )

    def application(self) -> web.Application:
        return self.receiver.build()

    async def open(self) -> None:
        """Opens the store."""
        await self.store.open()

    def listening(self) -> dict[str, object]:
        return {
            "url": self.base_url,
            "db": str(self.store.path),
            "faults": self.receiver.faults is not None,
            "signatures": self.receiver.verifies_signatures,
        }

    def stopped(self) -> dict[str, object]:
        return {"stored": self.store.stored_count}

    async def stop(self) -> None:
        """Stops serving, then flushes and closes the store."""
        await super().stop()
        await self.store.close()


@asynccontextmanager
async def running_receiver(
    db_path: Path | str,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: FaultPlan | None = None,
    api_key: str | None = None,
    signing_secrets: Sequence[str] = (),
) -> AsyncIterator[str]:
    """Serves the receiver while the block runs; yields its base URL.

    ``faults`` enables fault injection (the plan object stays live: changing
    it changes the receiver's behaviour, as ``POST /_faults`` does).
    ``signing_secrets`` (``whsec_...``) make every POST need a valid signature.
    """
    server = ReceiverServer(
        Path(db_path),
        host=host,
        port=port,
        faults=faults,
        api_key=api_key,
        signing_secrets=signing_secrets,
    )
    async with running(server):
        yield server.base_url
