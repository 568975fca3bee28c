"""The stage processors on their own: Avro in, Avro out, no Kafka (an in-memory registry)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callpipe.analysis.config import load_analysis_config
from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.webhook.outcome import Attempt, DeliveryOutcome, DeliveryStatus
from callpipe.records import transcript_saved_record
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.processors.analysis import AnalysisProcessor
from callpipe.streams.processors.delivery import DeliveryProcessor
from callpipe.streams.processors.extraction import ExtractionProcessor
from callpipe.topics import (
    ANALYZED,
    CALLS_DEAD_LETTER,
    DELIVERED,
    EXTRACTED,
    TRANSCRIPT_SAVED,
    WEBHOOKS_DEAD_LETTER,
)

TZ = ZoneInfo("Asia/Kolkata")


def _consumed(topic: str, value: bytes | None, offset: int = 7) -> Consumed:
    return Consumed(topic, 2, offset, b"key", value)


def _run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def _through_extraction_and_analysis(
    serdes: SerdeFactory, transcript: dict[str, Any]
) -> tuple[list[Produce], list[Produce]]:
    config = load_analysis_config(None)
    saved = serdes.for_topic(TRANSCRIPT_SAVED).encode(transcript_saved_record(transcript, "t"))
    extracted = _run(
        ExtractionProcessor(serdes, config, TZ).process(
            _consumed("unit.calls.transcript-saved", saved)
        )
    )
    analyzed = _run(
        AnalysisProcessor(serdes, config, TZ).process(
            _consumed("unit.calls.extracted", extracted[0].value)
        )
    )
    return extracted, analyzed


def test_contract_examples_survive_both_avro_hops(
    serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]]
) -> None:
    """Extraction then analysis, through Avro, give the contract's payload exactly."""
    for transcript_path, payload_path in contract_examples:
        transcript = json.loads(transcript_path.read_text())
        extracted, analyzed = _through_extraction_and_analysis(serdes, transcript)
        assert [p.topic for p in extracted] == [EXTRACTED]
        assert [p.topic for p in analyzed] == [ANALYZED]
        assert analyzed[0].key == transcript["call_ref_id"].encode()
        record = serdes.for_topic(ANALYZED).decode(analyzed[0].value)
        assert record["payload"] == json.loads(payload_path.read_text())
        assert record["idempotency_key"].startswith(f"bot_{transcript['call_ref_id']}-")


def test_reprocessing_gives_identical_bytes(
    serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]]
) -> None:
    """Both stages are pure: the same input twice gives byte-identical records."""
    transcript = json.loads(contract_examples[0][0].read_text())
    assert _through_extraction_and_analysis(serdes, transcript) == _through_extraction_and_analysis(
        serdes, transcript
    )


@pytest.mark.parametrize(
    ("value", "error_class"),
    [
        (None, "DecodeError"),
        (b"not avro", "DecodeError"),
        (b"\x00\x00\x00\x00\x63abc", "DecodeError"),
    ],
)
def test_undecodable_records_are_dead_lettered(
    serdes: SerdeFactory, value: bytes | None, error_class: str
) -> None:
    """Bytes that are no TranscriptSaved go to calls.dead-letter with the original bytes."""
    processor = ExtractionProcessor(serdes, load_analysis_config(None), TZ)
    [letter] = _run(processor.process(_consumed("unit.calls.transcript-saved", value)))
    assert letter.topic == CALLS_DEAD_LETTER
    record = serdes.for_topic(CALLS_DEAD_LETTER).decode(letter.value)
    assert record["error_class"] == error_class and record["original_value"] == value
    assert (record["original_partition"], record["original_offset"]) == (2, 7)
    headers = dict(letter.headers)
    assert headers["__connect.errors.offset"] == b"7"
    assert headers["__connect.errors.exception.class.name"] == error_class.encode()


def test_invalid_transcript_is_dead_lettered_with_the_field(
    serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]]
) -> None:
    """A transcript whose message time is garbage names `messages[1].timestamp`."""
    transcript = json.loads(contract_examples[1][0].read_text())
    transcript["messages"][1]["timestamp"] = "yesterday"
    saved = serdes.for_topic(TRANSCRIPT_SAVED).encode(transcript_saved_record(transcript, "t"))
    processor = ExtractionProcessor(serdes, load_analysis_config(None), TZ)
    [letter] = _run(processor.process(_consumed("unit.calls.transcript-saved", saved)))
    record = serdes.for_topic(CALLS_DEAD_LETTER).decode(letter.value)
    assert record["error_field"] == "messages[1].timestamp"
    assert record["call_ref_id"] == transcript["call_ref_id"]
    assert letter.key == transcript["call_ref_id"].encode()
    assert dict(letter.headers)["callpipe.errors.field"] == b"messages[1].timestamp"


