"""A Retry-After beyond the in-process cap, from the real receiver over HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

from callpipe.connectors.receiver import FaultStep
from callpipe.connectors.webhook import DeliveryStatus
from tests.integration.webhook_http_support import Recorder, payload_for, receiver_and_sender


def test_a_retry_after_beyond_the_maximum_backoff_defers_to_the_schedule(tmp_path: Path) -> None:
    """429 with Retry-After: 120 and a 5 s maximum backoff: no sleep, the call is deferred
    with the wait the server asked for (the delivery stage puts it on webhooks.retry)."""

    async def main() -> None:
        recorder = Recorder()
        async with receiver_and_sender(
            tmp_path,
            recorder,
            faults=[FaultStep(status=429, times=1, retry_after="120")],
            webhook_backoff_max_ms=5000,
        ) as (_, sender):
            outcome = await sender.deliver(payload_for(), "bot_1-x")
        assert outcome.status is DeliveryStatus.DEFERRED
        assert outcome.retry_after_s == 120.0 and outcome.http_status == 429
        assert recorder.sleeps == []

    asyncio.run(main())
