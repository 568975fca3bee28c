"""Each stage, given transcripts at and beyond every limit, produces its output or a dead
letter and never raises (the records bypass the door: raw on calls.transcript-saved)."""

from __future__ import annotations

import asyncio
from typing import Any
from zoneinfo import ZoneInfo

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.common.avro import _schema_loads
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callpipe.analysis.config import load_analysis_config
from callpipe.analysis.limits import (
    CALL_REF_ID_MAX_CHARS,
    CALL_VENDOR_MAX_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_TOTAL_TEXT_CHARS,
    RECORDING_URL_MAX_CHARS,
)
from callpipe.connectors.registry import SerdeFactory
from callpipe.edges import registry_config
from callpipe.records import transcript_saved_record
from callpipe.settings import load_settings
from callpipe.streams.guard import RecordGuard
from callpipe.streams.messages import Consumed
from callpipe.streams.processors.analysis import AnalysisProcessor
from callpipe.streams.processors.extraction import ExtractionProcessor
from callpipe.topics import (
    ANALYZED,
    CALLS_DEAD_LETTER,
    EXTRACTED,
    TOPICS,
    TRANSCRIPT_SAVED,
    subject_for,
)

TZ = ZoneInfo("Asia/Kolkata")
SETTINGS = load_settings(topic_prefix="limits.")
CONFIG = load_analysis_config(None)


def _serdes() -> SerdeFactory:
    client = SchemaRegistryClient.new_client({"url": "mock://limits"})
    for name, spec in TOPICS.items():
        client.register_schema(subject_for(SETTINGS, name), _schema_loads(spec.schema_str()))
    return SerdeFactory(registry_config(SETTINGS), client=client)


SERDES = _serdes()


def _around(limit: int) -> st.SearchStrategy[int]:
    return st.sampled_from([0, 1, limit - 1, limit, limit + 1])


YEARS = st.sampled_from([1, 1999, 2000, 2025, 2100, 2101, 9999])
OFFSETS = st.sampled_from(["+05:30", "Z", "-12:00", "+14:00", ""])


@st.composite
def transcripts(draw: st.DrawFn) -> dict[str, Any]:
    def stamp(second: int) -> str:
        year = draw(YEARS)
        return f"{year:04d}-12-31T23:{second // 60 % 60:02d}:{second % 60:02d}{draw(OFFSETS)}"

    texts = st.one_of(
        st.text(max_size=40),
        _around(MAX_MESSAGE_CHARS).map(lambda n: "a" * n),
        st.sampled_from(["My name is Rahul", "Creta", "rahul at gmail dot com", "[noise]"]),
    )
    count = draw(st.integers(0, 12))
    messages = [
        {
            "role": draw(st.sampled_from(["assistant", "user", "system"])),
            "text": draw(texts),
            "timestamp": stamp(draw(st.integers(0, 600))),
            "end_timestamp": draw(st.one_of(st.none(), st.integers(0, 600).map(stamp))),
        }
        for _ in range(count)
    ]
    if draw(st.booleans()):  # one big message past the total
        messages.append(
            {"role": "user", "text": "b" * (MAX_TOTAL_TEXT_CHARS + 1), "timestamp": stamp(1)}
        )
    return {
        "call_ref_id": draw(
            st.one_of(
                _around(CALL_REF_ID_MAX_CHARS).map(lambda n: "1" * n),
                st.text(min_size=1, max_size=20),
            )
        ),
        "call_vendor": "v" * draw(_around(CALL_VENDOR_MAX_CHARS)),
        "recording_url": "u" * draw(_around(RECORDING_URL_MAX_CHARS)),
        "start_time": stamp(0),
        "end_time": stamp(draw(st.integers(0, 900))),
        "messages": messages,
    }


def _run(guard: RecordGuard, topic: str, value: bytes) -> list[Any]:
    return asyncio.run(guard.process(Consumed(SETTINGS.topic(topic), 0, 1, b"k", value)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts())
def test_extraction_and_analysis_give_their_output_or_a_dead_letter(
    transcript: dict[str, Any],
) -> None:
    """Never an exception: extracted or dead-lettered, then analyzed or dead-lettered."""
    saved = SERDES.for_topic(TRANSCRIPT_SAVED).encode(transcript_saved_record(transcript, "t"))
    extraction = RecordGuard(ExtractionProcessor(SERDES, CONFIG, TZ))
    outputs = _run(extraction, TRANSCRIPT_SAVED, saved)
    assert [o.topic for o in outputs] in ([EXTRACTED], [CALLS_DEAD_LETTER])
    if outputs[0].topic == EXTRACTED:
        analysis = RecordGuard(AnalysisProcessor(SERDES, CONFIG, TZ))
        analyzed = _run(analysis, EXTRACTED, outputs[0].value)
        assert [o.topic for o in analyzed] in ([ANALYZED], [CALLS_DEAD_LETTER])
