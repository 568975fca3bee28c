"""AiohttpSite: binds before serving (port 0 -> a real port) and stops cleanly."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from aiohttp import web

from callpipe.connectors.aiohttp_site import AiohttpSite, bind_socket


async def _hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


def _app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", _hello)
    return app


def test_port_zero_becomes_the_real_port_and_serves() -> None:
    asyncio.run(_serves_on_a_real_port())


async def _serves_on_a_real_port() -> None:
    site = AiohttpSite("127.0.0.1", 0, shutdown_grace_s=1)
    await site.serve(_app())
    try:
        assert site.port != 0
        assert site.base_url == f"http://127.0.0.1:{site.port}"
        async with httpx.AsyncClient() as client:
            assert (await client.get(site.base_url + "/")).text == "hello"
    finally:
        await site.stop()
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(site.base_url + "/")


def test_stop_twice_and_before_start_is_harmless() -> None:
    async def main() -> None:
        site = AiohttpSite("127.0.0.1", 0, shutdown_grace_s=1)
        await site.stop()
        await site.serve(_app())
        await site.stop()
        await site.stop()

    asyncio.run(main())


def test_a_taken_port_raises_oserror() -> None:
    taken = bind_socket("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        # SO_REUSEADDR does not allow two listeners on one port.
        site = AiohttpSite("127.0.0.1", port, shutdown_grace_s=1)
        with pytest.raises(OSError):
            asyncio.run(site.serve(_app()))
    finally:
        taken.close()


def test_ipv6_hosts_are_bracketed_in_urls() -> None:
    assert AiohttpSite("::1", 8080, shutdown_grace_s=1).base_url == "http://[::1]:8080"


def test_bind_socket_listens_without_blocking() -> None:
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.getblocking() is False
        assert sock.type == socket.SOCK_STREAM
    finally:
        sock.close()
