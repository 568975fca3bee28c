"""Retry-After against the in-process cap: waited in process, or deferred to the schedule."""

from __future__ import annotations

from typing import Any

import pytest

from callpipe.connectors.webhook import DeliveryStatus
from tests.unit.connectors.sender_doubles import Recorder, reply
from tests.unit.connectors.test_webhook_sender import deliver, scripted


@pytest.mark.parametrize(("retry_after", "seconds"), [("3600", 3600.0), ("31", 31.0)])
def test_a_retry_after_beyond_the_maximum_backoff_defers_the_call(
    payload: dict[str, Any], retry_after: str, seconds: float
) -> None:
    """With delayed retries, a longer Retry-After ends the in-process retries at once:
    the outcome is deferred and says how long the receiver asked for."""
    handler, seen = scripted(reply(503, headers={"Retry-After": retry_after}), 200)
    recorder = Recorder()
    outcome = deliver(handler, payload, recorder)
    assert outcome.status is DeliveryStatus.DEFERRED
    assert outcome.retry_after_s == seconds
    assert outcome.http_status == 503
    assert len(seen) == 1 and recorder.sleeps == []
    assert outcome.attempts[-1].retry_delay_s is None


def test_a_retry_after_within_the_maximum_backoff_is_waited_in_process(
    payload: dict[str, Any],
) -> None:
    """Up to WEBHOOK_BACKOFF_MAX_MS the sender sleeps what the receiver asked for."""
    handler, _ = scripted(reply(429, headers={"Retry-After": "30"}), 200)
    recorder = Recorder()
    outcome = deliver(handler, payload, recorder)
    assert outcome.status is DeliveryStatus.DELIVERED
    assert recorder.sleeps == [30.0]
