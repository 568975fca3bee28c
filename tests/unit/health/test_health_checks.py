"""Liveness and readiness as /healthz and /readyz report them (callpipe.health)."""

from __future__ import annotations

from callpipe.health import (
    CheckResult,
    Liveness,
    Readiness,
    liveness_report,
    readiness_report,
)
from tests.unit.manual_clock import ManualClock


def test_a_process_is_alive_while_starting_and_while_beats_come() -> None:
    """Before the first beat it is starting (alive); after, alive until beats stop."""
    clock = ManualClock(100.0)
    liveness = Liveness(stale_after_s=30, clock=clock)
    clock.now += 500
    assert liveness.check() == CheckResult(True, "starting for 500s")
    liveness.beat()
    clock.now += 30
    assert liveness.check().ok
    clock.now += 1
    assert liveness.check() == CheckResult(False, "event loop silent for 31s")
    assert liveness_report(liveness.check()) == (
        503,
        {"status": "stalled", "detail": "event loop silent for 31s"},
    )


def test_ready_only_when_every_registered_check_passes() -> None:
    """One failing check makes /readyz 503 and names it; all passing make it 200."""
    readiness = Readiness()
    circuit = CheckResult(False, "circuit open")
    readiness.register("partitions", lambda: CheckResult(True, "partitions [0, 1]"))
    readiness.register("circuit", lambda: circuit)
    status, body = readiness_report(readiness.evaluate())
    assert status == 503 and body["ready"] is False
    assert body["checks"]["circuit"] == {"ok": False, "detail": "circuit open"}
    circuit = CheckResult(True, "circuit closed")
    assert readiness_report(readiness.evaluate())[0] == 200


def test_a_check_that_raises_is_a_failed_check_not_a_crash() -> None:
    """A broken check answers 503 with its error instead of breaking the endpoint."""
    readiness = Readiness()

    def broken() -> CheckResult:
        raise RuntimeError("state not there")

    readiness.register("circuit", broken)
    [(name, result)] = readiness.evaluate().items()
    assert name == "circuit" and not result.ok
    assert result.detail == "check failed: RuntimeError: state not there"


def test_no_checks_is_ready() -> None:
    """A process with nothing to wait for is ready."""
    assert readiness_report(Readiness().evaluate()) == (200, {"ready": True, "checks": {}})
