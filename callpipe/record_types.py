"""The Avro record of every topic as a TypedDict, in the form fastavro reads and writes.

One TypedDict per record of schemas/*.avsc, nested records included:
``["null", X]`` unions are ``X | None``, enums are ``Literal`` of their
symbols, ``timestamp-micros``/``timestamp-millis`` are aware ``datetime`` (UTC
when read back), ``bytes`` are ``bytes``. tests/unit/test_record_types.py
walks each .avsc and checks these keys and types against it, so a schema
change that forgets its TypedDict fails a test.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, TypedDict

OverallStatus = Literal["complete", "partial", "failed"]
Role = Literal["assistant", "user"]
DataPoint = Literal["name", "model", "email"]


# --- calls.transcript-saved --------------------------------------------------------
class SavedMessage(TypedDict):
    role: str
    text: str
    timestamp: str
    end_timestamp: str | None


class TranscriptSaved(TypedDict):
    call_ref_id: str
    call_vendor: str
    recording_url: str
    start_time: str
    end_time: str
    messages: list[SavedMessage]
    extra_json: str
    source: str


# --- calls.extracted -------------------------------------------------------------
class Utterance(TypedDict):
    role: Role
    text: str
    timestamp: datetime
    end_timestamp: datetime | None


class ExtractedAttempt(TypedDict):
    window_id: str
    sequence: int
    question_index: int
    start_time: datetime
    end_time: datetime
    reply_text: str
    value: str | None
    source: str


class ExtractedField(TypedDict):
    field: DataPoint
    value: str | None
    attempts: list[ExtractedAttempt]


class CallExtracted(TypedDict):
    call_ref_id: str
    call_vendor: str
    recording_url: str
    start_time: datetime
    end_time: datetime
    messages: list[Utterance]
    fields: list[ExtractedField]
    extractor: str
    ingested_at: datetime | None


# --- calls.analyzed: the SingleInterface payload, then its envelope ---------------
class Language(TypedDict):
    welcome: str
    conversational: str


class DealerRouting(TypedDict):
    status: bool
    reason: str
    time: str


class Dropoff(TypedDict):
    time: str
    action: str


class AttemptDetail(TypedDict):
    start_time: str
    end_time: str
    sequence: int


class ResponseData(TypedDict):
    key_label: str
    key_value: str
    key_response: str
    attempts: int
    attempts_details: list[AttemptDetail]
    remarks: str


class SingleInterfacePayload(TypedDict):
    id: str
    call_ref_id: str
    call_vendor: str
    recording_url: str
    start_time: str
    end_time: str
    duration: int
    language: Language
    dealer_routing: DealerRouting
    dropoff: Dropoff
    response_data: list[ResponseData]


class CallAnalyzed(TypedDict):
    call_ref_id: str
    idempotency_key: str
    call_end_time: datetime
    overall_status: OverallStatus
    payload: SingleInterfacePayload
    ingested_at: datetime | None


# --- webhooks.delivered, webhooks.retry ------------------------------------------
class DeliveryAttempt(TypedDict):
    """Also the RetryAttempt of webhooks.retry: the same fields."""

    number: int
    started_at: datetime
    duration_ms: float
    http_status: int | None
    error: str | None
    retry_delay_ms: float | None


class WebhookDelivered(TypedDict):
    call_ref_id: str
    idempotency_key: str
    url: str
    http_status: int
    delivered_at: datetime
    attempts: list[DeliveryAttempt]
    forward_status: str | None


class WebhookRetry(TypedDict):
    call_ref_id: str
    idempotency_key: str
    retry: int
    due_at: datetime
    http_status: int | None
    error_message: str
    attempts: list[DeliveryAttempt]
    analyzed_topic: str
    analyzed_partition: int
    analyzed_offset: int
    analyzed_key: bytes | None
    analyzed_value: bytes
    requeued_at: datetime | None


# --- calls.dead-letter, webhooks.dead-letter, dlq.replayed ------------------------
class DeadLetter(TypedDict):
    stage: str
    call_ref_id: str | None
    error_class: str
    error_message: str
    error_field: str | None
    http_status: int | None
    attempts: list[DeliveryAttempt]
    original_topic: str
    original_partition: int
    original_offset: int
    original_key: bytes | None
    original_value: bytes | None
    failed_at: datetime
    original_size: int | None


class DeadLetterReplayed(TypedDict):
    dead_letter_topic: str
    partition: int
    offset: int
    replayed_to: str
    replayed_at: datetime
