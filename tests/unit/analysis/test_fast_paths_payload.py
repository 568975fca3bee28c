"""Payload times and the engine's value classes, as mypyc compiles them, give
the same answers as the plain definitions they stand for: times converted
with astimezone in any zone (daylight saving, folds and gaps included), and
classes built by position or keyword, compared and shown like dataclasses."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis.dropoff import DropoffDecision
from callpipe.analysis.extraction import (
    Attempt,
    Extraction,
    FieldExtraction,
    extraction_from_dict,
    extraction_to_dict,
)
from callpipe.analysis.times import format_optional_time, format_time, whole_seconds

# Zones with daylight saving (one by half an hour), one without, and UTC.
_ZONES = [
    ZoneInfo(name)
    for name in (
        "Europe/London",
        "America/New_York",
        "Australia/Lord_Howe",
        "America/Santiago",
        "Asia/Kolkata",
        "UTC",
    )
]
_OFFSETS = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-23 * 60 - 59, 23 * 60 + 59)
)
_WALL_TIMES = st.datetimes(datetime(1, 1, 3), datetime(9999, 12, 29))
# Around the switches of recent years, where folds and gaps are.
_NEAR_SWITCHES = st.datetimes(datetime(2023, 1, 1), datetime(2027, 1, 1))


def _expected(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).isoformat(" ")[:19]


@given(
    wall=st.one_of(_WALL_TIMES, _NEAR_SWITCHES),
    offset=st.one_of(_OFFSETS, st.just(UTC)),
    zone=st.sampled_from(_ZONES),
)
def test_payload_time_from_a_fixed_offset_equals_astimezone(
    wall: datetime, offset: tzinfo, zone: ZoneInfo
) -> None:
    """``+05:30``, ``-03:00``, ``Z`` ... into any output zone, at any instant."""
    moment = wall.replace(tzinfo=offset)
    assert format_time(moment, zone) == _expected(moment, zone)


@given(wall=_NEAR_SWITCHES, fold=st.sampled_from([0, 1]), zone=st.sampled_from(_ZONES))
def test_payload_time_in_the_output_zone_itself_equals_astimezone(
    wall: datetime, fold: int, zone: ZoneInfo
) -> None:
    """Naive input times are read in the output zone: folds and gaps included."""
    moment = wall.replace(tzinfo=zone, fold=fold)
    assert format_time(moment, zone) == _expected(moment, zone)
    assert format_optional_time(moment, zone) == _expected(moment, zone)


@pytest.mark.parametrize(
    ("wall", "zone"),
    [
        (datetime(2025, 3, 30, 1, 30), "Europe/London"),  # gap
        (datetime(2025, 10, 26, 1, 30), "Europe/London"),  # fold
        (datetime(2025, 3, 9, 2, 30), "America/New_York"),  # gap
        (datetime(2025, 11, 2, 1, 30), "America/New_York"),  # fold
        (datetime(2025, 4, 6, 1, 45), "Australia/Lord_Howe"),  # half-hour fold
    ],
)
def test_payload_time_at_a_switch_equals_astimezone(wall: datetime, zone: str) -> None:
    tz = ZoneInfo(zone)
    for fold in (0, 1):
        local = wall.replace(tzinfo=tz, fold=fold)
        for moment in (local, local.astimezone(UTC), local.astimezone(timezone(timedelta(0)))):
            assert format_time(moment, tz) == _expected(moment, tz)
    assert format_optional_time(None, tz) == ""


@given(
    start=_NEAR_SWITCHES,
    microseconds=st.integers(-(10**12), 10**12),
    offsets=st.tuples(_OFFSETS, st.one_of(_OFFSETS, st.sampled_from(_ZONES))),
)
def test_whole_seconds_are_floored(
    start: datetime, microseconds: int, offsets: tuple[tzinfo, tzinfo]
) -> None:
    begin = start.replace(tzinfo=offsets[0])
    end = (begin + timedelta(microseconds=microseconds)).astimezone(offsets[1])
    exact = (end - begin) // timedelta(microseconds=1)
    assert whole_seconds(begin, end) == exact // 1_000_000


# --- the value classes ----------------------------------------------------------

_START = datetime(2025, 10, 2, 14, 25, 10, tzinfo=timezone(timedelta(hours=5, minutes=30)))
_END = _START + timedelta(seconds=7)


def _attempt(sequence: int, value: str | None) -> Attempt:
    return Attempt(f"name-{sequence}", sequence, 2 * sequence, _START, _END, "Rahul", value)


def test_value_classes_build_by_position_and_by_keyword_alike() -> None:
    by_keyword = Attempt(
        window_id="name-1",
        sequence=1,
        question_index=2,
        start=_START,
        end=_END,
        reply_text="Rahul",
        value="Rahul",
    )
    assert by_keyword == _attempt(1, "Rahul")
    assert by_keyword != _attempt(1, None)
    entry = FieldExtraction(field="name", attempts=(by_keyword,), value="Rahul")
    assert entry == FieldExtraction("name", (_attempt(1, "Rahul"),), "Rahul")
    assert Extraction(fields=(entry,), source="rules") == Extraction((entry,), "rules")
    assert DropoffDecision("partial", "ivr", "ivr", _END) == DropoffDecision(
        overall_status="partial", rule="ivr", action="ivr", time=_END, last_question_field=""
    )


def test_value_classes_keep_their_fields_in_order() -> None:
    names = {
        cls: [field.name for field in dataclasses.fields(cls)]
        for cls in (Attempt, FieldExtraction, Extraction, DropoffDecision)
    }
    assert names == {
        Attempt: [
            "window_id", "sequence", "question_index", "start", "end", "reply_text", "value"
        ],
        FieldExtraction: ["field", "attempts", "value"],
        Extraction: ["fields", "source"],
        DropoffDecision: ["overall_status", "rule", "action", "time", "last_question_field"],
    }  # fmt: skip
    assert repr(Extraction((), "llm")) == "Extraction(fields=(), source='llm')"


def test_remarks_and_the_dict_form() -> None:
    verified = FieldExtraction("name", (_attempt(1, None), _attempt(2, "Rahul")), "Rahul")
    missing = FieldExtraction("model", (_attempt(1, None),), None)
    unasked = FieldExtraction("email", (), None)
    assert [verified.remarks, missing.remarks, unasked.remarks] == [
        "verified",
        "not_available",
        "not_attempted",
    ]
    extraction = Extraction((verified, missing, unasked), "rules")
    assert extraction_from_dict(extraction_to_dict(extraction)) == extraction
