"""Points in time as the commands read them from their arguments (ISO 8601).

`callpipe dlq --since` and `callpipe topics reset-offsets --to` take the same
form, so a time written for one works in the other: a trailing ``Z`` means
UTC, and a time without an offset is taken as UTC, never as the machine's
local time.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime


def parse_iso_time(text: str) -> datetime:
    """The aware time ``text`` names; ValueError when it is not ISO 8601."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso_time(text: str) -> datetime:
    """``parse_iso_time`` as an argparse ``type``: a bad time is a usage error."""
    try:
        return parse_iso_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from exc
