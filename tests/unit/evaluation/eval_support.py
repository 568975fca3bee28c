"""Helpers for the evaluation tests: small labelled corpora written on the fly."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

IST = timezone(timedelta(hours=5, minutes=30))
START = datetime(2025, 10, 2, 10, 0, 0, tzinfo=IST)


def transcript(call_id: str, turns: list[tuple[str, str]]) -> dict[str, Any]:
    """A transcript whose turns are 5 s apart."""
    messages = [
        {"role": role, "text": text, "timestamp": (START + timedelta(seconds=5 * i)).isoformat()}
        for i, (role, text) in enumerate(turns)
    ]
    return {
        "call_ref_id": call_id,
        "call_vendor": "Ozonetel",
        "start_time": START.isoformat(),
        "end_time": (START + timedelta(seconds=5 * len(turns) + 5)).isoformat(),
        "messages": messages,
    }


def truth(call_id: str, **values: Any) -> dict[str, Any]:
    """A truth file; unnamed fields are those of a call where nothing was asked."""
    data: dict[str, Any] = {
        "call_ref_id": call_id,
        "name": "",
        "model": "",
        "email": "",
        "language": "hindi",
        "routing": {"status": False, "reason": "No data collected - call failed"},
        "dropoff_action": "ivr",
    }
    data.update(values)
    return data


COMPLETE_TURNS = [
    ("assistant", "May I know your name?"),
    ("user", "My name is Rahul Sharma"),
    ("assistant", "Which model are you looking for?"),
    ("user", "Nexon EV chahiye"),
    ("assistant", "What is your email id?"),
    ("user", "rahul dot sharma at gmail dot com"),
]
COMPLETE_TRUTH = {
    "name": "Rahul Sharma",
    "model": "Tata Nexon EV",
    "email": "rahul.sharma@gmail.com",
    "language": "english",
    "routing": {"status": True, "reason": "All data collected - routing to dealer"},
    "dropoff_action": "",
}


def write_call(folder: Path, call_id: str, turns: list[tuple[str, str]], **values: Any) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{call_id}.transcript.json").write_text(
        json.dumps(transcript(call_id, turns)), "utf-8"
    )
    (folder / f"{call_id}.truth.json").write_text(json.dumps(truth(call_id, **values)), "utf-8")
