"""The saved transcript of one call (contract section 1), parsed and checked.

`parse_transcript` turns untrusted JSON data into a `Transcript` or raises a
`TranscriptError` naming the exact field (``messages[3].timestamp``), so a
bad event can go to the dead-letter topic with a reason a person can act on.
`build_transcript` makes the same object from values that are already typed
and checked (the pipeline's Avro records), without parsing again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from operator import attrgetter
from typing import Any, Final, Literal

from callpipe.analysis.limits import (
    CALL_REF_ID_MAX_CHARS,
    CALL_REF_ID_PATTERN,
    CALL_REF_ID_RULE,
    CALL_VENDOR_MAX_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_MESSAGES,
    MAX_TOTAL_TEXT_CHARS,
    MAX_YEAR,
    MIN_YEAR,
    RECORDING_URL_MAX_CHARS,
)
from callpipe.analysis.texts import CallTexts, call_texts
from callpipe.analysis.times import (
    has_extended_shape,
    in_zone,
    parse_timestamp,
    string_order_is_time_order,
)
from callpipe.jsontypes import json_type_name

Role = Literal["assistant", "user"]

_KEPT_ROLES: Final = frozenset({"assistant", "user"})


class TranscriptError(ValueError):
    """The transcript breaks contract section 1; ``field`` is the JSON path."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Message:
    """One utterance; ``timestamp`` is when it started, ``end_timestamp`` when it ended."""

    role: Role
    text: str
    timestamp: datetime
    end_timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    """A call: its ids, its span and its assistant/user messages in time order.

    ``texts`` is derived from the messages when the transcript is made: the
    lower-cased texts that the questions, routing and language rules search.
    It is left out of equality, hashing and repr: the messages decide it.
    """

    call_ref_id: str
    call_vendor: str
    recording_url: str
    start_time: datetime
    end_time: datetime
    messages: tuple[Message, ...]
    texts: CallTexts = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Derived, so set past the frozen guard, the one way a frozen dataclass allows.
        object.__setattr__(self, "texts", call_texts(self.messages))


# Sort key; list.sort is stable, so equal timestamps keep their input order.
_by_timestamp: Final = attrgetter("timestamp")


def build_transcript(
    call_ref_id: str,
    call_vendor: str,
    recording_url: str,
    start_time: datetime,
    end_time: datetime,
    messages: Iterable[Message],
) -> Transcript:
    """A Transcript from typed values: keeps assistant/user messages, sorts them stably.

    Times must be aware; the checks that need no parsing are repeated here so
    that a Transcript always satisfies the contract however it was made.
    """
    if start_time.tzinfo is None:
        raise TranscriptError("start_time", "has no time zone")
    if end_time.tzinfo is None:
        raise TranscriptError("end_time", "has no time zone")
    if end_time < start_time:
        raise TranscriptError("end_time", "is before start_time")
    _check_year(start_time, "start_time")
    _check_year(end_time, "end_time")
    kept = [message for message in messages if message.role in _KEPT_ROLES]
    for message in kept:
        if message.timestamp.tzinfo is None:
            raise TranscriptError("messages", "a message timestamp has no time zone")
        _check_year(message.timestamp, "messages")
        if message.end_timestamp is not None:
            _check_year(message.end_timestamp, "messages")
    return Transcript(
        call_ref_id=call_ref_id,
        call_vendor=call_vendor,
        recording_url=recording_url,
        start_time=start_time,
        end_time=end_time,
        messages=tuple(sorted(kept, key=_by_timestamp)),
    )


