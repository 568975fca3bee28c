"""/readyz and /metrics of the HTTP ingest, in-process over a fake producer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
from source_fakes import FakeSink, bad_timestamp, transcript

from callpipe import metrics
from callpipe.connectors.aiohttp_site import running
from callpipe.connectors.sources import INGEST_PATH, IngestServer
from callpipe.connectors.sources.ingest_health import BrokerWatch
from callpipe.health import CheckResult

Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]


def _run(scenario: Scenario, broker_check: Callable[[], CheckResult] | None = None) -> None:
    async def main() -> None:
        async with (
            running(IngestServer(FakeSink(), broker_check=broker_check)) as server,
            httpx.AsyncClient(base_url=server.base_url) as client,
        ):
            if server.broker is not None:
                await server.broker.refresh()
            await scenario(client)

    asyncio.run(main())


def test_ready_when_delivering_and_the_broker_answers() -> None:
    """200 with both checks named and passing."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {
            "ready": True,
            "checks": {
                "delivery": {"ok": True, "detail": "delivery thread running"},
                "producer": {"ok": True, "detail": "1 broker(s) reachable"},
            },
        }

    _run(scenario, lambda: CheckResult(True, "1 broker(s) reachable"))


def test_not_ready_while_no_broker_answers() -> None:
    """503 naming the producer; /healthz (alive) stays 200."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["producer"] == {
            "ok": False,
            "detail": "no broker reachable: Local: Broker transport failure",
        }
        assert (await client.get("/healthz")).status_code == 200

    _run(
        scenario, lambda: CheckResult(False, "no broker reachable: Local: Broker transport failure")
    )


def test_a_broker_check_that_raises_is_not_ready() -> None:
    """The watch keeps a failed result instead of dying with the check."""

    def broken() -> CheckResult:
        raise RuntimeError("boom")

    watch = BrokerWatch(broken)
    asyncio.run(watch.refresh())
    assert watch.result == CheckResult(False, "broker check failed: RuntimeError")


def _count(outcome: str) -> float:
    return (
        metrics.INGEST.get_sample_value("callpipe_ingest_requests_total", {"outcome": outcome}) or 0
    )


def test_metrics_count_requests_by_outcome() -> None:
    """/metrics serves the ingest's own families, counted per answered POST."""
    before = {outcome: _count(outcome) for outcome in ("accepted", "invalid")}

    async def scenario(client: httpx.AsyncClient) -> None:
        await client.post(INGEST_PATH, json=transcript("call-m1"))
        await client.post(INGEST_PATH, json=bad_timestamp("call-m2"))
        await client.post(INGEST_PATH, json=bad_timestamp("call-m3"))
        response = await client.get("/metrics")
        assert response.status_code == 200
        assert "callpipe_ingest_request_seconds_bucket" in response.text
        assert "callpipe_records_in_total" not in response.text

    _run(scenario)
    assert _count("accepted") == before["accepted"] + 1
    assert _count("invalid") == before["invalid"] + 2
