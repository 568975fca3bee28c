"""ConnectionLanes: one connection per in-flight request, reused, bounded, released."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest

from connectors.receiver import WEBHOOK_PATH, FaultPlan, FaultStep, running_receiver
from connectors.webhook.lanes import ConnectionLanes


def test_sequential_requests_reuse_one_lane(tmp_path: Path) -> None:
    """Keep-alive: three requests one after another open a single lane."""

    async def main() -> int:
        lanes = ConnectionLanes(4)
        async with (
            running_receiver(tmp_path / "r.db") as base_url,
            httpx.AsyncClient(transport=lanes) as client,
        ):
            for _ in range(3):
                assert (await client.get(base_url + WEBHOOK_PATH)).status_code == 200
        return lanes.opened

    assert asyncio.run(main()) == 1


def test_concurrency_is_bounded_by_the_lane_count(tmp_path: Path) -> None:
    """Six slow requests over two lanes all succeed, with two lanes opened."""

    async def main() -> tuple[list[int], int]:
        lanes = ConnectionLanes(2)
        plan = FaultPlan([FaultStep(status=503, delay_ms=100, times=6)])
        async with (
            running_receiver(tmp_path / "r.db", faults=plan) as base_url,
            httpx.AsyncClient(transport=lanes) as client,
        ):
            responses = await asyncio.gather(
                *(client.post(base_url + WEBHOOK_PATH, content=b"{}") for _ in range(6))
            )
        return [r.status_code for r in responses], lanes.opened

    assert asyncio.run(main()) == ([503] * 6, 2)


def test_waiting_for_a_lane_obeys_the_pool_timeout(tmp_path: Path) -> None:
    """All lanes busy longer than the pool timeout: httpx.PoolTimeout, as a pool would."""

    async def main() -> None:
        plan = FaultPlan([FaultStep(status=503, delay_ms=500, times=1)])
        timeout = httpx.Timeout(5.0, pool=0.05)
        async with (
            running_receiver(tmp_path / "r.db", faults=plan) as base_url,
            httpx.AsyncClient(transport=ConnectionLanes(1), timeout=timeout) as client,
        ):
            slow = asyncio.create_task(client.post(base_url + WEBHOOK_PATH, content=b"{}"))
            await asyncio.sleep(0.1)
            with pytest.raises(httpx.PoolTimeout):
                await client.get(base_url + WEBHOOK_PATH)
            assert (await slow).status_code == 503

    asyncio.run(main())


def test_a_failed_request_gives_its_lane_back() -> None:
    """After a connection error the single lane is free for the next request."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def main() -> None:
        lanes = ConnectionLanes(1)
        timeout = httpx.Timeout(2.0, pool=0.2)
        async with httpx.AsyncClient(transport=lanes, timeout=timeout) as client:
            for _ in range(2):
                with pytest.raises(httpx.ConnectError):
                    await client.get(f"http://127.0.0.1:{port}/")
        assert lanes.opened == 1

    asyncio.run(main())


def test_at_least_one_lane() -> None:
    """Zero lanes is refused."""
    with pytest.raises(ValueError, match="lanes"):
        ConnectionLanes(0)
