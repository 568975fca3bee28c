"""The benchmark's calls: callpipe.bench.synthetic transcripts under ids unique to a phase.

Every phase gets call_ref_ids of its own (``<run>-<phase>-<index>``): the
receiver drops a payload whose Idempotency-Key it has seen, and the key
contains the call_ref_id, so reused ids would never be stored twice.
Transcripts are validated and Avro-encoded before any clock starts (the
telephony agent does that work, not the pipeline).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from callpipe.analysis.transcript import parse_transcript
from callpipe.bench.synthetic import make_transcripts
from callpipe.records import transcript_saved_record

SOURCE = "bench"


@dataclass(frozen=True)
class Call:
    """One call ready to publish."""

    call_ref_id: str
    data: dict[str, Any]
    value: bytes = b""

    @property
    def key(self) -> bytes:
        return self.call_ref_id.encode()


def phase_prefix(run_id: str, phase: str) -> str:
    return f"{run_id}-{phase}-"


def make_calls(
    n: int,
    seed: int,
    prefix: str,
    tz: tzinfo,
    encode: Callable[[Mapping[str, Any]], bytes] | None = None,
) -> list[Call]:
    """n synthetic calls with ids ``<prefix><index>``, validated, values encoded if asked."""
    calls = []
    for index, data in enumerate(make_transcripts(n, seed)):
        data = {**data, "call_ref_id": f"{prefix}{index:06d}"}
        parse_transcript(data, tz)  # raises for a transcript the pipeline would dead-letter
        value = encode(transcript_saved_record(data, SOURCE)) if encode else b""
        calls.append(Call(data["call_ref_id"], data, value))
    return calls


def paced(
    count: int,
    rate_per_s: float,
    start: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[int]:
    """Yields 0..count-1, each at ``start + i / rate`` on ``clock`` (open loop: no waiting
    for anything but the schedule; a late arrival is sent at once, never skipped)."""
    for index in range(count):
        due = start + index / rate_per_s
        delay = due - clock()
        if delay > 0:
            sleep(delay)
        yield index
