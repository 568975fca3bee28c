"""The circuit gate: calls wait while the circuit is open, one probes, all go when it closes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from callpipe.connectors.webhook.circuit import CircuitBreaker, CircuitState
from callpipe.connectors.webhook.gate import Admission, CircuitChange, CircuitGate
from callpipe.connectors.webhook.policy import Verdict

PROBE_S = 0.05
T = TypeVar("T")


class Seen:
    """A CircuitObserver that remembers what it was told."""

    def __init__(self) -> None:
        self.changes: list[CircuitChange] = []
        self.probes: list[bool] = []
        self.waiting: list[int] = []

    def on_change(self, change: CircuitChange) -> None:
        self.changes.append(change)

    def on_probe(self, destination: str, succeeded: bool) -> None:
        self.probes.append(succeeded)

    def on_waiting(self, destination: str, waiting: int) -> None:
        self.waiting.append(waiting)


def run(main: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(asyncio.wait_for(main(), 10))  # type: ignore[arg-type]


def new_gate(failures: int = 2) -> tuple[CircuitGate, Seen]:
    seen = Seen()
    return CircuitGate("http://receiver.test/hook", CircuitBreaker(failures, PROBE_S), seen), seen


async def open_gate(failures: int = 2) -> tuple[CircuitGate, Seen]:
    """A new gate whose circuit ``failures`` refused calls have just opened."""
    gate, seen = new_gate(failures)
    for number in range(failures):
        admission = await gate.admit(f"opener-{number}")
        gate.report(admission, Verdict.RETRY, error="connect_error: refused")
    assert not gate.closed
    return gate, seen


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def waiting_call(gate: CircuitGate, call: str) -> asyncio.Task[Admission]:
    """A call that has come to the gate and is waiting there (its admission not yet given)."""
    task = asyncio.create_task(gate.admit(call))
    await settle()
    return task


def test_a_closed_gate_admits_at_once() -> None:
    """Closed: admit returns without waiting, and nothing is a probe."""

    async def main() -> list[Admission]:
        gate, _ = new_gate()
        return [await gate.admit(f"call-{n}") for n in range(5)]

    assert run(main) == [Admission(f"call-{n}", probe=False) for n in range(5)]


def test_while_open_calls_wait_one_probes_and_its_success_releases_all() -> None:
    """Open: nobody passes until the probe is due; then exactly one call probes, and when
    it succeeds every waiting call goes at once."""

    async def main() -> tuple[list[Admission], Seen]:
        gate, seen = await open_gate()
        tasks = [asyncio.create_task(gate.admit(f"call-{n}")) for n in range(4)]
        await settle()
        assert gate.waiting == 4 and gate.holding
        assert not any(task.done() for task in tasks)
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        [probe] = [task.result() for task in done]
        assert probe == Admission("call-0", probe=True), "the first to wait probes first"
        await asyncio.sleep(PROBE_S * 2)
        assert all(not task.done() for task in pending), "one probe at a time"
        gate.report(probe, Verdict.SUCCESS)
        released = [await task for task in pending]
        assert gate.closed and gate.waiting == 0 and not gate.holding
        return released, seen

    released, seen = run(main)
    assert all(not admission.probe for admission in released)
    assert [change.state for change in seen.changes] == [CircuitState.OPEN, CircuitState.CLOSED]
    opening, closing = seen.changes
    assert opening.failing_calls == 2 and opening.last_error == "connect_error: refused"
    assert opening.next_probe_in_s == PROBE_S
    assert closing.waiting == 3 and closing.probes == 1
    assert closing.open_for_s is not None and closing.open_for_s >= PROBE_S
    assert seen.probes == [True]
    assert max(seen.waiting) == 4 and seen.waiting[-1] == 0


def test_the_call_probed_least_recently_probes_next() -> None:
    """A call whose probe failed goes to the back: another one is tried next time."""

    async def main() -> list[str]:
        gate, _ = await open_gate()
        probed: list[str] = []

        async def deliver(call: str) -> None:
            while True:
                admission = await gate.admit(call)
                if not admission.probe:
                    return  # released when the circuit closed
                probed.append(call)
                ok = call == "healthy"
                gate.report(admission, Verdict.SUCCESS if ok else Verdict.RETRY)
                if ok:
                    return

        await asyncio.gather(deliver("poison-1"), deliver("poison-2"), deliver("healthy"))
        return probed

    assert run(main) == ["poison-1", "poison-2", "healthy"]


def test_a_failed_probe_keeps_it_open_and_the_next_probe_waits_an_interval() -> None:
    """Probe failed: still open, no new transition, the next probe one interval later."""

    async def main() -> tuple[float, Seen]:
        gate, seen = await open_gate()
        loop = asyncio.get_running_loop()
        first = await gate.admit("a")
        assert first.probe
        gate.report(first, Verdict.RETRY, retry_after_s=None)
        began = loop.time()
        second = await gate.admit("b")
        assert second.probe
        return loop.time() - began, seen

    waited, seen = run(main)
    assert waited >= PROBE_S * 0.9
    assert [change.state for change in seen.changes] == [CircuitState.OPEN]
    assert seen.probes == [False]


def test_a_permanent_answer_to_the_probe_closes_it() -> None:
    """A 400 to the probe means the endpoint is up: closed."""

    async def main() -> bool:
        gate, _ = await open_gate()
        probe = await gate.admit("bad-payload")
        gate.report(probe, Verdict.PERMANENT)
        return gate.closed

    assert run(main)


def test_a_cancelled_probe_passes_the_probe_to_another_call() -> None:
    """The probing task is cancelled before it posts: another waiting call probes at once."""

    async def main() -> Admission:
        gate, _ = await open_gate()
        first = await waiting_call(gate, "first")
        second = asyncio.create_task(gate.admit("second"))
        admission = await first
        gate.abandon(admission)
        loop = asyncio.get_running_loop()
        began = loop.time()
        result = await second
        assert loop.time() - began < PROBE_S, "the next probe did not wait an interval"
        return result

    assert run(main) == Admission("second", probe=True)


def test_a_waiting_call_that_is_cancelled_leaves_the_queue() -> None:
    """Cancelling a waiting call (its partition was revoked) removes it from the gate."""

    async def main() -> int:
        gate, _ = await open_gate()
        task = await waiting_call(gate, "revoked")
        assert gate.waiting == 1
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return gate.waiting

    assert run(main) == 0


def test_when_nobody_waits_the_next_call_to_come_probes() -> None:
    """Open with no waiting call: once the probe is due, the next arrival is the probe."""

    async def main() -> Admission:
        gate, _ = await open_gate()
        await asyncio.sleep(PROBE_S * 1.5)
        return await gate.admit("newcomer")

    assert run(main) == Admission("newcomer", probe=True)
