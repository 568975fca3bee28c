"""Broker loss: reconnect attempts back off, and the log says so once per interval."""

from __future__ import annotations

import asyncio
import logging

from aiokafka.client import AIOKafkaClient

from callpipe.streams.broker_loss import BrokerLossLogFilter, ReconnectBackoff
from tests.unit.manual_clock import ManualClock


def test_the_wait_doubles_up_to_the_cap_and_a_success_resets_it() -> None:
    """0.1, 0.2, 0.4 ... 10 s (here without jitter: the full ceiling), then 0 after a success."""
    clock = ManualClock(100.0)
    backoff = ReconnectBackoff(0.1, 10.0, clock=clock, jitter=lambda: 1.0)
    waits = []
    for _ in range(10):
        backoff.failed("node-1")
        waits.append(round(backoff.wait_s("node-1"), 3))
    assert waits == [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 10.0, 10.0, 10.0]
    assert backoff.wait_s("node-2") == 0
    backoff.succeeded("node-1")
    assert backoff.wait_s("node-1") == 0


def test_jitter_keeps_at_least_half_the_ceiling() -> None:
    """Never a tight loop, whatever the jitter draws."""
    clock = ManualClock(100.0)
    backoff = ReconnectBackoff(1.0, 10.0, clock=clock, jitter=lambda: 0.0)
    backoff.failed("n")
    assert backoff.wait_s("n") == 0.5
    clock.now += 0.5
    assert backoff.wait_s("n") == 0


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("aiokafka.client", logging.ERROR, __file__, 1, message, (), None)


def test_one_line_per_interval_with_the_count_held_back() -> None:
    """1,000 failures in 10 s give one line; the next interval's line counts the rest."""
    clock = ManualClock(100.0)
    log_filter = BrokerLossLogFilter(10.0, clock=clock)
    passed = []
    for index in range(1000):
        clock.now += 0.01
        record = _record(f"Unable connect to node with id 1: refused {index}")
        if log_filter.filter(record):
            passed.append(record)
    clock.now += 10
    last = _record("Unable connect to node with id 1: refused")
    assert log_filter.filter(last)
    assert len(passed) == 1
    assert passed[0].getMessage() == "Kafka broker unreachable; reconnecting with backoff"
    assert last.fields["failures_not_logged"] == 999  # type: ignore[attr-defined]


def test_other_lines_pass_untouched() -> None:
    """Only connection failures are collapsed."""
    log_filter = BrokerLossLogFilter(10.0, clock=ManualClock(100.0))
    record = _record("Heartbeat failed for group: not coordinator")
    assert log_filter.filter(record)
    assert record.getMessage() == "Heartbeat failed for group: not coordinator"


def test_the_wrapped_aiokafka_method_still_exists() -> None:
    """The backoff wraps AIOKafkaClient._get_conn; an aiokafka upgrade must keep it."""
    assert asyncio.iscoroutinefunction(AIOKafkaClient._get_conn)
