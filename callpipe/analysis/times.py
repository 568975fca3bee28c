"""Reading ISO 8601 timestamps in and writing the payload's time format out.

Input (contract section 1): ISO 8601 with an offset or ``Z`` is absolute;
without one it is wall time in the output time zone. Output (section 2):
``YYYY-MM-DD HH:mm:ss`` in the output zone, fractions truncated.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

# What we accept, checked before `datetime.fromisoformat`: that function also
# takes date-only strings, week dates and compact forms, which are not
# timestamps of an utterance. Fractions of any length; offsets +hh[:mm] or Z.
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
    r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_FRACTION = re.compile(r"([.,])(\d{7,})")

_ONE_SECOND = timedelta(seconds=1)


def parse_timestamp(text: str, default_tz: tzinfo) -> datetime | None:
    """An aware datetime, or None when ``text`` is not an ISO 8601 timestamp.

    Fractions beyond microseconds are cut (never rounded) so that truncation
    stays truncation all the way to the payload.
    """
    # Fast path, as this runs for every message: let fromisoformat try, and
    # keep its answer when the text has the extended date-T-time shape
    # (fromisoformat also takes date-only, week and compact forms).
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return _parse_unusual(text, default_tz)
    if text[4:14:3] != "--T:":  # the characters at 4, 7, 10 and 13
        return _parse_unusual(text, default_tz)
    return moment if moment.tzinfo is not None else _in_zone(moment, default_tz)


def _parse_unusual(text: str, default_tz: tzinfo) -> datetime | None:
    if _TIMESTAMP.fullmatch(text) is None:
        return None
    # Only digits, separators and the letters T/Z can be here: upper() is safe.
    normalised = _FRACTION.sub(lambda m: m.group(1) + m.group(2)[:6], text.upper())
    try:
        moment = datetime.fromisoformat(normalised)
    except ValueError:  # e.g. month 13, hour 25, offset +25:00
        return None
    if moment.tzinfo is None:
        return _in_zone(moment, default_tz)
    return moment


def _in_zone(naive: datetime, tz: tzinfo) -> datetime:
    """``naive.replace(tzinfo=tz)`` (fold 0), about twice as fast: replace()
    parses nine keyword arguments, the positional constructor none."""
    return datetime(
        naive.year,
        naive.month,
        naive.day,
        naive.hour,
        naive.minute,
        naive.second,
        naive.microsecond,
        tz,
    )


def format_time(moment: datetime, tz: tzinfo) -> str:
    """``YYYY-MM-DD HH:mm:ss`` in ``tz``; microseconds are dropped (truncated)."""
    # isoformat() writes "YYYY-MM-DD HH:MM:SS" first; what follows (fraction,
    # offset) is cut off, which truncates as the contract asks.
    return moment.astimezone(tz).isoformat(" ")[:19]


def format_optional_time(moment: datetime | None, tz: tzinfo) -> str:
    """Like format_time, with ``""`` for "no time" (routing and dropoff use it)."""
    return "" if moment is None else format_time(moment, tz)


def whole_seconds(start: datetime, end: datetime) -> int:
    """Whole seconds from start to end, floored (contract: duration)."""
    return (end - start) // _ONE_SECOND
