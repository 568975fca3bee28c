"""Attempts wait at the gate of their destination while its circuit is open.

``CircuitGate`` puts a ``CircuitBreaker`` (``circuit.py``, pure) in front of
the attempts of many concurrent deliveries::

    admission = await gate.admit(call)      # returns at once while closed
    ... POST ...
    gate.report(admission, verdict, ...)    # or gate.abandon(admission) if no answer

While the circuit is open, ``admit`` waits: no sleep in the caller, just a
future. When a probe is due, the gate picks one waiting call, the one probed
least recently (so one call that fails for its own reasons cannot keep the
circuit open when others would succeed), and lets it through; when the
circuit closes, every waiting call is let through at once.

The gate never decides what a failure means for a call (``sender.py`` does)
and never logs or counts: it tells a ``CircuitObserver``.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from callpipe.connectors.webhook.circuit import Admit, CircuitBreaker, CircuitState, Transition
from callpipe.connectors.webhook.policy import Verdict

Clock = Callable[[], float]


@dataclass(frozen=True)
class Admission:
    """Leave to post one attempt of ``call``; ``probe`` when it tests an open circuit."""

    call: str
    probe: bool


@dataclass(frozen=True)
class CircuitChange:
    """One transition of a destination's circuit, for logs and metrics."""

    destination: str
    state: CircuitState
    """``open`` or ``closed``: the new state."""
    waiting: int
    """Calls waiting at the gate at the time."""
    failing_calls: int = 0
    """On opening: the different calls that failed in a row."""
    last_error: str | None = None
    """On opening: the failure that opened it."""
    next_probe_in_s: float | None = None
    """On opening: when the first probe goes."""
    open_for_s: float | None = None
    """On closing: how long it was open."""
    probes: int = 0
    """On closing: probes sent while it was open."""


class CircuitObserver(Protocol):
    """Told about transitions (one call each), probes and the number of waiting calls."""

    def on_change(self, change: CircuitChange) -> None: ...

    def on_probe(self, destination: str, succeeded: bool) -> None: ...

    def on_waiting(self, destination: str, waiting: int) -> None: ...


@dataclass
class _Waiter:
    call: str
    future: asyncio.Future[Admission]


class CircuitGate:
    """The gate of one destination (create it inside or outside the event loop)."""

    def __init__(
        self,
        destination: str,
        breaker: CircuitBreaker,
        observer: CircuitObserver | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.destination = destination
        self._breaker = breaker
        self._observer = observer
        self._clock = clock
        self._waiters: dict[int, _Waiter] = {}
        self._numbers = itertools.count()
        self._last_probe: dict[str, float] = {}
        self._probes = 0
        self._timer: asyncio.TimerHandle | None = None
        self._last_error: str | None = None

    @property
    def closed(self) -> bool:
        return self._breaker.state is CircuitState.CLOSED

    @property
    def waiting(self) -> int:
        """Calls waiting for the circuit to let them through."""
        return len(self._waiters)

    @property
    def holding(self) -> bool:
        """Whether calls are held back: the circuit is not closed and a call waits or probes."""
        return not self.closed and (
            bool(self._waiters) or self._breaker.state is CircuitState.HALF_OPEN
        )

    async def admit(self, call: str) -> Admission:
        """Returns when ``call`` may post: at once while closed, else when let through."""
        decision = self._breaker.admit(self._clock())
        if decision is Admit.PASS:
            return Admission(call, probe=False)
        if decision is Admit.PROBE:
            return self._probe(call)
        future: asyncio.Future[Admission] = asyncio.get_running_loop().create_future()
        number = next(self._numbers)
        self._waiters[number] = _Waiter(call, future)
        self._waiting_changed()
        self._arm()
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.abandon(future.result())  # let through, then cancelled: pass it on
            raise
        finally:
            if self._waiters.pop(number, None) is not None:
                self._waiting_changed()

    def report(
        self,
        admission: Admission,
        verdict: Verdict,
        *,
        retry_after_s: float | None = None,
        error: str | None = None,
    ) -> None:
        """The attempt's verdict: success and permanent answers close, retryable ones count."""
        now = self._clock()
        if admission.probe and self._observer is not None:
            self._observer.on_probe(self.destination, verdict is not Verdict.RETRY)
        if verdict is Verdict.RETRY:
            self._last_error = error
            transition = self._breaker.failed(
                admission.call, now, probe=admission.probe, retry_after_s=retry_after_s
            )
            if transition is Transition.OPENED:
                self._opened(now)
            self._arm()
        elif self._breaker.succeeded(now) is Transition.CLOSED:
            self._closed(now)

    def abandon(self, admission: Admission) -> None:
        """The attempt got no verdict (cancelled); a probe is passed on to another call."""
        if admission.probe:
            self._breaker.probe_abandoned(self._clock())
            self._arm()

    def _probe(self, call: str) -> Admission:
        self._probes += 1
        self._last_probe[call] = self._clock()
        return Admission(call, probe=True)

    def _arm(self) -> None:
        """Wakes the gate when the next probe is due, if someone waits for it."""
        if self._timer is not None or not self._waiters:
            return
        if self._breaker.state is not CircuitState.OPEN:
            return
        due = self._breaker.next_probe_at or 0.0
        delay = max(0.0, due - self._clock())
        self._timer = asyncio.get_running_loop().call_later(delay, self._probe_due)

    def _probe_due(self) -> None:
        self._timer = None
        if not self._waiters:
            return  # the next call to arrive will be the probe
        if self._breaker.admit(self._clock()) is not Admit.PROBE:
            self._arm()
            return
        never = float("-inf")
        number = min(
            self._waiters, key=lambda n: (self._last_probe.get(self._waiters[n].call, never), n)
        )
        waiter = self._waiters.pop(number)
        self._waiting_changed()
        waiter.future.set_result(self._probe(waiter.call))

    def _opened(self, now: float) -> None:
        self._probes = 0
        self._last_probe.clear()
        if self._observer is not None:
            due = self._breaker.next_probe_at or now
            self._observer.on_change(
                CircuitChange(
                    self.destination,
                    CircuitState.OPEN,
                    self.waiting,
                    failing_calls=self._breaker.failures,
                    last_error=self._last_error,
                    next_probe_in_s=round(due - now, 3),
                )
            )

    def _closed(self, now: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        released = list(self._waiters.values())
        self._waiters.clear()
        for waiter in released:
            if not waiter.future.done():
                waiter.future.set_result(Admission(waiter.call, probe=False))
        if self._observer is not None:
            opened_at = self._breaker.opened_at
            self._observer.on_change(
                CircuitChange(
                    self.destination,
                    CircuitState.CLOSED,
                    len(released),
                    open_for_s=None if opened_at is None else round(now - opened_at, 3),
                    probes=self._probes,
                )
            )
        self._waiting_changed()

    def _waiting_changed(self) -> None:
        if self._observer is not None:
            self._observer.on_waiting(self.destination, self.waiting)
