"""Reading ISO 8601 timestamps in and writing the payload's time format out.

Input (contract section 1): ISO 8601 with an offset or ``Z`` is absolute;
without one it is wall time in the output time zone. Output (section 2):
``YYYY-MM-DD HH:mm:ss`` in the output zone, fractions truncated.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from typing import Final

# What we accept, checked before `datetime.fromisoformat`: that function also
# takes date-only strings, week dates and compact forms, which are not
# timestamps of an utterance. Fractions of any length; offsets +hh[:mm] or Z.
_TIMESTAMP: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
    r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_FRACTION: Final = re.compile(r"([.,])(\d{7,})")

_ONE_SECOND: Final = timedelta(seconds=1)


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
    if not has_extended_shape(text):
        return _parse_unusual(text, default_tz)
    return moment if moment.tzinfo is not None else in_zone(moment, default_tz)


def has_extended_shape(text: str) -> bool:
    """Whether ``text`` has the separators of ``YYYY-MM-DDTHH:MM`` where they belong.

    Checked by index: ``text[4:14:3] == "--T:"`` says the same but makes a
    slice object and a new string, and this runs for every timestamp.
    """
    return (
        len(text) > 13 and text[4] == "-" and text[7] == "-" and text[10] == "T" and text[13] == ":"
    )


# A timestamp whose string order is its time order among strings of exactly
# the same layout and offset: digits fill every field, at most microseconds
# (longer fractions are cut, so two different strings could be one time).
_ORDERED_STAMP: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?[+-][0-9]{2}:[0-9]{2}"
)
_DIGITS_TO_ZERO: Final = bytes.maketrans(b"123456789", b"000000000")


def string_order_is_time_order(stamps: list[str]) -> bool:
    """True when sorting ``stamps`` as strings sorts them by time, exactly
    (equal strings are equal times and the other way round); False when that
    is not known.

    Comparing aware datetimes whose offsets are separate `timezone` objects
    (what ``fromisoformat`` makes for ``+05:30``) calls ``utcoffset()`` twice
    per comparison: sorting a call's messages cost more than parsing them.
    Strings of one layout with one offset (``2025-10-02T14:25:10+05:30``)
    compare field by field, year first, each field as wide in every string,
    so their order is the time order. False for anything else, e.g. ``Z`` or
    naive times, whose datetimes share one time zone object and compare fast.
    """
    first = stamps[0] if stamps else ""
    if first[-6:-5] not in ("+", "-") or _ORDERED_STAMP.fullmatch(first) is None:
        return False
    # One layout: with a newline between the strings (none holds one), their
    # digits masked equal the first one's, repeated. One offset: each string
    # ends with the first one's offset (the newline pins where each ends).
    # Masked as bytes: bytes.translate is a table lookup per byte, several
    # times cheaper than str.translate's; the first stamp is ASCII (matched
    # above), so a string that is not differs from its mask anyway.
    joined = "\n".join(stamps)
    if not joined.isascii():
        return False
    mask = first.encode().translate(_DIGITS_TO_ZERO)
    if joined.encode().translate(_DIGITS_TO_ZERO) != b"\n".join([mask] * len(stamps)):
        return False
    offset = first[-6:]
    return joined.count(offset + "\n") == len(stamps) - 1 and joined.endswith(offset)


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
        return in_zone(moment, default_tz)
    return moment


def in_zone(naive: datetime, tz: tzinfo) -> datetime:
    """``naive.replace(tzinfo=tz)`` (fold 0, as fromisoformat gives), about six
    times as fast: replace() parses nine keyword arguments, while combine()
    takes the date and the time whole (the date's own time is ignored)."""
    return _combine(naive, naive.time(), tz)


_combine: Final = datetime.combine


def format_time(moment: datetime, tz: tzinfo) -> str:
    """``YYYY-MM-DD HH:mm:ss`` in ``tz``; microseconds are dropped (truncated)."""
    # The same text as isoformat(" ")[:19], at a third of the cost: isoformat
    # and "%02d" % ... both format each field through printf (~6,000
    # instructions a time, ~10 times per call); here the two-digit fields
    # are looked up and the pieces joined once.
    local = moment.astimezone(tz)
    year = local.year
    return (
        f"{str(year) if year >= 1000 else _FOUR_DIGITS % year}-{_TWO_DIGITS[local.month]}"
        f"-{_TWO_DIGITS[local.day]} {_TWO_DIGITS[local.hour]}:{_TWO_DIGITS[local.minute]}"
        f":{_TWO_DIGITS[local.second]}"
    )


_TWO_DIGITS: Final = [f"{number:02d}" for number in range(100)]
_FOUR_DIGITS: Final = "%04d"  # years before 1000 (never in a real call)


def format_optional_time(moment: datetime | None, tz: tzinfo) -> str:
    """Like format_time, with ``""`` for "no time" (routing and dropoff use it)."""
    return "" if moment is None else format_time(moment, tz)


def whole_seconds(start: datetime, end: datetime) -> int:
    """Whole seconds from start to end, floored (contract: duration)."""
    return (end - start) // _ONE_SECOND
