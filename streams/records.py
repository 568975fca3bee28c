"""Avro records of the pipeline <-> the analysis engine's objects (pure).

Times cross Kafka as timestamp-micros, which fastavro reads back as aware
UTC datetimes; the payload converts them to OUTPUT_TIMEZONE, so the round
trip changes nothing a customer sees.
"""

from __future__ import annotations

from datetime import datetime

from callpipe.analysis.extraction import Attempt, Extraction, FieldExtraction
from callpipe.analysis.fields import as_field
from callpipe.analysis.transcript import Message, Transcript, build_transcript
from callpipe.record_types import (
    CallAnalyzed,
    CallExtracted,
    OverallStatus,
    SingleInterfacePayload,
)


def extracted_record(
    transcript: Transcript, extraction: Extraction, ingested_at: datetime | None = None
) -> CallExtracted:
    """The CallExtracted record of a validated transcript and its extraction.

    ``ingested_at`` is the Kafka timestamp of the call's TranscriptSaved record,
    carried to delivery for the pipeline's latency.
    """
    return {
        "call_ref_id": transcript.call_ref_id,
        "call_vendor": transcript.call_vendor,
        "recording_url": transcript.recording_url,
        "start_time": transcript.start_time,
        "end_time": transcript.end_time,
        "messages": [
            {
                "role": m.role,
                "text": m.text,
                "timestamp": m.timestamp,
                "end_timestamp": m.end_timestamp,
            }
            for m in transcript.messages
        ],
        "fields": [
            {
                "field": entry.field,
                "value": entry.value,
                "attempts": [
                    {
                        "window_id": a.window_id,
                        "sequence": a.sequence,
                        "question_index": a.question_index,
                        "start_time": a.start,
                        "end_time": a.end,
                        "reply_text": a.reply_text,
                        "value": a.value,
                        "source": extraction.source,
                    }
                    for a in entry.attempts
                ],
            }
            for entry in extraction.fields
        ],
        "extractor": extraction.source,
        "ingested_at": ingested_at,
    }


def from_extracted_record(record: CallExtracted) -> tuple[Transcript, Extraction]:
    """The transcript and extraction a CallExtracted record carries."""
    transcript = build_transcript(
        record["call_ref_id"],
        record["call_vendor"],
        record["recording_url"],
        record["start_time"],
        record["end_time"],
        (
            Message(m["role"], m["text"], m["timestamp"], m["end_timestamp"])
            for m in record["messages"]
        ),
    )
    fields = tuple(
        FieldExtraction(
            field=as_field(entry["field"]),
            attempts=tuple(
                Attempt(
                    a["window_id"],
                    a["sequence"],
                    a["question_index"],
                    a["start_time"],
                    a["end_time"],
                    a["reply_text"],
                    a["value"],
                )
                for a in entry["attempts"]
            ),
            value=entry["value"],
        )
        for entry in record["fields"]
    )
    return transcript, Extraction(fields=fields, source=record["extractor"])


def analyzed_record(
    payload: SingleInterfacePayload,
    overall_status: OverallStatus,
    call_end_time: datetime,
    idempotency_key: str,
    ingested_at: datetime | None = None,
) -> CallAnalyzed:
    """The CallAnalyzed record; ``overall_status`` is the engine's decision, carried."""
    return {
        "call_ref_id": payload["call_ref_id"],
        "idempotency_key": idempotency_key,
        "call_end_time": call_end_time,
        "overall_status": overall_status,
        "payload": payload,
        "ingested_at": ingested_at,
    }
