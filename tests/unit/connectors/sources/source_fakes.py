"""A fake TranscriptProducer and transcript builders for the source connectors' unit tests."""

from __future__ import annotations

import copy
import threading
from typing import Any
from zoneinfo import ZoneInfo

from callpipe.analysis.transcript import parse_transcript
from callpipe.connectors.kafka.producer import DeliveryCallback, ProduceError

TZ = ZoneInfo("Asia/Kolkata")

VALID: dict[str, Any] = {
    "call_ref_id": "call-1",
    "call_vendor": "Ozonetel",
    "recording_url": "",
    "start_time": "2025-10-02T14:25:00+05:30",
    "end_time": "2025-10-02T14:27:30+05:30",
    "messages": [
        {
            "role": "assistant",
            "text": "Hello! What's your name?",
            "timestamp": "2025-10-02T14:25:02+05:30",
        },
        {"role": "user", "text": "Rahul Sharma", "timestamp": "2025-10-02T14:25:05+05:30"},
    ],
}


def transcript(call_ref_id: str = "call-1", **changes: Any) -> dict[str, Any]:
    """A valid transcript (a fresh copy) with ``changes`` applied."""
    data = copy.deepcopy(VALID)
    data["call_ref_id"] = call_ref_id
    data.update(changes)
    return data


def bad_timestamp(call_ref_id: str = "call-bad") -> dict[str, Any]:
    """A transcript whose messages[1].timestamp is not ISO 8601."""
    data = transcript(call_ref_id)
    data["messages"][1]["timestamp"] = "yesterday"
    return data


class FakeSink:
    """Validates like the real producer; the test decides when and how records are acknowledged.

    ``hold``: flush() and poll() acknowledge nothing (flush raises, like a
    broker that does not answer) until ``release()``. ``refuse``: call_ref_ids
    whose delivery fails. ``produce_error``: raised by produce() after
    validation (e.g. a KafkaException).
    """

    def __init__(
        self,
        *,
        hold: bool = False,
        refuse: set[str] | None = None,
        produce_error: Exception | None = None,
    ) -> None:
        self.hold = hold
        self.refuse = set(refuse or ())
        self.produce_error = produce_error
        self.produced: list[dict[str, Any]] = []
        self.flushes = 0
        self._pending: list[tuple[str, DeliveryCallback | None]] = []
        self._lock = threading.Lock()

    def validate(self, data: object) -> str:
        return parse_transcript(data, TZ).call_ref_id

    def produce(self, data: dict[str, Any], on_delivery: DeliveryCallback | None = None) -> str:
        call_ref_id = self.validate(data)
        if self.produce_error is not None:
            raise self.produce_error
        with self._lock:
            self.produced.append(copy.deepcopy(data))
            self._pending.append((call_ref_id, on_delivery))
        return call_ref_id

    def poll(self, timeout_s: float = 0.0) -> None:
        if not self.hold:
            self._deliver()

    def flush(self, timeout_s: float = 30.0) -> None:
        self.flushes += 1
        if self.hold and self._pending:
            raise ProduceError(f"{len(self._pending)} records not acknowledged after {timeout_s}s")
        self._deliver()

    def release(self) -> None:
        """Lets the held records be acknowledged at the next poll or flush."""
        self.hold = False

    @property
    def produced_ids(self) -> list[str]:
        return [data["call_ref_id"] for data in self.produced]

    def _deliver(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for call_ref_id, callback in pending:
            if callback is not None:
                refused = call_ref_id in self.refuse
                callback(ProduceError("Broker: Not enough in-sync replicas") if refused else None)
