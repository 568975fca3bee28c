"""AiohttpPoster: aiohttp's errors mapped once to ErrorKinds, timeouts by phase, over loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp.client_reqrep import ConnectionKey

from callpipe.connectors.webhook import AiohttpPoster, ErrorKind, PostFailed, Reply
from callpipe.connectors.webhook.aiohttp_transport import error_kind, mapped_errors

Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
KEY = ConnectionKey("h", 80, False, True, None, None, None)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (aiohttp.ConnectionTimeoutError("t"), "connect_timeout"),
        (aiohttp.SocketTimeoutError("t"), "read_timeout"),
        (aiohttp.ClientConnectorError(KEY, OSError(111, "refused")), "connect_error"),
        (aiohttp.ServerDisconnectedError(), "remote_protocol_error"),
        (aiohttp.ClientPayloadError("cut"), "remote_protocol_error"),
        (aiohttp.InvalidURL("x"), "invalid_request"),
        (ValueError("bad header"), "invalid_request"),
        (aiohttp.ClientOSError(104, "reset"), "network_error"),
        (ConnectionResetError("reset"), "network_error"),
        (aiohttp.ClientError("odd"), "transport_error"),
    ],
)
def test_each_aiohttp_error_has_its_kind(error: Exception, kind: ErrorKind) -> None:
    """The most specific kind wins, and PostFailed is chained from aiohttp's error."""
    assert error_kind(error) == kind
    with pytest.raises(PostFailed) as caught, mapped_errors():
        raise error
    assert caught.value.kind == kind
    assert caught.value.__cause__ is error
    assert str(caught.value)


@asynccontextmanager
async def serving(serve: Serve) -> AsyncIterator[str]:
    """A raw TCP server on loopback that answers as ``serve`` says."""
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        server.close()


async def _answer_201(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    body = b'{"success":true}'
    writer.write(
        b"HTTP/1.1 201 Created\r\nContent-Type: application/json; charset=utf-8\r\n"
        b"Retry-After: 5\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    await writer.drain()


async def _hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(3600)


async def _hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.close()


def post(serve: Serve, timeout: float = 1.0) -> Reply | PostFailed:
    """The reply of one POST to a server answering as ``serve``, or the PostFailed."""

    async def run() -> Reply | PostFailed:
        poster = AiohttpPoster(2)
        try:
            async with serving(serve) as url:
                return await poster.post(url, b"{}", {"Idempotency-Key": "k"}, timeout)
        except PostFailed as exc:
            return exc
        finally:
            await poster.aclose()

    return asyncio.run(run())


def test_a_reply_comes_back_whole() -> None:
    """Status, reason, case-insensitive headers and the body decoded by its charset."""
    reply = post(_answer_201)
    assert isinstance(reply, Reply)
    assert (reply.status, reply.reason) == (201, "Created")
    assert reply.headers["retry-after"] == "5"
    assert reply.text == '{"success":true}'


@pytest.mark.parametrize(
    ("serve", "kind"), [(_hang, "read_timeout"), (_hang_up, "remote_protocol_error")]
)
def test_no_answer_is_a_post_failed_of_its_kind(serve: Serve, kind: ErrorKind) -> None:
    """A server that never answers times out reading; one that hangs up drops the request."""
    failed = post(serve, timeout=0.2)
    assert isinstance(failed, PostFailed)
    assert failed.kind == kind


def test_a_refused_connection_is_a_connect_error() -> None:
    """Nobody listening on the port: connect_error, at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def run() -> PostFailed:
        poster = AiohttpPoster(1)
        try:
            with pytest.raises(PostFailed) as caught:
                await poster.post(f"http://127.0.0.1:{port}/", b"", {}, 1.0)
            return caught.value
        finally:
            await poster.aclose()

    assert asyncio.run(run()).kind == "connect_error"


def test_a_url_that_is_not_http_is_an_invalid_request() -> None:
    """No socket is opened for ftp:// or a URL without a scheme."""

    async def run(url: str) -> ErrorKind:
        poster = AiohttpPoster(1)
        with pytest.raises(PostFailed) as caught:
            await poster.post(url, b"", {}, 1.0)
        await poster.aclose()
        return caught.value.kind

    assert asyncio.run(run("ftp://example.test/")) == "invalid_request"
    assert asyncio.run(run("example.test/hook")) == "invalid_request"


def test_waiting_for_a_busy_connection_is_a_pool_timeout() -> None:
    """One connection, held by a hanging request: the next POST gives up waiting for it."""

    async def run() -> ErrorKind:
        poster = AiohttpPoster(1)
        async with serving(_hang) as url:
            first = asyncio.create_task(poster.post(url, b"", {}, 5.0))
            await asyncio.sleep(0.05)
            with pytest.raises(PostFailed) as caught:
                await poster.post(url, b"", {}, 0.1)
            first.cancel()
            await poster.aclose()
        return caught.value.kind

    assert asyncio.run(run()) == "pool_timeout"


def test_connections_must_be_positive() -> None:
    """A poster without a connection could never send."""
    with pytest.raises(ValueError, match="connections"):
        AiohttpPoster(0)
