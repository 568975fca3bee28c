"""Analysis: calls.extracted -> calls.analyzed (the exact webhook payload).

A pure function of its input (no clock): resetting offsets and reprocessing
gives byte-identical records and therefore the same idempotency keys.
"""

from __future__ import annotations

import logging
from datetime import tzinfo

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.payload import build_payload
from callpipe.analysis.transcript import TranscriptError
from callpipe.connectors.registry import DecodeError, SerdeFactory
from callpipe.connectors.webhook.idempotency import idempotency_key
from callpipe.streams.deadletter import DeadLetterWriter, Failure
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.quality import count_quality
from callpipe.streams.records import analyzed_record, from_extracted_record, overall_status
from callpipe.topics import ANALYZED, CALLS_DEAD_LETTER, EXTRACTED

log = logging.getLogger("callpipe.analysis")


class AnalysisProcessor:
    stage = "analysis"
    source = EXTRACTED
    sinks: tuple[str, ...] = (ANALYZED, CALLS_DEAD_LETTER)
    concurrency = 1

    def __init__(self, serdes: SerdeFactory, config: AnalysisConfig, tz: tzinfo) -> None:
        self._extracted = serdes.for_topic(EXTRACTED)
        self._analyzed = serdes.for_topic(ANALYZED)
        self.dead_letters = DeadLetterWriter(
            self.stage, CALLS_DEAD_LETTER, serdes.for_topic(CALLS_DEAD_LETTER)
        )
        self._config = config
        self._tz = tz

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def process(self, consumed: Consumed) -> list[Produce]:
        try:
            record = self._extracted.decode(consumed.value)
            transcript, extraction = from_extracted_record(record)
        except (DecodeError, TranscriptError, KeyError, ValueError) as exc:
            failure = Failure(type(exc).__name__, str(exc), field=getattr(exc, "field", None))
            return [self.dead_letters.write(consumed, failure)]
        payload = build_payload(transcript, extraction, self._config, self._tz)
        key = idempotency_key(payload)
        count_quality(payload, extraction)
        log.info(
            "call analyzed",
            extra={
                "fields": {
                    "call_ref_id": transcript.call_ref_id,
                    "language": payload["language"]["conversational"],
                    "routing": payload["dealer_routing"]["reason"],
                    "dropoff": payload["dropoff"]["action"],
                    "status": overall_status(payload),
                }
            },
        )
        value = self._analyzed.encode(
            analyzed_record(payload, transcript.end_time, key, record.get("ingested_at"))
        )
        return [Produce(ANALYZED, transcript.call_ref_id.encode(), value)]
