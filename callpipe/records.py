"""Mapping between the JSON a telephony agent saves and the TranscriptSaved record.

Pure, shared by every source connector (publish, HTTP ingest, folder
watcher). The record keeps the contract's JSON shape (times as the strings
the agent wrote), so the extraction stage validates the decoded record
itself with `parse_transcript`, with no conversion back.
"""

from __future__ import annotations

import json
from typing import Any

from callpipe.record_types import SavedMessage, TranscriptSaved

_KNOWN = frozenset(
    {"call_ref_id", "call_vendor", "recording_url", "start_time", "end_time", "messages"}
)


def transcript_saved_record(data: dict[str, Any], source: str) -> TranscriptSaved:
    """The TranscriptSaved record of a transcript that passed `parse_transcript`.

    Messages of other roles (system, tool) are kept when they are plain text,
    so the topic holds what was said; the analysis ignores them.
    """
    messages: list[SavedMessage] = []
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
    record: TranscriptSaved = {
        "call_ref_id": data["call_ref_id"],
        "call_vendor": data["call_vendor"],
        "recording_url": data.get("recording_url") or "",
        "start_time": data["start_time"],
        "end_time": data["end_time"],
        "messages": messages,
        "extra_json": json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else "",
        "source": source,
    }
    return record
