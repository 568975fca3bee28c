"""Helpers shared by the analysis tests (a uniquely named module: see conftest.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

IST = timezone(timedelta(hours=5, minutes=30))
CALL_START = datetime(2025, 10, 2, 10, 0, 0, tzinfo=IST)
EXAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "contract" / "examples"

# (role, text, seconds after the call start[, end seconds])
Turn = tuple[Any, ...]


def at(seconds: float) -> str:
    """ISO time ``seconds`` after 2025-10-02 10:00:00+05:30."""
    return (CALL_START + timedelta(seconds=seconds)).isoformat()


def build_call(turns: Sequence[Turn], *, end: float | None = None, **extra: Any) -> dict[str, Any]:
    messages = []
    for turn in turns:
        message = {"role": turn[0], "text": turn[1], "timestamp": at(turn[2])}
        if len(turn) > 3 and turn[3] is not None:
            message["end_timestamp"] = at(turn[3])
        messages.append(message)
    last = max((t[3] if len(t) > 3 and t[3] is not None else t[2] for t in turns), default=0)
    data: dict[str, Any] = {
        "call_ref_id": "1001",
        "call_vendor": "Ozonetel",
        "recording_url": "",
        "start_time": at(0),
        "end_time": at(end if end is not None else last + 10),
        "messages": messages,
    }
    data.update(extra)
    return data


def response(payload: dict[str, Any], field: str) -> dict[str, Any]:
    """The response_data entry of ``field``."""
    return next(entry for entry in payload["response_data"] if entry["key_value"] == field)
