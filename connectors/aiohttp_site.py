"""Serving one aiohttp application on a host and port.

The receiver and the HTTP ingest both need the same thing: bind first (so
port 0 becomes a real ephemeral port the caller can read back), serve, and
on stop let requests in flight finish within a grace period.
"""

from __future__ import annotations

import socket

from aiohttp import web


class AiohttpSite:
    """An aiohttp application bound to ``host``:``port`` (port 0: any free port).

    Servers extend it: their ``start`` prepares what the app needs, then calls
    ``serve``; their ``stop`` calls this ``stop`` before closing the rest.
    """

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
