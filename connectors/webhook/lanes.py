"""An httpx transport that gives each in-flight request its own connection lane.

Why: httpx 0.28 sits on httpcore 1.0, whose connection pool hands a newly
idle HTTP/1.1 connection to *every* queued request; all but one wake up,
fail, re-queue and rescan the pool. With tens of concurrent requests to a
fast server this churn eats the CPU (measured here: 2000 POSTs at
concurrency 50 to the local receiver ran at about 80/s through one plain
``AsyncClient``, about 480/s through ``ConnectionLanes``). The upstream fix is
encode/httpcore#1035, carried by the httpx2 fork (pydantic/httpx2#1075).

How: ``ConnectionLanes(n)`` keeps ``n`` ordinary ``AsyncHTTPTransport``s of one
connection each. A request waits for a free lane (bounded by httpx's *pool*
timeout, raising ``httpx.PoolTimeout`` as a pool would), uses it, and gives it
back when its response is closed. So no httpcore pool ever has a queue, and
keep-alive connections are still reused (the most recently freed lane first).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable

import httpx


class _ReleasingStream(httpx.AsyncByteStream):
    """A response body that frees its lane when closed."""

    def __init__(self, inner: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._inner = inner
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


class ConnectionLanes(httpx.AsyncBaseTransport):
    """Up to ``lanes`` single-connection transports shared by concurrent requests.

    Lanes are created on demand and share one SSL context (building a context
    loads the CA bundle, which is too slow to do per lane).
    """

    def __init__(self, lanes: int) -> None:
        if lanes < 1:
            raise ValueError("lanes must be >= 1")
        self.size = lanes
        self._lanes: list[httpx.AsyncHTTPTransport] = []
        self._free: asyncio.LifoQueue[httpx.AsyncHTTPTransport] = asyncio.LifoQueue()
        self._ssl_context: ssl.SSLContext | None = None

    @property
    def opened(self) -> int:
        """Lanes created so far."""
        return len(self._lanes)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        lane = await self._acquire(request)
        try:
            response = await lane.handle_async_request(request)
        except BaseException:
            self._free.put_nowait(lane)
            raise
        stream = response.stream
        if not isinstance(stream, httpx.AsyncByteStream):  # never for AsyncHTTPTransport
            self._free.put_nowait(lane)
            raise TypeError("a lane returned a synchronous response stream")
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_ReleasingStream(stream, lambda: self._free.put_nowait(lane)),
            extensions=response.extensions,
        )

    async def _acquire(self, request: httpx.Request) -> httpx.AsyncHTTPTransport:
        if self._free.empty() and len(self._lanes) < self.size:
            if self._ssl_context is None:
                self._ssl_context = httpx.create_ssl_context()
            one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
            lane = httpx.AsyncHTTPTransport(verify=self._ssl_context, limits=one)
            self._lanes.append(lane)
            return lane
        try:
            async with asyncio.timeout(request.extensions.get("timeout", {}).get("pool")):
                return await self._free.get()
        except TimeoutError:
            raise httpx.PoolTimeout("no free connection lane", request=request) from None

    async def aclose(self) -> None:
        for lane in self._lanes:
            await lane.aclose()
