"""The benchmark's calls and its open-loop schedule (pure, no Kafka)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from callpipe.bench.workload import make_calls, paced, phase_prefix

TZ = ZoneInfo("Asia/Kolkata")


def test_calls_have_ids_of_their_phase_and_stay_deterministic() -> None:
    """Ids are <prefix><index>; the same seed gives the same transcripts."""
    prefix = phase_prefix("run1", "open50")
    first = make_calls(7, 3, prefix, TZ)
    again = make_calls(7, 3, prefix, TZ)
    assert [c.call_ref_id for c in first] == [f"run1-open50-{i:06d}" for i in range(7)]
    assert [c.data for c in first] == [c.data for c in again]
    assert all(c.key == c.call_ref_id.encode() for c in first)


def test_calls_are_encoded_when_asked() -> None:
    """The encoder sees the TranscriptSaved record of each call."""
    seen: list[str] = []

    def encode(record: dict[str, object]) -> bytes:
        seen.append(str(record["call_ref_id"]))
        return b"x"

    calls = make_calls(3, 1, "p-", TZ, encode)
    assert seen == ["p-000000", "p-000001", "p-000002"]
    assert {c.value for c in calls} == {b"x"}


def test_paced_sends_on_schedule_without_waiting_for_anything_else() -> None:
    """Arrival i is due at start + i / rate; late arrivals go at once, none is skipped."""
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(round(seconds, 6))
        now[0] += seconds

    sent = []
    for index in paced(5, 10.0, 0.0, clock=lambda: now[0], sleep=sleep):
        sent.append((index, round(now[0], 6)))
        if index == 1:
            now[0] += 0.25  # a slow send: the next two are late
    assert sent == [(0, 0.0), (1, 0.1), (2, 0.35), (3, 0.35), (4, 0.4)]
    assert sleeps == [0.1, 0.05]
