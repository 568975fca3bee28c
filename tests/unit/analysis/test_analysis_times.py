"""Times (`times.py`): each shortcut against the standard library's answer.

- `has_extended_shape` checks four characters by index: the stepped slice;
- naive input times get the zone as ``replace(tzinfo=...)`` would;
- `string_order_is_time_order` says yes only where sorting the strings sorts
  by time;
- `format_time` (payload times from a table of two-digit fields) equals
  ``astimezone(tz).isoformat(" ")[:19]`` in any zone, at the year edges,
  across daylight-saving folds and gaps; `whole_seconds` floors.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import parse_timestamp
from callpipe.analysis.times import (
    format_optional_time,
    format_time,
    has_extended_shape,
    string_order_is_time_order,
    whole_seconds,
)

# --- the timestamp shape the message reader checks ----------------------------


_SHAPE_TEXT = st.text(alphabet=st.sampled_from("0123-T:tZ+ ."), max_size=20)


@given(_SHAPE_TEXT)
def test_extended_shape_is_the_stepped_slice(text: str) -> None:
    """The characters at 4, 7, 10 and 13, exactly as ``parse_timestamp`` checks them."""
    assert has_extended_shape(text) == (text[4:14:3] == "--T:")


def test_extended_shape_examples() -> None:
    assert has_extended_shape("2025-10-02T14:25")
    assert has_extended_shape("2025-10-02T14:25:10.5+05:30")
    assert not has_extended_shape("2025-10-02T14")  # too short for the minutes' colon
    assert not has_extended_shape("2025-10-02 14:25")  # a space: the general path decides
    assert not has_extended_shape("20251002T142510")


# --- naive times --------------------------------------------------------------


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
def test_naive_times_get_the_zone_like_replace(moment: datetime) -> None:
    """A naive input time is read as wall time in the zone, fold 0, as replace() would."""
    for zone in (ZoneInfo("Asia/Kolkata"), ZoneInfo("America/New_York"), timezone(timedelta(0))):
        text = moment.replace(fold=0).isoformat()
        parsed = parse_timestamp(text, zone)
        expected = datetime.fromisoformat(text).replace(tzinfo=zone)
        assert parsed is not None
        assert (parsed, parsed.tzinfo, parsed.fold) == (expected, expected.tzinfo, expected.fold)
        assert parsed.utcoffset() == expected.utcoffset()


# --- timestamps ordered as strings --------------------------------------------


_LAYOUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f"]


@st.composite
def _stamps(draw: Any) -> list[str]:
    offset = draw(st.sampled_from(["+05:30", "-03:00", "+00:00", "Z", ""]))
    layout = draw(st.sampled_from(_LAYOUTS))
    cut = draw(st.sampled_from([0, 3, 5]))  # fraction digits dropped
    count = draw(st.integers(1, 6))
    stamps = []
    for _ in range(count):
        moment = draw(st.datetimes(datetime(2025, 1, 1), datetime(2025, 1, 2)))
        text = moment.strftime(layout)
        if layout.endswith("%f") and cut:
            text = text[:-cut]
        # Now and then another layout, offset or separator slips in.
        text += draw(st.sampled_from([offset, offset, offset, "+05:30", "+0530"]))
        if draw(st.integers(0, 9)) == 0:
            text = text.replace(".", ",")
        stamps.append(text)
    return stamps


@given(stamps=_stamps())
def test_string_order_is_time_order_only_when_it_is(stamps: list[str]) -> None:
    tz = ZoneInfo("Asia/Kolkata")
    times = [datetime.fromisoformat(s) for s in stamps]
    times = [t if t.tzinfo else t.replace(tzinfo=tz) for t in times]
    if string_order_is_time_order(stamps):
        by_string = sorted(range(len(stamps)), key=stamps.__getitem__)
        by_time = sorted(range(len(stamps)), key=times.__getitem__)
        assert by_string == by_time


def test_string_order_is_refused_for_unlike_layouts() -> None:
    assert string_order_is_time_order(["2025-10-02T14:25:10+05:30", "2025-10-02T14:25:11+05:30"])
    assert not string_order_is_time_order(["2025-10-02T14:25.99+05:30"])  # minute fraction
    assert not string_order_is_time_order(["2025-10-02T14:25:10+05:30", "2025-10-02T14:25.5+05:30"])
    assert not string_order_is_time_order(
        ["2025-10-02T14:25:10+05:30", "2025-10-02T14:25:10+01:00"]
    )
    assert not string_order_is_time_order(["2025-10-02T14:25:10.1234567+05:30"])  # cut fraction
    assert not string_order_is_time_order(["2025-10-02T14:25:10Z", "2025-10-02T14:25:11Z"])
    assert not string_order_is_time_order([])
    # Digits of another script are not digits of the layout (fromisoformat reads them).
    assert not string_order_is_time_order(
        ["2025-10-02T14:25:10+05:30", "2025-10-02T14:25:1٣+05:30"]
    )


# --- payload times == astimezone, then isoformat cut --------------------------


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


@given(moment=st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30)), hours=st.integers(-12, 12))
@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/New_York"])
def test_payload_time_equals_isoformat_cut(moment: datetime, hours: int, zone: str) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(hours=hours)))
    tz = ZoneInfo(zone)
    assert format_time(aware, tz) == aware.astimezone(tz).isoformat(" ")[:19]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, 0, 0, 0, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1000, 1, 1, 5, 6, 7, tzinfo=UTC),
        datetime(2025, 10, 2, 9, 0, 22, 500000, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(9999, 12, 31, 18, 29, 59, tzinfo=UTC),
    ],
)
def test_payload_time_at_the_year_edges_equals_isoformat_cut(moment: datetime) -> None:
    tz = ZoneInfo("Asia/Kolkata")
    assert format_time(moment, tz) == moment.astimezone(tz).isoformat(" ")[:19]


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
