"""Liveness and readiness of a callpipe process, as /healthz and /readyz report them.

- **Alive** (`/healthz`): the process's event loop still turns. A worker's
  probe beats every few seconds; a loop stuck for `Liveness.stale_after_s`
  is not alive, and an orchestrator should restart it.
- **Ready** (`/readyz`): every registered check passes. A stage worker
  registers "its group assigned it partitions" and "its producer reaches a
  broker"; `callpipe ingest` registers "its producer reaches a broker".
  Others register their own through `Readiness.register`: the seam for the
  delivery stage's circuit breaker (an open circuit: not ready), see
  `callpipe.streams.worker.ReadinessSource`.

Checks are called from the HTTP server's thread: they must only read state
that the process keeps up to date (a flag, a time), never block on I/O.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str


ReadinessCheck = Callable[[], CheckResult]


class Readiness:
    """Named checks, all of which must pass for the process to be ready."""

    def __init__(self) -> None:
        self._checks: dict[str, ReadinessCheck] = {}
        self._lock = threading.Lock()

    def register(self, name: str, check: ReadinessCheck) -> None:
        """Adds (or replaces) the check called ``name``."""
        with self._lock:
            self._checks[name] = check

    def evaluate(self) -> dict[str, CheckResult]:
        """Every check's result by name; a check that raises is a failed check."""
        with self._lock:
            checks = dict(self._checks)
        results = {}
        for name, check in checks.items():
            try:
                results[name] = check()
            except Exception as exc:
                results[name] = CheckResult(False, f"check failed: {type(exc).__name__}: {exc}")
        return results


def readiness_report(results: dict[str, CheckResult]) -> tuple[int, dict[str, Any]]:
    """The HTTP status (200 or 503) and JSON body of /readyz."""
    ready = all(result.ok for result in results.values())
    body = {
        "ready": ready,
        "checks": {name: {"ok": r.ok, "detail": r.detail} for name, r in results.items()},
    }
    return (200 if ready else 503), body


class Liveness:
    """Alive while beats keep coming; before the first beat the process is starting."""

    def __init__(self, stale_after_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.stale_after_s = stale_after_s
        self._clock = clock
        self._started = clock()
        self._last_beat: float | None = None

    def beat(self) -> None:
        self._last_beat = self._clock()

    def check(self) -> CheckResult:
        now = self._clock()
        if self._last_beat is None:
            return CheckResult(True, f"starting for {now - self._started:.0f}s")
        silent = now - self._last_beat
        if silent > self.stale_after_s:
            return CheckResult(False, f"event loop silent for {silent:.0f}s")
        return CheckResult(True, "alive")


def liveness_report(result: CheckResult) -> tuple[int, dict[str, Any]]:
    """The HTTP status (200 or 503) and JSON body of /healthz."""
    body = {"status": "alive" if result.ok else "stalled", "detail": result.detail}
    return (200 if result.ok else 503), body
