"""WEBHOOK_RETRY_SCHEDULE: parsing, bounds, and the delay of each delayed retry."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from callpipe.connectors.webhook.schedule import (
    MAX_DELAY_S,
    MIN_DELAY_S,
    RetrySchedule,
    ScheduleError,
    format_delay,
)
from callpipe.settings import Settings, describe_settings_error

REPO = Path(__file__).resolve().parents[3]


def test_the_default_schedule_is_nine_retries_over_about_a_day() -> None:
    """30s,2m,10m,30m,1h,2h,4h,8h,8h: nine delays, 23 h 42 min 30 s in all."""
    schedule = Settings().retry_schedule
    assert schedule.delays == (30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800)
    assert schedule.total_s == 85350


@pytest.mark.parametrize(
    ("text", "delays"),
    [
        ("250ms", (0.25,)),
        ("1s, 2s ,3s", (1.0, 2.0, 3.0)),
        ("1.5m", (90.0,)),
        ("2h", (7200.0,)),
        ("1d", (86400.0,)),
        ("", ()),
        ("   ", ()),
    ],
)
def test_units_and_spaces(text: str, delays: tuple[float, ...]) -> None:
    """ms, s, m, h and d, decimals, spaces around items; empty means no delayed retries."""
    assert RetrySchedule.parse(text).delays == delays


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("30", "item 1 ('30')"),
        ("30s,5x", "item 2 ('5x')"),
        ("1h,,2h", "item 2 ('')"),
        ("-1s", "item 1 ('-1s')"),
        ("0s", "retry 1: 0s is outside"),
        ("1s,8d", "retry 2: 691200s is outside"),
    ],
)
def test_a_bad_schedule_names_the_item(text: str, names: str) -> None:
    """A typo is refused with the position of the bad item."""
    with pytest.raises(ScheduleError) as error:
        RetrySchedule.parse(text)
    assert names in str(error.value)


def test_a_bad_schedule_is_a_settings_error_naming_the_variable() -> None:
    """A command with a bad WEBHOOK_RETRY_SCHEDULE stops with one line naming it."""
    with pytest.raises(ValidationError) as error:
        Settings(webhook_retry_schedule="30s,soon")
    assert describe_settings_error(error.value).startswith("WEBHOOK_RETRY_SCHEDULE: item 2")


def test_each_retry_has_its_delay_and_there_is_none_after_the_last() -> None:
    """delay(n) is the n-th delay; past the end there is no retry (the call is dead-lettered)."""
    schedule = RetrySchedule.parse("30s,2m")
    assert [schedule.delay(n) for n in (1, 2, 3)] == [30.0, 120.0, None]
    assert len(schedule) == 2
    with pytest.raises(ValueError, match="start at 1"):
        schedule.delay(0)


@pytest.mark.parametrize(
    ("seconds", "text"), [(30.0, "30s"), (120.0, "2m"), (90.0, "90s"), (0.0015, "1.5ms")]
)
def test_a_delay_is_written_in_its_largest_exact_unit(seconds: float, text: str) -> None:
    """format_delay picks the unit that keeps the number whole."""
    assert format_delay(seconds) == text


@given(st.lists(st.floats(min_value=MIN_DELAY_S, max_value=MAX_DELAY_S), max_size=12))
def test_a_formatted_schedule_parses_back(delays: list[float]) -> None:
    """format() and parse() agree, to float precision."""
    again = RetrySchedule.parse(RetrySchedule(tuple(delays)).format())
    assert len(again) == len(delays)
    assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(again.delays, delays, strict=True))


@given(st.text(max_size=40))
def test_parsing_any_text_gives_a_schedule_or_a_schedule_error(text: str) -> None:
    """No other exception escapes the parser, whatever the environment holds."""
    try:
        schedule = RetrySchedule.parse(text)
    except ScheduleError:
        return
    assert all(MIN_DELAY_S <= delay <= MAX_DELAY_S for delay in schedule.delays)


@pytest.mark.parametrize("stage", ["delivery", "retry"])
def test_a_bad_schedule_stops_the_worker_in_one_line(stage: str) -> None:
    """`callpipe worker --stage delivery|retry` with a typo in the schedule: exit 2, one line."""
    done = subprocess.run(
        [sys.executable, "-m", "callpipe", "worker", "--stage", stage],
        cwd=REPO,
        env={**os.environ, "LOG_FORMAT": "text", "WEBHOOK_RETRY_SCHEDULE": "30s,2 minutes"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "callpipe worker: configuration error: WEBHOOK_RETRY_SCHEDULE: item 2 ('2 minutes') "
        "is not a number followed by ms, s, m, h or d"
    ]
