"""Extraction: calls.transcript-saved -> calls.extracted (or calls.dead-letter).

Validation happens here, whoever produced the record: an undecodable record
or an invalid transcript is dead-lettered with the field that is wrong, and
the stage goes on with the next record.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, tzinfo

from callpipe.analysis.config import AnalysisConfig
from callpipe.analysis.extraction import extract
from callpipe.analysis.transcript import TranscriptError, parse_transcript
from callpipe.connectors.llm import LlmExtractor
from callpipe.connectors.registry import SerdeFactory
from callpipe.record_types import CallExtracted, TranscriptSaved
from callpipe.streams.deadletter import Failure
from callpipe.streams.messages import Consumed, Produce
from callpipe.streams.observer import StageObserver
from callpipe.streams.processors.call_stage import CallStage
from callpipe.streams.processors.decoding import decode_or_dead_letter
from callpipe.streams.records import extracted_record
from callpipe.streams.typed_serde import TypedSerde
from callpipe.topics import CALLS_DEAD_LETTER, EXTRACTED, TRANSCRIPT_SAVED

log = logging.getLogger(__name__)


class ExtractionProcessor(CallStage):
    """With an LLM extractor, `concurrency` calls are in flight at once (each waits on
    its own request) and Faust still commits offsets only behind finished ones."""

    stage = "extraction"
    source = TRANSCRIPT_SAVED
    sinks: tuple[str, ...] = (EXTRACTED, CALLS_DEAD_LETTER)

    def __init__(
        self,
        serdes: SerdeFactory,
        config: AnalysisConfig,
        tz: tzinfo,
        llm: LlmExtractor | None = None,
        concurrency: int = 1,
        observer: StageObserver | None = None,
    ) -> None:
        super().__init__(serdes, config, tz, observer)
        self._saved = TypedSerde.of(serdes, TRANSCRIPT_SAVED, TranscriptSaved)
        self._extracted = TypedSerde.of(serdes, EXTRACTED, CallExtracted)
        self._llm = llm
        self.concurrency = concurrency

    async def stop(self) -> None:
        if self._llm is not None:
            await self._llm.aclose()

    async def process(self, consumed: Consumed) -> list[Produce]:
        record = decode_or_dead_letter(self._saved, consumed, self.dead_letters)
        if isinstance(record, Produce):
            return [record]
        try:
            # The record has the contract's JSON shape: the engine validates it as it is.
            transcript = parse_transcript(record, self._tz)
        except TranscriptError as exc:
            failure = Failure.of(exc, call_ref_id=record.get("call_ref_id") or None)
            return [self.dead_letters.write(consumed, failure)]
        if self._llm is not None:
            extraction = await self._llm.extract(transcript)
        else:
            extraction = extract(transcript, self._config)
        log.info(
            "call extracted",
            extra={
                "fields": {
                    "call_ref_id": transcript.call_ref_id,
                    "extractor": extraction.source,
                    "attempts": {e.field: len(e.attempts) for e in extraction.fields},
                    "found": [e.field for e in extraction.fields if e.value is not None],
                }
            },
        )
        value = self._extracted.encode(
            extracted_record(transcript, extraction, _ingested_at(consumed))
        )
        return [Produce(EXTRACTED, transcript.call_ref_id.encode(), value)]


def _ingested_at(consumed: Consumed) -> datetime | None:
    """The TranscriptSaved record's Kafka timestamp: when the call entered the pipeline."""
    if consumed.timestamp is None or consumed.timestamp <= 0:  # -1 ms: no timestamp
        return None
    return datetime.fromtimestamp(consumed.timestamp, UTC)