class _FakeSender:
    """Stands in for WebhookSender: answers a prepared outcome."""

    url = "http://receiver.test/api/webhooks/singleinterface"
    gate = None

    def __init__(
        self, status: DeliveryStatus, http_status: int | None = None, enabled: bool = True
    ) -> None:
        self.status, self.http_status, self.enabled = status, http_status, enabled
        self.calls: list[tuple[dict[str, Any], str]] = []

    async def deliver(
        self, payload: dict[str, Any], key: str, *, wait_out_outage: bool = True
    ) -> DeliveryOutcome:
        self.calls.append((payload, key))
        if self.status is DeliveryStatus.DISABLED:
            return DeliveryOutcome(self.status, key, None, None, ())
        attempt = Attempt(
            "primary", 1, "2026-01-01T00:00:00.000Z", 12.5, self.http_status, None, None
        )
        error = None if self.status is DeliveryStatus.DELIVERED else "HTTP 400 from receiver"
        return DeliveryOutcome(self.status, key, self.http_status, error, (attempt,))

    async def aclose(self) -> None:
        return None


def _analyzed_bytes(serdes: SerdeFactory, contract_examples: list[tuple[Path, Path]]) -> bytes:
    transcript = json.loads(contract_examples[0][0].read_text())
    _, analyzed = _through_extraction_and_analysis(serdes, transcript)
    return analyzed[0].value


@pytest.mark.parametrize(
    ("status", "http_status", "topic"),
    [
        (DeliveryStatus.DELIVERED, 200, DELIVERED),
        (DeliveryStatus.FAILED_PERMANENT, 400, WEBHOOKS_DEAD_LETTER),
        (DeliveryStatus.FAILED_RETRIES_EXHAUSTED, 503, WEBHOOKS_DEAD_LETTER),
    ],
)
def test_delivery_outcome_decides_the_output_topic(
    serdes: SerdeFactory,
    contract_examples: list[tuple[Path, Path]],
    status: DeliveryStatus,
    http_status: int,
    topic: str,
) -> None:
    """Delivered calls are recorded on webhooks.delivered, failed ones dead-lettered
    (without a WEBHOOK_RETRY_SCHEDULE: no delayed retries)."""
    value = _analyzed_bytes(serdes, contract_examples)
    sender = _FakeSender(status, http_status)
    processor = DeliveryProcessor(serdes, sender, concurrency=4)  # type: ignore[arg-type]
    [output] = _run(processor.process(_consumed("unit.calls.analyzed", value)))
    assert output.topic == topic
    record = serdes.for_topic(topic).decode(output.value)
    assert record["attempts"][0]["http_status"] == http_status
    if topic == WEBHOOKS_DEAD_LETTER:
        assert record["original_value"] == value and record["http_status"] == http_status
        assert record["error_class"] == ("HTTPStatus" if http_status == 400 else "RetriesExhausted")


def test_disabled_webhooks_produce_nothing_and_say_so_once(
    serdes: SerdeFactory,
    contract_examples: list[tuple[Path, Path]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """WEBHOOKS_ENABLED=false: no output, one log line however many calls pass."""
    value = _analyzed_bytes(serdes, contract_examples)
    processor = DeliveryProcessor(
        serdes,
        _FakeSender(DeliveryStatus.DISABLED, enabled=False),  # type: ignore[arg-type]
        concurrency=1,
    )
    with caplog.at_level(logging.WARNING, logger="callpipe.streams.processors.webhook_outputs"):
        _run(processor.start())
        for offset in range(3):
            assert _run(processor.process(_consumed("unit.calls.analyzed", value, offset))) == []
    assert sum("WEBHOOKS_ENABLED=false" in r.getMessage() for r in caplog.records) == 1


def test_a_huge_record_gives_a_bounded_dead_letter_that_says_where_the_whole_one_is(
    serdes: SerdeFactory,
) -> None:
    """A multi-megabyte undecodable value: its dead letter keeps a prefix, its size and where
    it is, and fits in one Kafka message."""
    from callpipe.streams.guard import MAX_RECORD_BYTES, record_size

    processor = ExtractionProcessor(serdes, load_analysis_config(None), TZ)
    value = b"\x07" + b"x" * 3_000_000
    key = b"k" * 300_000
    [letter] = _run(processor.process(Consumed(TRANSCRIPT_SAVED, 4, 99, key, value)))
    assert record_size(letter) < MAX_RECORD_BYTES
    record = serdes.for_topic(CALLS_DEAD_LETTER).decode(letter.value)
    assert record["original_size"] == len(value)
    assert value.startswith(record["original_value"])
    assert (record["original_topic"], record["original_partition"], record["original_offset"]) == (
        TRANSCRIPT_SAVED,
        4,
        99,
    )
