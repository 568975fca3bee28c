"""The circuit breaker of one destination, as a pure state machine (clock passed in).

::

             failures of N different calls in a row
    CLOSED ─────────────────────────────────────────► OPEN ◄──────────┐
      ▲                                                 │ probe due     │ the probe failed
      │ any success, or any answer that is              ▼ (one call)    │ (retryable)
      └──── not retryable (the endpoint is up) ──── HALF_OPEN ─────────┘

- **Closed**: every attempt is let through. Retryable failures (connection
  errors, timeouts, 408, 429, 5xx) are counted by *call*: the circuit opens
  when ``failures`` different calls have failed in a row. One call failing
  again and again (a 500 for that payload) is that call's problem, not the
  endpoint's: it goes to the delayed retries while the circuit stays closed.
  A success, or an answer that is not retryable (a 400 means the endpoint is
  up), starts the count again.
- **Open**: nothing is let through until the next probe is due, ``probe_s``
  after opening (longer when the failure that opened it, or the last probe,
  carried a ``Retry-After``: the next probe is not sent before it, up to
  ``MAX_RETRY_AFTER_S``).
- **Half-open**: one call, the probe, is let through; everyone else waits.
  Its success (or a non-retryable answer) closes the circuit; its failure
  opens it again for ``probe_s``. A probe that never reports (its task was
  cancelled) makes the next probe due at once.

Results of attempts let through before the circuit opened and reported
after ("stragglers") change nothing, except a success, which closes it: the
endpoint answered.

The breaker says what to do and returns the transitions; waiting, logging
and metrics belong to its caller (``gate.py``).
"""

from __future__ import annotations

import enum

MAX_RETRY_AFTER_S = 3600.0
"""A Retry-After beyond this does not delay the next probe further (a typo, or a year)."""


class CircuitState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class Admit(enum.Enum):
    """What an attempt that asks now may do."""

    PASS = "pass"
    """The circuit is closed: post."""
    PROBE = "probe"
    """The circuit is open and a probe is due: this attempt is the probe."""
    WAIT = "wait"
    """The circuit is open (or a probe is out): do not post."""


class Transition(enum.Enum):
    OPENED = "opened"
    CLOSED = "closed"


class CircuitBreaker:
    """The state of one destination's circuit; every method takes the time as ``now``."""

    def __init__(self, failures: int = 5, probe_s: float = 10.0) -> None:
        if failures < 1:
            raise ValueError("failures must be >= 1")
        if probe_s <= 0:
            raise ValueError("probe_s must be > 0")
        self.failures = failures
        self.probe_s = probe_s
        self.state = CircuitState.CLOSED
        self.next_probe_at: float | None = None
        """When the next probe may go (set while open)."""
        self.opened_at: float | None = None
        self._failing: set[str] = set()

    @property
    def failing_calls(self) -> int:
        """Different calls that failed in a row (while closed)."""
        return len(self._failing)

    def admit(self, now: float) -> Admit:
        """May an attempt post now? A PROBE answer moves the circuit to half-open."""
        if self.state is CircuitState.CLOSED:
            return Admit.PASS
        if self.state is CircuitState.OPEN and self._probe_due(now):
            self.state = CircuitState.HALF_OPEN
            return Admit.PROBE
        return Admit.WAIT

    def _probe_due(self, now: float) -> bool:
        return self.next_probe_at is None or now >= self.next_probe_at

    def succeeded(self, now: float) -> Transition | None:
        """An attempt got a 2xx, or an answer that is not retryable: the endpoint is up."""
        self._failing.clear()
        if self.state is CircuitState.CLOSED:
            return None
        self.state = CircuitState.CLOSED
        self.next_probe_at = None
        return Transition.CLOSED

    def failed(
        self, call: str, now: float, *, probe: bool = False, retry_after_s: float | None = None
    ) -> Transition | None:
        """An attempt for ``call`` failed in a retryable way."""
        if self.state is CircuitState.CLOSED:
            self._failing.add(call)
            if len(self._failing) < self.failures:
                return None
            self._failing.clear()
            self.opened_at = now
            self._open(now, retry_after_s)
            return Transition.OPENED
        if self.state is CircuitState.HALF_OPEN and probe:
            self._open(now, retry_after_s)
        return None  # a straggler: it was let through before the circuit opened

    def probe_abandoned(self, now: float) -> None:
        """The probe went without a result (cancelled): another one may go at once."""
        if self.state is CircuitState.HALF_OPEN:
            self.state = CircuitState.OPEN
            self.next_probe_at = now

    def _open(self, now: float, retry_after_s: float | None) -> None:
        self.state = CircuitState.OPEN
        wait = max(self.probe_s, min(retry_after_s or 0.0, MAX_RETRY_AFTER_S))
        self.next_probe_at = now + wait
