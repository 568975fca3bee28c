"""An httpx transport that sends requests with aiohttp's client.

Why: the delivery stage spends most of its CPU in the HTTP client. Measured
here (2,000 POSTs of real payloads at concurrency 32 to the local receiver),
``WebhookSender`` cost about 1.3 ms of client CPU per request through
httpcore (even with one connection per request), against about 0.2 ms for aiohttp's
client; httpx's own request/response handling above the transport is about
0.2 ms. So the sender keeps httpx's API (its timeouts, errors, Response,
and every test written against them) and only the wire work moves to
aiohttp. See docs/performance.md.

What it keeps of httpx's contract:

- **Timeouts per phase.** ``pool`` bounds the wait for one of the
  ``connections`` slots (``httpx.PoolTimeout``), ``connect`` the TCP/TLS
  set-up (``httpx.ConnectTimeout``), ``read`` every wait for response bytes
  (``httpx.ReadTimeout``). aiohttp has no write timeout of its own, so the
  request as a whole, until its response headers, runs under a deadline of
  ``connect + write + read``: when that expires before aiohttp's own connect
  or read timeouts, the time went into sending (``httpx.WriteTimeout``).
- **Errors** are httpx's: refused or unreachable -> ``ConnectError``, a
  connection dropped without an answer -> ``RemoteProtocolError``, other
  socket errors -> ``ReadError`` (a ``NetworkError``), a URL that is not
  http(s) -> ``UnsupportedProtocol``; always chained ``from`` aiohttp's.
- **Raw bytes.** No redirects, no cookies, no decompression: httpx does
  those itself above the transport.
- **Bounded connections**, kept alive and reused: at most ``connections``
  requests in flight, so at most that many sockets.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import aiohttp
import httpx
from multidict import CIMultiDictProxy

_SKIP_HEADERS = frozenset({b"content-length", b"transfer-encoding", b"host"})


@dataclass(frozen=True)
class Answer:
    """A complete HTTP response as read off the wire."""

    status: int
    reason: str
    headers: CIMultiDictProxy[str]
    raw_headers: tuple[tuple[bytes, bytes], ...]
    content: bytes
    http_version: bytes

    @property
    def text(self) -> str:
        """The body as text (charset of Content-Type, else UTF-8; bad bytes replaced)."""
        charset = "utf-8"
        for part in self.headers.get("Content-Type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Up to ``connections`` concurrent requests over one aiohttp session."""

    def __init__(self, connections: int) -> None:
        if connections < 1:
            raise ValueError("connections must be >= 1")
        self.size = connections
        self._slots = asyncio.Semaphore(connections)
        self._session: aiohttp.ClientSession | None = None
        self._ssl_context: ssl.SSLContext | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            if self._ssl_context is None:
                self._ssl_context = httpx.create_ssl_context()
            connector = aiohttp.TCPConnector(
                limit=0,  # the slots bound the connections
                ssl=self._ssl_context,
                enable_cleanup_closed=False,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
                timeout=aiohttp.ClientTimeout(total=None),
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        body = await request.aread()
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in request.headers.raw
            if name.lower() not in _SKIP_HEADERS
        ]
        answer = await self._exchange(
            request.method,
            request.url.scheme,
            str(request.url),
            body,
            headers,
            timeouts,
            lambda: request,
        )
        return httpx.Response(
            status_code=answer.status,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.raw_headers],
            content=answer.content,
            extensions={
                "http_version": answer.http_version,
                "reason_phrase": answer.reason.encode("latin-1", "replace"),
            },
        )

    async def post(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout: httpx.Timeout
    ) -> Answer:
        """One POST without httpx's client machinery (the sender's hot path).

        Same slots, session, timeouts and httpx errors as a request through an
        ``httpx.AsyncClient`` over this transport; no redirects, no cookies.
        """
        scheme = url.partition("://")[0].lower() if "://" in url else ""
        timeouts = {
            "connect": timeout.connect,
            "read": timeout.read,
            "write": timeout.write,
            "pool": timeout.pool,
        }
        return await self._exchange(
            "POST",
            scheme,
            url,
            body,
            list(headers.items()),
            timeouts,
            lambda: httpx.Request("POST", url),
        )

    async def _exchange(
        self,
        method: str,
        scheme: str,
        url: str,
        body: bytes,
        headers: list[tuple[str, str]],
        timeouts: Mapping[str, float | None],
        request: Callable[[], httpx.Request],
    ) -> Answer:
        if scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(
                f"Request URL has an unsupported protocol '{scheme}://'.", request=request()
            )
        try:
            async with asyncio.timeout(timeouts.get("pool")):
                await self._slots.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout("no free connection", request=request()) from None
        try:
            return await self._send(method, url, body, headers, timeouts, request)
        finally:
            self._slots.release()

    async def _send(
        self,
        method: str,
        url: str,
        body: bytes,
        headers: list[tuple[str, str]],
        timeouts: Mapping[str, float | None],
        request: Callable[[], httpx.Request],
    ) -> Answer:
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None,
            sock_connect=timeouts.get("connect"),
            sock_read=timeouts.get("read"),
        )
        session = self._get_session()
        with _mapped_errors(request):
            deadline = _sum(timeouts.get("connect"), timeouts.get("write"), timeouts.get("read"))
            try:
                async with asyncio.timeout(deadline):
                    response = await session.request(
                        method,
                        url,
                        data=body or None,
                        headers=headers,
                        allow_redirects=False,
                        timeout=timeout,
                        compress=None,
                    )
            except TimeoutError as exc:
                if isinstance(exc, aiohttp.ServerTimeoutError):
                    raise
                raise httpx.WriteTimeout(
                    "timed out sending the request", request=request()
                ) from exc
            try:
                content = await response.read()
            finally:
                response.release()
        version = response.version
        return Answer(
            status=response.status,
            reason=response.reason or "",
            headers=response.headers,
            raw_headers=response.raw_headers,
            content=content,
            http_version=f"HTTP/{version.major}.{version.minor}".encode()
            if version
            else b"HTTP/1.1",
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _sum(*parts: float | None) -> float | None:
    """None (no limit) if any part is None, else the sum."""
    total = 0.0
    for part in parts:
        if part is None:
            return None
        total += part
    return total


@contextmanager
def _mapped_errors(request: Callable[[], httpx.Request]) -> Iterator[None]:
    """aiohttp's client errors as the httpx errors httpcore would raise."""
    try:
        yield
    except httpx.HTTPError:
        raise
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "connect timed out", request=request()) from exc
    except aiohttp.ServerTimeoutError as exc:  # SocketTimeoutError: a read took too long
        raise httpx.ReadTimeout(str(exc) or "read timed out", request=request()) from exc
    except aiohttp.ClientConnectorError as exc:  # refused, unreachable, DNS, TLS set-up
        raise httpx.ConnectError(str(exc), request=request()) from exc
    except aiohttp.ServerDisconnectedError as exc:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request()
        ) from exc
    except (aiohttp.ClientPayloadError, aiohttp.ClientResponseError) as exc:
        raise httpx.RemoteProtocolError(str(exc), request=request()) from exc
    except (aiohttp.InvalidURL, ValueError) as exc:
        raise httpx.LocalProtocolError(str(exc), request=request()) from exc
    except (aiohttp.ClientOSError, OSError) as exc:
        raise httpx.ReadError(str(exc) or type(exc).__name__, request=request()) from exc
    except aiohttp.ClientError as exc:
        raise httpx.TransportError(str(exc) or type(exc).__name__, request=request()) from exc
