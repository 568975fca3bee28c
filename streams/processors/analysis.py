"""Analysis: calls.extracted -> calls.analyzed (the exact webhook payload).

A pure function of its input (no clock): resetting offsets and reprocessing
gives byte-identical records and therefore the same idempotency keys.
"""

from __future__ import annotations

import logging
from datetime import tzinfo
from typing import cast

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.payload import decide, render_payload
from callpipe.analysis.transcript import TranscriptError
from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.webhook.idempotency import idempotency_key
from callpipe.record_types import CallAnalyzed, CallExtracted, SingleInterfacePayload
from callpipe.streams.deadletter import Failure
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.observer import StageObserver
from callpipe.streams.processors.call_stage import CallStage
from callpipe.streams.processors.decoding import decode_or_dead_letter
from callpipe.streams.records import analyzed_record, from_extracted_record
from callpipe.streams.typed_serde import TypedSerde
from callpipe.topics import ANALYZED, CALLS_DEAD_LETTER, EXTRACTED

log = logging.getLogger(__name__)


class AnalysisProcessor(CallStage):
    stage = "analysis"
    source = EXTRACTED
    sinks: tuple[str, ...] = (ANALYZED, CALLS_DEAD_LETTER)
    concurrency = 1

    def __init__(
        self,
        serdes: SerdeFactory,
        config: AnalysisConfig,
        tz: tzinfo,
        observer: StageObserver | None = None,
    ) -> None:
        super().__init__(serdes, config, tz, observer)
        self._extracted = TypedSerde.of(serdes, EXTRACTED, CallExtracted)
        self._analyzed = TypedSerde.of(serdes, ANALYZED, CallAnalyzed)

    async def process(self, consumed: Consumed) -> list[Produce]:
        record = decode_or_dead_letter(self._extracted, consumed, self.dead_letters)
        if isinstance(record, Produce):
            return [record]
        try:
            transcript, extraction = from_extracted_record(record)
        except (TranscriptError, KeyError, ValueError) as exc:
            return [self.dead_letters.write(consumed, Failure.of(exc))]
        decision = decide(transcript, extraction, self._config)
        status = decision.dropoff.overall_status  # decided once, by the engine
        # render_payload's dict is the contract's payload, the shape of SingleInterfacePayload.
        payload = cast(
            SingleInterfacePayload, render_payload(transcript, extraction, decision, self._tz)
        )
        key = idempotency_key(payload)
        self.observer.on_call_analyzed(payload, extraction, status)
        log.info(
            "call analyzed",
            extra={
                "fields": {
                    "call_ref_id": transcript.call_ref_id,
                    "language": payload["language"]["conversational"],
                    "routing": payload["dealer_routing"]["reason"],
                    "dropoff": payload["dropoff"]["action"],
                    "status": status,
                }
            },
        )
        value = self._analyzed.encode(
            analyzed_record(payload, status, transcript.end_time, key, record["ingested_at"])
        )
        return [Produce(ANALYZED, transcript.call_ref_id.encode(), value)]
