"""Mapping between the JSON a telephony agent saves and the TranscriptSaved record.

Pure functions, shared by every source connector (publish, HTTP ingest,
folder watcher) and by the extraction stage, which reads the record back
into the contract's JSON form to validate it.
"""

from __future__ import annotations

import json
from typing import Any

_KNOWN = frozenset(
    {"call_ref_id", "call_vendor", "recording_url", "start_time", "end_time", "messages"}
)


def transcript_saved_record(data: dict[str, Any], source: str) -> dict[str, Any]:
    """The TranscriptSaved record of a transcript that passed `parse_transcript`.

    Messages of other roles (system, tool) are kept when they are plain text,
    so the topic holds what was said; the analysis ignores them.
    """
    messages = []
    for raw in data["messages"]:
        if not (
            isinstance(raw, dict)
            and isinstance(raw.get("text"), str)
            and isinstance(raw.get("timestamp"), str)
            and isinstance(raw.get("role"), str)
        ):
            continue
        end = raw.get("end_timestamp")
        messages.append(
            {
                "role": raw["role"],
                "text": raw["text"],
                "timestamp": raw["timestamp"],
                "end_timestamp": end if isinstance(end, str) else None,
            }
        )
    extra = {key: value for key, value in data.items() if key not in _KNOWN}
    return {
        "call_ref_id": data["call_ref_id"],
        "call_vendor": data["call_vendor"],
        "recording_url": data.get("recording_url") or "",
        "start_time": data["start_time"],
        "end_time": data["end_time"],
        "messages": messages,
        "extra_json": json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else "",
        "source": source,
    }


def transcript_json(record: dict[str, Any]) -> dict[str, Any]:
    """The contract's JSON form of a TranscriptSaved record (for `parse_transcript`)."""
    messages = []
    for message in record["messages"]:
        entry = {
            "role": message["role"],
            "text": message["text"],
            "timestamp": message["timestamp"],
        }
        if message.get("end_timestamp") is not None:
            entry["end_timestamp"] = message["end_timestamp"]
        messages.append(entry)
    return {
        "call_ref_id": record["call_ref_id"],
        "call_vendor": record["call_vendor"],
        "recording_url": record["recording_url"],
        "start_time": record["start_time"],
        "end_time": record["end_time"],
        "messages": messages,
    }
