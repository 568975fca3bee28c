"""Payload shape validation of the reference receiver."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callpipe.connectors.receiver.validation import REMARKS, is_payload_time, problems
from tests.payload_support import EXAMPLES, PARTIAL_DROPOFF, example_payload

MISSING = object()
VALID = example_payload(PARTIAL_DROPOFF)


def mutate(payload: dict[str, Any], path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    """A copy of payload with the value at path replaced (or deleted with MISSING)."""
    changed = copy.deepcopy(payload)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    if value is MISSING:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


def fields(payload: object) -> list[str]:
    return [problem.field for problem in problems(payload)]


def test_contract_examples_are_present() -> None:
    """The four spec examples are in the repository (examples/, copies of the contract's)."""
    assert len(list(EXAMPLES.glob("*.payload.json"))) == 4


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.payload.json")), ids=lambda p: p.name)
def test_contract_examples_are_valid(path: Path) -> None:
    """Every payload of the spec's examples passes."""
    assert problems(json.loads(path.read_text())) == []


def test_fixture_payload_is_valid(payload: dict[str, Any]) -> None:
    """The shared test payload passes."""
    assert problems(payload) == []


def test_spec_curl_sample_is_valid() -> None:
    """The spec's own test sample (no recording_url, empty response_data) passes."""
    sample = {
        "id": "bot_test123",
        "call_ref_id": "test123",
        "call_vendor": "Ozonetel",
        "start_time": "2025-10-02 14:00:00",
        "end_time": "2025-10-02 14:05:00",
        "duration": 300,
        "language": {"welcome": "english", "conversational": "hindi"},
        "dealer_routing": {
            "status": True,
            "reason": "All data collected",
            "time": "2025-10-02 14:05:00",
        },
        "dropoff": {"time": "", "action": ""},
        "response_data": [],
    }
    assert problems(sample) == []


def test_extra_fields_are_allowed(payload: dict[str, Any]) -> None:
    """A newer sender's extra fields do not break the receiver."""
    assert problems({**payload, "overall_status": "partial"}) == []


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("id",), MISSING, "id"),
        (("id",), "bot_other", "id"),
        (("call_ref_id",), "", "call_ref_id"),
        (("call_ref_id",), 18882175837982272, "call_ref_id"),
        (("call_vendor",), None, "call_vendor"),
        (("recording_url",), 5, "recording_url"),
        (("start_time",), "2025-10-02T15:10:00", "start_time"),
        (("start_time",), "2025-10-02 15:10:00.123", "start_time"),
        (("start_time",), "", "start_time"),
        (("end_time",), "2025-02-30 10:00:00", "end_time"),
        (("duration",), "80", "duration"),
        (("duration",), -1, "duration"),
        (("duration",), True, "duration"),
        (("duration",), float("inf"), "duration"),
        (("language",), "english", "language"),
        (("language", "welcome"), MISSING, "language.welcome"),
        (("language", "conversational"), "", "language.conversational"),
        (("dealer_routing", "status"), "false", "dealer_routing.status"),
        (("dealer_routing", "reason"), None, "dealer_routing.reason"),
        (("dealer_routing", "time"), "15:11:20", "dealer_routing.time"),
        (("dropoff",), [], "dropoff"),
        (("dropoff", "time"), None, "dropoff.time"),
        (("dropoff", "action"), "phone", "dropoff.action"),
        (("response_data",), {}, "response_data"),
        (("response_data", 0), "name", "response_data[0]"),
        (("response_data", 0, "key_label"), MISSING, "response_data[0].key_label"),
        (("response_data", 1, "key_value"), "phone", "response_data[1].key_value"),
        (("response_data", 0, "key_response"), None, "response_data[0].key_response"),
        (("response_data", 0, "attempts"), 1.0, "response_data[0].attempts"),
        (("response_data", 0, "attempts"), 2, "response_data[0].attempts"),
        (("response_data", 0, "attempts_details"), {}, "response_data[0].attempts_details"),
        (
            ("response_data", 0, "attempts_details", 0),
            "x",
            "response_data[0].attempts_details[0]",
        ),
        (
            ("response_data", 2, "attempts_details", 0, "end_time"),
            "",
            "response_data[2].attempts_details[0].end_time",
        ),
        (
            ("response_data", 2, "attempts_details", 0, "sequence"),
            2,
            "response_data[2].attempts_details[0].sequence",
        ),
        (
            ("response_data", 2, "attempts_details", 0, "sequence"),
            0,
            "response_data[2].attempts_details[0].sequence",
        ),
        (("response_data", 2, "remarks"), "unknown", "response_data[2].remarks"),
    ],
)
def test_bad_field_is_named(
    payload: dict[str, Any], path: tuple[str | int, ...], value: object, field: str
) -> None:
    """Each kind of bad value is reported under its own field path, and only there."""
    assert fields(mutate(payload, path, value)) == [field]


@pytest.mark.parametrize(
    ("path", "value"), [(("dealer_routing", "time"), ""), (("dropoff", "time"), "")]
)
def test_empty_time_allowed_where_the_spec_allows_it(
    payload: dict[str, Any], path: tuple[str, ...], value: str
) -> None:
    """dealer_routing.time and dropoff.time may be empty."""
    assert problems(mutate(payload, path, value)) == []


def test_recording_url_is_optional(payload: dict[str, Any]) -> None:
    """recording_url may be absent (the spec's sample omits it)."""
    assert problems(mutate(payload, ("recording_url",), MISSING)) == []


def test_every_missing_top_level_field_is_listed() -> None:
    """An empty object names each required field, in order."""
    assert fields({}) == [
        "id",
        "call_ref_id",
        "call_vendor",
        "start_time",
        "end_time",
        "duration",
        "language",
        "dealer_routing",
        "dropoff",
        "response_data",
    ]


@given(st.none() | st.booleans() | st.integers() | st.text() | st.lists(st.integers()))
def test_non_object_body_is_one_problem(body: object) -> None:
    """Anything but a JSON object is rejected as a whole."""
    assert fields(body) == ["payload"]


@settings(max_examples=50)
@given(value=st.emails() | st.text(min_size=1))
def test_messages_never_depend_on_the_value(value: str) -> None:
    """A bad value (maybe an email or a name) never shows in the message."""
    if value in REMARKS:
        return
    path = ("response_data", 0, "remarks")
    found = problems(mutate(VALID, path, value))
    assert found == problems(mutate(VALID, path, "placeholder"))


@given(st.datetimes(min_value=datetime(1000, 1, 1)))
def test_every_formatted_datetime_is_a_payload_time(moment: datetime) -> None:
    """Anything strftime gives in the payload format (years 1000+) is accepted."""
    assert is_payload_time(moment.strftime("%Y-%m-%d %H:%M:%S"))


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2025-10-02 14:25:00", True),
        ("2024-02-29 23:59:59", True),
        ("2025-02-29 00:00:00", False),
        ("2025-10-02 24:00:00", False),
        ("2025-10-02 14:25", False),
        ("2025-10-02T14:25:00", False),
        ("2025-10-02 14:25:00Z", False),
        (" 2025-10-02 14:25:00", False),
        ("२०२५-10-02 14:25:00", False),
    ],
)
def test_payload_time_format(value: str, ok: bool) -> None:
    """Only YYYY-MM-DD HH:mm:ss naming a real moment."""
    assert is_payload_time(value) is ok