def parse_transcript(data: object, default_tz: tzinfo) -> Transcript:
    """Checks the JSON form of a transcript and returns it typed.

    Naive timestamps are wall time in ``default_tz`` (the output time zone).
    Messages whose role is neither ``assistant`` nor ``user`` are dropped
    without further checks: tool and system messages often carry structured
    content that is none of the analysis' business.
    """
    if not isinstance(data, dict):
        raise TranscriptError("transcript", f"expected an object, got {json_type_name(data)}")
    call_ref_id = _call_ref_id(data)
    call_vendor = _string(data, "call_vendor", "call_vendor")
    _check_length(call_vendor, CALL_VENDOR_MAX_CHARS, "call_vendor")
    recording_url = _optional_string(data, "recording_url", "recording_url") or ""
    _check_length(recording_url, RECORDING_URL_MAX_CHARS, "recording_url")
    start_time = _timestamp(data, "start_time", "start_time", default_tz)
    end_time = _timestamp(data, "end_time", "end_time", default_tz)
    if end_time < start_time:
        raise TranscriptError(
            "end_time", f"is before start_time ({data['end_time']!r} < {data['start_time']!r})"
        )
    raw_messages = data.get("messages", _MISSING)
    if raw_messages is _MISSING:
        raise TranscriptError("messages", "required field is missing")
    if not isinstance(raw_messages, list):
        raise TranscriptError("messages", f"expected an array, got {json_type_name(raw_messages)}")
    if len(raw_messages) > MAX_MESSAGES:
        raise TranscriptError(
            "messages", f"{len(raw_messages)} messages, more than the limit of {MAX_MESSAGES}"
        )
    messages, stamps = _read_messages(raw_messages, default_tz)
    total_text = sum(len(message.text) for message in messages)
    if total_text > MAX_TOTAL_TEXT_CHARS:
        raise TranscriptError(
            "messages",
            f"{total_text} characters of text, more than the limit of {MAX_TOTAL_TEXT_CHARS}",
        )
    if stamps is not None and string_order_is_time_order(stamps):
        # Sorting the strings sorts by time (stably too), without a datetime
        # comparison; messages in order already (the usual call) stay as they are.
        if sorted(stamps) != stamps:
            order = sorted(range(len(stamps)), key=stamps.__getitem__)
            messages = [messages[number] for number in order]
    else:
        messages.sort(key=_by_timestamp)
    return Transcript(
        call_ref_id, call_vendor, recording_url, start_time, end_time, tuple(messages)
    )


def transcript_to_dict(transcript: Transcript) -> dict[str, Any]:
    """The contract's JSON form; `parse_transcript` reads it back to an equal Transcript."""
    return {
        "call_ref_id": transcript.call_ref_id,
        "call_vendor": transcript.call_vendor,
        "recording_url": transcript.recording_url,
        "start_time": transcript.start_time.isoformat(),
        "end_time": transcript.end_time.isoformat(),
        "messages": [_message_to_dict(message) for message in transcript.messages],
    }


def _message_to_dict(message: Message) -> dict[str, str]:
    entry = {
        "role": message.role,
        "text": message.text,
        "timestamp": message.timestamp.isoformat(),
    }
    if message.end_timestamp is not None:
        entry["end_timestamp"] = message.end_timestamp.isoformat()
    return entry


# --- field readers ------------------------------------------------------------

_MISSING: Final = object()


_fromisoformat: Final = datetime.fromisoformat


def _read_messages(
    raw_messages: list[Any], default_tz: tzinfo
) -> tuple[list[Message], list[str] | None]:
    """The assistant/user messages in input order (not yet sorted), and
    their timestamp strings (None when a message was not read the usual way).

    Runs for every message of every call, so the usual message (strings
    where strings belong, times in the extended ``YYYY-MM-DDTHH:MM`` shape)
    is read inline, with the same checks `parse_timestamp` makes. Anything
    else, including every error, goes through `_message`, which reads the
    message again field by field and names the exact problem.
    """
    messages: list[Message] = []
    stamps: list[str] | None = []
    for index, raw in enumerate(raw_messages):
        if type(raw) is dict:
            # A missing field reads as None and sends the message to the
            # general path, which names the problem.
            role = raw.get("role")
            text = raw.get("text")
            stamp = raw.get("timestamp")
            end = raw.get("end_timestamp")  # optional
            if (
                (role == "assistant" or role == "user")
                and type(text) is str
                and len(text) <= MAX_MESSAGE_CHARS
                and type(stamp) is str
                and has_extended_shape(stamp)
            ):
                try:
                    timestamp = _fromisoformat(stamp)
                    if end is None:
                        end_timestamp = None
                    elif type(end) is str and has_extended_shape(end):
                        end_timestamp = _fromisoformat(end)
                        if end_timestamp.tzinfo is None:
                            end_timestamp = in_zone(end_timestamp, default_tz)
                    else:
                        raise ValueError  # not the usual shape: the general path decides
                    if not MIN_YEAR <= timestamp.year <= MAX_YEAR or (
                        end_timestamp is not None and not MIN_YEAR <= end_timestamp.year <= MAX_YEAR
                    ):
                        raise ValueError  # out of range: the general path names the field
                except ValueError:
                    pass
                else:
                    if timestamp.tzinfo is None:
                        timestamp = in_zone(timestamp, default_tz)
                    messages.append(Message(role, text, timestamp, end_timestamp))
                    if stamps is not None:
                        stamps.append(stamp)
                    continue
        message = _message(raw, index, default_tz)
        if message is not None:
            messages.append(message)
            stamps = None
    return messages, stamps


