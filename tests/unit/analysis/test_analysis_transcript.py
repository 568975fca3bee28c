"""Parsing and checking the saved transcript (contract section 1)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from analysis_support import CALL_START, at, build_call

from callpipe.analysis import (
    Message,
    TranscriptError,
    build_transcript,
    parse_transcript,
    transcript_to_dict,
)

KOLKATA = ZoneInfo("Asia/Kolkata")


def valid() -> dict[str, Any]:
    return build_call(
        [
            ("assistant", "What is your name?", 10),
            ("user", "Rahul", 12, 14),
            ("assistant", "Thanks", 20),
        ]
    )


def test_messages_are_sorted_stably_by_timestamp() -> None:
    """Out-of-order messages are sorted; equal timestamps keep their input order."""
    data = build_call(
        [("user", "b", 20), ("assistant", "a", 10), ("user", "c", 20), ("assistant", "d", 5)]
    )
    transcript = parse_transcript(data, KOLKATA)
    assert [m.text for m in transcript.messages] == ["d", "a", "b", "c"]


def test_roles_other_than_assistant_and_user_are_dropped_unchecked() -> None:
    """system/tool messages vanish, even when their other fields are not strings."""
    data = valid()
    data["messages"].append({"role": "tool", "text": {"json": 1}, "timestamp": 5})
    data["messages"].append({"role": "system", "text": "You are a bot", "timestamp": at(1)})
    transcript = parse_transcript(data, KOLKATA)
    assert [m.role for m in transcript.messages] == ["assistant", "user", "assistant"]


def test_naive_timestamps_are_wall_time_in_the_default_zone() -> None:
    """A timestamp without offset is read in the output time zone."""
    data = valid()
    data["start_time"] = "2025-10-02T10:00:00"
    transcript = parse_transcript(data, KOLKATA)
    assert transcript.start_time == CALL_START
    assert transcript.start_time.utcoffset() == timedelta(hours=5, minutes=30)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-10-02T04:30:00Z", datetime(2025, 10, 2, 4, 30, tzinfo=UTC)),
        ("2025-10-02t04:30:00z", datetime(2025, 10, 2, 4, 30, tzinfo=UTC)),
        ("2025-10-02T10:00:00.987654+05:30", CALL_START + timedelta(microseconds=987654)),
        ("2025-10-02T10:00:00.9876549+05:30", CALL_START + timedelta(microseconds=987654)),
        ("2025-10-02 10:00:00+05:30", CALL_START),
        ("2025-10-02T10:00+05:30", CALL_START),
        ("2025-10-02T10:00:00,5+05:30", CALL_START + timedelta(microseconds=500000)),
        ("2025-10-02T10:00:00+0530", CALL_START),
    ],
)
def test_iso_8601_forms_are_accepted(text: str, expected: datetime) -> None:
    """Offsets, Z (any case), fractions of any length (cut, not rounded), space separator."""
    data = valid()
    data["start_time"] = text
    assert parse_transcript(data, KOLKATA).start_time == expected


def test_optional_fields_default_and_extra_fields_are_ignored() -> None:
    """recording_url absent or null is "", end_timestamp null is None, extras are fine."""
    data = valid()
    del data["recording_url"]
    data["metadata"] = {"dealer_id": 7}
    data["messages"][1]["end_timestamp"] = None
    transcript = parse_transcript(data, KOLKATA)
    assert transcript.recording_url == ""
    assert transcript.messages[1].end_timestamp is None
    data["recording_url"] = None
    assert parse_transcript(data, KOLKATA).recording_url == ""


def test_empty_message_list_is_valid() -> None:
    """A call with no messages at all is still a transcript."""
    data = valid()
    data["messages"] = []
    assert parse_transcript(data, KOLKATA).messages == ()


def _drop(key: str) -> Any:
    return lambda d: d.pop(key)


def _set(path: tuple[Any, ...], value: object) -> Any:
    def apply(data: dict[str, Any]) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return apply


@pytest.mark.parametrize(
    "mutate, message",
    [
        (_drop("call_ref_id"), "call_ref_id: required field is missing"),
        (_set(("call_ref_id",), ""), "call_ref_id: must not be empty"),
        (_set(("call_ref_id",), "   "), "call_ref_id: must not be empty"),
        (_set(("call_ref_id",), 1888), "call_ref_id: expected a string, got number"),
        (_set(("call_ref_id",), True), "call_ref_id: expected a string, got boolean"),
        (_drop("call_vendor"), "call_vendor: required field is missing"),
        (_set(("recording_url",), 5), "recording_url: expected a string, got number"),
        (_drop("start_time"), "start_time: required field is missing"),
        (_set(("end_time",), "yesterday"), "end_time: not an ISO 8601 timestamp: 'yesterday'"),
        (_set(("end_time",), 1759379400), "end_time: expected an ISO 8601 string, got number"),
        (_set(("end_time",), at(-1)), "end_time: is before start_time"),
        (_drop("messages"), "messages: required field is missing"),
        (_set(("messages",), {"role": "user"}), "messages: expected an array, got object"),
        (_set(("messages", 1), "hello"), "messages[1]: expected an object, got string"),
        (_set(("messages", 2, "role"), None), "messages[2].role: expected a string, got null"),
        (_set(("messages", 0, "text"), ["hi"]), "messages[0].text: expected a string, got array"),
        (
            _set(("messages", 1, "timestamp"), "abc"),
            "messages[1].timestamp: not an ISO 8601 timestamp: 'abc'",
        ),
        (
            _set(("messages", 1, "timestamp"), "2025-10-02"),
            "messages[1].timestamp: not an ISO 8601 timestamp: '2025-10-02'",
        ),
        (
            _set(("messages", 1, "timestamp"), "2025-02-30T10:00:00Z"),
            "messages[1].timestamp: not an ISO 8601 timestamp",
        ),
        (
            _set(("messages", 1, "end_timestamp"), "2025-10-02T25:00:00"),
            "messages[1].end_timestamp: not an ISO 8601 timestamp",
        ),
        (
            _set(("messages", 1, "end_timestamp"), False),
            "messages[1].end_timestamp: expected an ISO 8601 string, got boolean",
        ),
    ],
)
def test_invalid_input_names_the_field(mutate: Any, message: str) -> None:
    """Each contract violation raises TranscriptError whose text starts with the field path."""
    data = copy.deepcopy(valid())
    mutate(data)
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, KOLKATA)
    assert str(caught.value).startswith(message)
    assert str(caught.value).startswith(caught.value.field + ": ")
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("data", [None, [], "{}", 42])
def test_non_object_input_is_rejected(data: object) -> None:
    """Only a JSON object can be a transcript."""
    with pytest.raises(TranscriptError, match=r"^transcript: expected an object"):
        parse_transcript(data, KOLKATA)


def test_garbage_in_error_text_is_cut_to_one_short_line() -> None:
    """A huge or multi-line bad value does not flood the error message."""
    data = valid()
    data["messages"][0]["timestamp"] = "x\n" * 10_000
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, KOLKATA)
    assert "\n" not in str(caught.value)
    assert len(str(caught.value)) < 120


def test_dict_form_round_trips() -> None:
    """transcript_to_dict gives data that parses back to an equal Transcript."""
    transcript = parse_transcript(valid(), KOLKATA)
    assert parse_transcript(transcript_to_dict(transcript), KOLKATA) == transcript


def test_build_transcript_from_typed_values() -> None:
    """build_transcript sorts, drops other roles and checks aware, ordered times."""
    late = Message("user", "late", CALL_START + timedelta(seconds=9))
    early = Message("assistant", "early", CALL_START + timedelta(seconds=1))
    other = Message("tool", "x", CALL_START)  # type: ignore[arg-type]
    transcript = build_transcript(
        "7", "Waybeo", "", CALL_START, CALL_START + timedelta(minutes=1), [late, other, early]
    )
    assert transcript.messages == (early, late)
    with pytest.raises(TranscriptError, match="end_time"):
        build_transcript("7", "Waybeo", "", CALL_START, CALL_START - timedelta(seconds=1), [])
    with pytest.raises(TranscriptError, match="start_time"):
        build_transcript("7", "W", "", datetime(2025, 1, 1), CALL_START, [])
