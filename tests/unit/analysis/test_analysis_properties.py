"""Property tests: any valid transcript gives a well-formed payload; any broken one
raises TranscriptError and nothing else."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callpipe.analysis import (
    FIELD_LABELS,
    FIELDS,
    TranscriptError,
    analyze,
    load_analysis_config,
    parse_transcript,
)
from callpipe.analysis.limits import CALL_REF_ID_MAX_CHARS, CALL_REF_ID_PATTERN

# Hypothesis prints the arguments of a failing example; a config is too big to print.
CONFIG = load_analysis_config()
KOLKATA = ZoneInfo("Asia/Kolkata")
TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
BASE = datetime(2025, 10, 2, 10, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PHRASES = [
    "May I know your name?", "Which model are you looking for?", "What is your email id?",
    "Sorry, please repeat", "Mera naam Amit Kumar hai", "Tata Nexon EV chahiye",
    "rahul dot sharma at gmail dot com", "I want to talk to the dealer", "என்ன?", "ನಮಸ್ಕಾರ",
    "హలో", "ਹਾਂ ਜੀ", "હા", "नमस्ते", "yes", "why?", "", "Which car? Your e-mail?",
]  # fmt: skip

CALL_REF_IDS = st.from_regex(CALL_REF_ID_PATTERN, fullmatch=True).filter(
    lambda text: len(text) <= CALL_REF_ID_MAX_CHARS
)
"""Call ids as the door takes them (callpipe.analysis.limits)."""


def _stamp(moment: datetime, style: str) -> str:
    if style == "utc":
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if style == "naive":
        return moment.astimezone(KOLKATA).replace(tzinfo=None).isoformat()
    if style == "nanos":
        return moment.isoformat(timespec="microseconds").replace("+", "789+", 1)
    return moment.isoformat()


@st.composite
def transcripts(draw: st.DrawFn) -> dict[str, Any]:
    style = st.sampled_from(["offset", "utc", "naive", "nanos"])
    micros = st.integers(min_value=0, max_value=900_000_000)

    def moment() -> datetime:
        return BASE + timedelta(microseconds=draw(micros))

    start = moment()
    end = start + timedelta(microseconds=draw(st.integers(0, 900_000_000)))
    messages = []
    for _ in range(draw(st.integers(0, 14))):
        message: dict[str, Any] = {
            "role": draw(st.sampled_from(["assistant", "user", "assistant", "user", "system"])),
            "text": draw(st.one_of(st.sampled_from(PHRASES), st.text(max_size=30))),
            "timestamp": _stamp(moment(), draw(style)),
        }
        if draw(st.booleans()):
            message["end_timestamp"] = _stamp(moment(), draw(style))
        messages.append(message)
    data: dict[str, Any] = {
        "call_ref_id": draw(CALL_REF_IDS),
        "call_vendor": draw(st.sampled_from(["Ozonetel", "Waybeo", ""])),
        "start_time": _stamp(start, draw(style)),
        "end_time": _stamp(end, draw(style)),
        "messages": messages,
    }
    if draw(st.booleans()):
        data["recording_url"] = draw(st.sampled_from(["", "https://x/y.mp3", None]))
    return data


@SETTINGS
@given(transcripts())
def test_valid_transcripts_give_well_formed_payloads(data: dict[str, Any]) -> None:
    """Three entries in order, every time well formed, attempts and sequences consistent."""
    payload = analyze(data, CONFIG, KOLKATA)
    assert payload["id"] == "bot_" + data["call_ref_id"]
    assert TIME.match(payload["start_time"]) and TIME.match(payload["end_time"])
    assert isinstance(payload["duration"], int) and payload["duration"] >= 0
    assert payload["language"]["welcome"] == "english"
    routing, dropoff = payload["dealer_routing"], payload["dropoff"]
    assert (routing["time"] == "") is (routing["status"] is False)
    assert routing["time"] == "" or TIME.match(routing["time"])
    assert (dropoff["time"] == "") is (dropoff["action"] == "")
    assert dropoff["time"] == "" or TIME.match(dropoff["time"])
    assert [r["key_value"] for r in payload["response_data"]] == list(FIELDS)
    for entry in payload["response_data"]:
        assert entry["key_label"] == FIELD_LABELS[entry["key_value"]]
        assert entry["attempts"] == len(entry["attempts_details"])
        assert [d["sequence"] for d in entry["attempts_details"]] == list(
            range(1, entry["attempts"] + 1)
        )
        for detail in entry["attempts_details"]:
            assert TIME.match(detail["start_time"]) and TIME.match(detail["end_time"])
            assert detail["start_time"] <= detail["end_time"]
        expected = (
            "verified"
            if entry["key_response"]
            else ("not_available" if entry["attempts"] else "not_attempted")
        )
        assert entry["remarks"] == expected


GARBAGE_TIMES = st.one_of(
    st.sampled_from(
        ["", "abc", "2025-10-02", "2025-13-01T10:00:00", "2025-10-02T25:00:00",
         "2025-02-30T10:00:00Z", "2025-10-02T10:00:00+25:00", "10:00:00", "2025-W40-4T10:00:00",
         "2025-10-02T10:00:00 IST", "20251002T100000"]
    ),
    st.text(max_size=25).filter(lambda s: not re.match(r"[0-9]{4}-", s)),
)  # fmt: skip
WRONG_TYPES = st.sampled_from([0, 1.5, True, False, [], {}, ["x"]])


@st.composite
def broken_transcripts(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(transcripts())
    kept = [m for m in data["messages"] if m["role"] in ("assistant", "user")]
    kinds = ["drop", "type", "garbage", "end_before_start", "messages_type", "not_object"]
    if kept:
        kinds += ["message_drop", "message_type", "message_garbage", "message_not_object"]
    kind = draw(st.sampled_from(kinds))
    if kind == "drop":
        del data[draw(st.sampled_from(["call_ref_id", "call_vendor", "start_time", "end_time",
                                       "messages"]))]  # fmt: skip
    elif kind == "type":
        key = draw(st.sampled_from(["call_ref_id", "call_vendor", "recording_url", "start_time",
                                    "end_time"]))  # fmt: skip
        data[key] = draw(WRONG_TYPES)
    elif kind == "garbage":
        data[draw(st.sampled_from(["start_time", "end_time"]))] = draw(GARBAGE_TIMES)
    elif kind == "end_before_start":
        data["start_time"] = "2025-10-02T10:00:00+05:30"
        data["end_time"] = "2025-10-02T09:59:59.999+05:30"
    elif kind == "messages_type":
        data["messages"] = draw(st.sampled_from([{}, "[]", 3, None]))
    elif kind == "not_object":
        return draw(st.sampled_from([[], "{}", 1, None]))  # type: ignore[return-value]
    else:
        message = draw(st.sampled_from(kept))
        if kind == "message_drop":
            del message[draw(st.sampled_from(["role", "text", "timestamp"]))]
        elif kind == "message_type":
            message[draw(st.sampled_from(["text", "timestamp", "end_timestamp"]))] = draw(
                WRONG_TYPES
            )
        elif kind == "message_garbage":
            message[draw(st.sampled_from(["timestamp", "end_timestamp"]))] = draw(GARBAGE_TIMES)
        else:
            data["messages"][data["messages"].index(message)] = draw(WRONG_TYPES.filter(
                lambda v: not isinstance(v, dict)))  # fmt: skip
    return data


@SETTINGS
@given(broken_transcripts())
def test_broken_transcripts_raise_transcript_error_only(data: Any) -> None:
    """Every mutation that breaks section 1 raises TranscriptError (never anything else)."""
    try:
        parse_transcript(data, KOLKATA)
    except TranscriptError as error:
        assert str(error).startswith(error.field + ": ")
        assert "\n" not in str(error)
    else:
        raise AssertionError("broken transcript was accepted")
