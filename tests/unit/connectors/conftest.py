"""Shared fixtures of the connector tests: a valid payload and the contract examples."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
CONTRACT_EXAMPLES = REPO / "examples"  # the contract's four examples, as shipped

VALID_PAYLOAD: dict[str, Any] = {
    "id": "bot_18882175837982272",
    "call_ref_id": "18882175837982272",
    "call_vendor": "Ozonetel",
    "recording_url": "",
    "start_time": "2025-10-02 15:10:00",
    "end_time": "2025-10-02 15:11:20",
    "duration": 80,
    "language": {"welcome": "english", "conversational": "english"},
    "dealer_routing": {
        "status": False,
        "reason": "Partial data collected - call ended",
        "time": "",
    },
    "dropoff": {"time": "2025-10-02 15:11:15", "action": "email"},
    "response_data": [
        {
            "key_label": "What's your name",
            "key_value": "name",
            "key_response": "Priya Mehta",
            "attempts": 1,
            "attempts_details": [
                {
                    "start_time": "2025-10-02 15:10:15",
                    "end_time": "2025-10-02 15:10:18",
                    "sequence": 1,
                }
            ],
            "remarks": "verified",
        },
        {
            "key_label": "Which model you are looking for",
            "key_value": "model",
            "key_response": "Hyundai Creta",
            "attempts": 1,
            "attempts_details": [
                {
                    "start_time": "2025-10-02 15:10:40",
                    "end_time": "2025-10-02 15:10:45",
                    "sequence": 1,
                }
            ],
            "remarks": "verified",
        },
        {
            "key_label": "What is your email id",
            "key_value": "email",
            "key_response": "",
            "attempts": 1,
            "attempts_details": [
                {
                    "start_time": "2025-10-02 15:11:10",
                    "end_time": "2025-10-02 15:11:15",
                    "sequence": 1,
                }
            ],
            "remarks": "not_available",
        },
    ],
}


@pytest.fixture
def payload() -> dict[str, Any]:
    """A fresh deep copy of a valid payload (the spec's example 2)."""
    return copy.deepcopy(VALID_PAYLOAD)