def _message(raw: object, index: int, default_tz: tzinfo) -> Message | None:
    # The general reader, for what `_read_messages` does not read inline
    # (and the reference it is tested against); the field path is only
    # spelled out when something is wrong.
    if not isinstance(raw, dict):
        raise TranscriptError(
            f"messages[{index}]", f"expected an object, got {json_type_name(raw)}"
        )
    role = raw.get("role")
    if role != "assistant" and role != "user":
        if type(role) is not str:
            _string(raw, "role", f"messages[{index}].role")  # raises with the reason
        return None
    text = raw.get("text")
    if type(text) is not str:
        text = _string(raw, "text", f"messages[{index}].text")
    _check_length(text, MAX_MESSAGE_CHARS, f"messages[{index}].text")
    timestamp = _timestamp(raw, "timestamp", f"messages[{index}].timestamp", default_tz)
    end_timestamp = None
    raw_end = raw.get("end_timestamp")
    if raw_end is not None:
        end_timestamp = _parse_time_value(raw_end, f"messages[{index}].end_timestamp", default_tz)
    return Message(role, text, timestamp, end_timestamp)


def _string(data: dict[str, Any], key: str, path: str) -> str:
    value = data.get(key, _MISSING)
    if value is _MISSING:
        raise TranscriptError(path, "required field is missing")
    if not isinstance(value, str):
        raise TranscriptError(path, f"expected a string, got {json_type_name(value)}")
    return value


def _optional_string(data: dict[str, Any], key: str, path: str) -> str | None:
    # An optional field may be absent or null; anything else must be a string.
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise TranscriptError(path, f"expected a string, got {json_type_name(value)}")


def _timestamp(data: dict[str, Any], key: str, path: str, default_tz: tzinfo) -> datetime:
    value = data.get(key, _MISSING)
    if value is _MISSING:
        raise TranscriptError(path, "required field is missing")
    return _parse_time_value(value, path, default_tz)


def _parse_time_value(value: object, path: str, default_tz: tzinfo) -> datetime:
    if not isinstance(value, str):
        raise TranscriptError(path, f"expected an ISO 8601 string, got {json_type_name(value)}")
    moment = parse_timestamp(value, default_tz)
    if moment is None:
        raise TranscriptError(path, f"not an ISO 8601 timestamp: {_short_repr(value)}")
    _check_year(moment, path)
    return moment


def _check_year(moment: datetime, path: str) -> None:
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise TranscriptError(path, f"year {moment.year} is outside {MIN_YEAR}-{MAX_YEAR}")


def _check_length(value: str, limit: int, path: str) -> None:
    if len(value) > limit:
        raise TranscriptError(path, f"{len(value)} characters, more than the limit of {limit}")


def _call_ref_id(data: dict[str, Any]) -> str:
    call_ref_id = _string(data, "call_ref_id", "call_ref_id")
    if not call_ref_id.strip():
        raise TranscriptError("call_ref_id", "must not be empty")
    _check_length(call_ref_id, CALL_REF_ID_MAX_CHARS, "call_ref_id")
    if CALL_REF_ID_PATTERN.fullmatch(call_ref_id) is None:
        raise TranscriptError(
            "call_ref_id", f"{_short_repr(call_ref_id)} may hold only {CALL_REF_ID_RULE}"
        )
    return call_ref_id


def _short_repr(value: str, limit: int = 60) -> str:
    # Error messages are one line in a log; a megabyte of garbage is not.
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"
