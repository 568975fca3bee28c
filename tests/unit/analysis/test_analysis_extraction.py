"""The extraction stage: windows + values -> Extraction, and its dict form."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from analysis_support import build_call, name_attempt, question_and_reply, response

from callpipe.analysis import (
    AnalysisConfig,
    Extraction,
    ExtractionFormatError,
    FieldExtraction,
    assemble_extraction,
    build_payload,
    extract,
    extraction_from_dict,
    extraction_to_dict,
    find_attempt_windows,
    parse_transcript,
)

THREE_EMAIL_TRIES = [
    *question_and_reply(10, "What is your email id?", "rahul at gmail dot com"),
    *question_and_reply(20, "Sorry, your email id again?", "sharma at yahoo dot com"),
    *question_and_reply(30, "And your email once more?", "I don't know"),
]


def test_key_response_is_from_the_last_valid_attempt(payload_of: Any) -> None:
    """Two valid answers then an invalid one: the second (last valid) is kept."""
    entry = response(payload_of(build_call(THREE_EMAIL_TRIES)), "email")
    assert entry["key_response"] == "sharma@yahoo.com"
    assert entry["remarks"] == "verified"
    assert entry["attempts"] == 3


def test_llm_style_values_are_assembled_by_window_id(config: AnalysisConfig, tz: ZoneInfo) -> None:
    """An outside extractor's values (any subset, blanks = none) give the Extraction."""
    transcript = parse_transcript(build_call(THREE_EMAIL_TRIES), tz)
    windows = find_attempt_windows(transcript, config)
    extraction = assemble_extraction(
        windows, {"email-1": "first@x.com", "email-2": "  ", "email-3": None}, "llm"
    )
    email = extraction.field("email")
    assert extraction.source == "llm"
    assert [a.value for a in email.attempts] == ["first@x.com", None, None]
    assert email.value == "first@x.com"
    payload = build_payload(transcript, extraction, config, tz)
    assert response(payload, "email")["key_response"] == "first@x.com"


def test_values_for_unknown_windows_are_an_error(config: AnalysisConfig, tz: ZoneInfo) -> None:
    """A value for a window that does not exist is an extractor bug, not silently dropped."""
    windows = find_attempt_windows(parse_transcript(build_call(THREE_EMAIL_TRIES), tz), config)
    with pytest.raises(ValueError, match="name-1"):
        assemble_extraction(windows, {"name-1": "Rahul"}, "llm")


def test_custom_extractor_plugs_in(config: AnalysisConfig, tz: ZoneInfo) -> None:
    """Any object with extract(field, reply_text) can replace the rules."""

    class Upper:
        def extract(self, field: str, reply_text: str) -> str | None:
            return reply_text.upper() if field == "email" else None

    transcript = parse_transcript(build_call(THREE_EMAIL_TRIES), tz)
    extraction = extract(transcript, config, Upper(), source="test")
    assert extraction.field("email").value == "I DON'T KNOW"
    assert extraction.source == "test"


def test_extraction_dict_round_trips_through_json(config: AnalysisConfig, tz: ZoneInfo) -> None:
    """extraction_to_dict is JSON-able and reads back to an equal Extraction."""
    extraction = extract(parse_transcript(build_call(THREE_EMAIL_TRIES), tz), config)
    data = json.loads(json.dumps(extraction_to_dict(extraction)))
    assert data["fields"][2]["attempts"][0]["start"] == "2025-10-02T10:00:10+05:30"
    assert extraction_from_dict(data) == extraction


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"source": "rules", "fields": []},
        {"source": 1, "fields": []},
        {"source": "rules", "fields": [{"field": "phone", "value": None, "attempts": []}]},
    ],
)
def test_malformed_extraction_dicts_are_rejected(data: dict[str, Any]) -> None:
    """A dict without the three fields in order is an ExtractionFormatError."""
    with pytest.raises(ExtractionFormatError):
        extraction_from_dict(data)


def test_remarks_and_the_dict_form() -> None:
    verified = FieldExtraction("name", (name_attempt(1, None), name_attempt(2, "Rahul")), "Rahul")
    missing = FieldExtraction("model", (name_attempt(1, None),), None)
    unasked = FieldExtraction("email", (), None)
    assert [verified.remarks, missing.remarks, unasked.remarks] == [
        "verified",
        "not_available",
        "not_attempted",
    ]
    extraction = Extraction((verified, missing, unasked), "rules")
    assert extraction_from_dict(extraction_to_dict(extraction)) == extraction
