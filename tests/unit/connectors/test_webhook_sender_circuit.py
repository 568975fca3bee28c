"""WebhookSender behind a circuit gate: outages are waited out, not retried to exhaustion."""

from __future__ import annotations

import asyncio
from typing import Any

from callpipe.connectors.webhook import (
    DeliveryOutcome,
    DeliveryStatus,
    PostFailed,
    Reply,
    RetryPolicy,
    WebhookSender,
)
from callpipe.connectors.webhook.circuit import CircuitBreaker
from callpipe.connectors.webhook.gate import CircuitChange, CircuitGate
from callpipe.edges import webhook_config
from callpipe.settings import Settings
from tests.unit.connectors.sender_doubles import FakePoster, Sent, reply

PROBE_S = 0.03


class Receiver:
    """A fake Poster's handler that is down (connection refused) until told otherwise."""

    def __init__(self, *, forward_status: int = 200) -> None:
        self.down = True
        self.primary_while_down = 0
        self.primary_while_up = 0
        self.forward_status = forward_status
        self.hang_next = False

    async def __call__(self, request: Sent) -> Reply:
        if request.host == "forward.test":
            return reply(self.forward_status)
        if self.hang_next:
            self.hang_next = False
            await asyncio.sleep(3600)
        if self.down:
            self.primary_while_down += 1
            raise PostFailed("connect_error", "refused")
        self.primary_while_up += 1
        return reply(200)


class Probes:
    def __init__(self) -> None:
        self.changes: list[CircuitChange] = []
        self.probes = 0

    def on_change(self, change: CircuitChange) -> None:
        self.changes.append(change)

    def on_probe(self, destination: str, succeeded: bool) -> None:
        self.probes += 1

    def on_waiting(self, destination: str, waiting: int) -> None:
        return None


def sender(receiver: Receiver, gate: CircuitGate, **overrides: Any) -> WebhookSender:
    async def no_sleep(_seconds: float) -> None:
        await asyncio.sleep(0)

    settings = Settings(
        webhook_base_url="http://primary.test",
        webhook_retry_attempts=overrides.pop("retries", 1),
        **overrides,
    )
    return WebhookSender(
        webhook_config(settings), poster=FakePoster(receiver), gate=gate, sleep=no_sleep
    )


def new_gate(failures: int = 2) -> tuple[CircuitGate, Probes]:
    probes = Probes()
    return CircuitGate("primary", CircuitBreaker(failures, PROBE_S), probes), probes


def payload(number: int) -> dict[str, Any]:
    return {"call_ref_id": f"call-{number}", "n": number}


def test_an_outage_is_waited_out_by_every_call_in_flight() -> None:
    """Five calls meet a dead endpoint with one retry each: none gives up; while the
    circuit is open only probes reach it; when it is back all five are delivered."""
    receiver = Receiver()
    gate, probes = new_gate()

    async def main() -> list[DeliveryOutcome]:
        async with sender(receiver, gate) as webhook:
            calls = [
                asyncio.create_task(webhook.deliver(payload(n), f"bot_call-{n}-k"))
                for n in range(5)
            ]
            await asyncio.sleep(0.3)
            receiver.down = False
            return await asyncio.gather(*calls)

    outcomes = asyncio.run(main())
    assert [o.status for o in outcomes] == [DeliveryStatus.DELIVERED] * 5
    assert receiver.primary_while_up == 5
    # Before the circuit opened: five first attempts and one retry; then probes only.
    assert receiver.primary_while_down <= 6 + probes.probes
    assert 3 <= probes.probes <= 0.3 / PROBE_S + 2, "at most one probe per interval"
    assert [c.state for c in probes.changes] == ["open", "closed"]
    waited = [a for o in outcomes for a in o.attempts if a.retry_delay_s == 0.0]
    assert waited, "attempts that failed while the circuit was open waited at the gate"
    assert all(
        [a.number for a in o.attempts] == list(range(1, len(o.attempts) + 1)) for o in outcomes
    )


def test_in_the_retry_stage_a_failed_probe_is_that_retry_s_failure() -> None:
    """wait_out_outage=False, one attempt: the call waits while open, probes, and its
    failed probe ends the delivery (its next scheduled retry decides what follows)."""
    receiver = Receiver()
    gate, probes = new_gate(failures=1)

    async def main() -> DeliveryOutcome:
        async with sender(receiver, gate) as webhook:
            webhook.policy = RetryPolicy(retries=0)
            opener = await webhook.deliver(payload(0), "bot_call-0-k", wait_out_outage=False)
            assert opener.status is DeliveryStatus.FAILED_RETRIES_EXHAUSTED
            assert not gate.closed
            return await webhook.deliver(payload(1), "bot_call-1-k", wait_out_outage=False)

    outcome = asyncio.run(main())
    assert outcome.status is DeliveryStatus.FAILED_RETRIES_EXHAUSTED
    assert len(outcome.attempts) == 1 and outcome.attempts[0].error_kind == "connect_error"
    assert probes.probes == 1


def test_failures_of_the_forwarding_copy_do_not_open_the_circuit() -> None:
    """The forward URL is informational: its 503s never count against the primary."""
    receiver = Receiver(forward_status=503)
    receiver.down = False
    gate, _ = new_gate(failures=2)

    async def main() -> list[DeliveryOutcome]:
        async with sender(
            receiver, gate, retries=2, singleinterface_webhook_url="http://forward.test/h"
        ) as webhook:
            return [await webhook.deliver(payload(n), f"bot_call-{n}-k") for n in range(4)]

    outcomes = asyncio.run(main())
    assert all(o.status is DeliveryStatus.DELIVERED for o in outcomes)
    assert all(
        o.forward and o.forward.status is DeliveryStatus.FAILED_RETRIES_EXHAUSTED for o in outcomes
    )
    assert gate.closed


def test_a_delivery_cancelled_during_its_probe_passes_the_probe_on() -> None:
    """The probing call's task is cancelled mid-POST (its partition was revoked): another
    waiting call probes at once instead of the circuit staying half-open."""
    receiver = Receiver()
    gate, probes = new_gate(failures=1)

    async def main() -> DeliveryOutcome:
        async with sender(receiver, gate) as webhook:
            webhook.policy = RetryPolicy(retries=0)
            await webhook.deliver(payload(0), "bot_call-0-k", wait_out_outage=False)
            webhook.policy = RetryPolicy(retries=1)
            receiver.down = False
            receiver.hang_next = True
            stuck = asyncio.create_task(webhook.deliver(payload(1), "bot_call-1-k"))
            await asyncio.sleep(0.01)
            other = asyncio.create_task(webhook.deliver(payload(2), "bot_call-2-k"))
            await asyncio.sleep(PROBE_S * 2)  # the stuck call now holds the probe
            assert not other.done()
            stuck.cancel()
            return await asyncio.wait_for(other, PROBE_S * 10)

    outcome = asyncio.run(main())
    assert outcome.status is DeliveryStatus.DELIVERED
    assert probes.probes == 1, "the cancelled probe got no verdict; the second one closed it"
