"""What the webhook HTTP tests share: a valid payload, a sender with test timings, and
the receiver's read endpoints."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx

from callpipe.connectors.receiver import WEBHOOK_PATH
from callpipe.connectors.webhook import WebhookSender
from callpipe.edges import webhook_config
from callpipe.settings import Settings
from tests.unit.connectors.sender_doubles import Recorder

__all__ = ["REPO", "Recorder", "make_sender", "payload_for", "stats", "stored_payloads"]

REPO = Path(__file__).resolve().parents[2]

PAYLOAD: dict[str, Any] = {
    "id": "bot_18882175837982273",
    "call_ref_id": "18882175837982273",
    "call_vendor": "Ozonetel",
    "recording_url": "",
    "start_time": "2025-10-02 16:00:00",
    "end_time": "2025-10-02 16:01:45",
    "duration": 105,
    "language": {"welcome": "english", "conversational": "hindi"},
    "dealer_routing": {
        "status": True,
        "reason": "Customer requested to speak with dealer",
        "time": "2025-10-02 16:01:30",
    },
    "dropoff": {"time": "", "action": ""},
    "response_data": [
        {
            "key_label": "What's your name",
            "key_value": "name",
            "key_response": "Amit Kumar",
            "attempts": 1,
            "attempts_details": [
                {
                    "start_time": "2025-10-02 16:00:20",
                    "end_time": "2025-10-02 16:00:25",
                    "sequence": 1,
                }
            ],
            "remarks": "verified",
        },
        {
            "key_label": "Which model you are looking for",
            "key_value": "model",
            "key_response": "",
            "attempts": 0,
            "attempts_details": [],
            "remarks": "not_attempted",
        },
        {
            "key_label": "What is your email id",
            "key_value": "email",
            "key_response": "",
            "attempts": 0,
            "attempts_details": [],
            "remarks": "not_attempted",
        },
    ],
}


def payload_for(call_ref_id: str = "18882175837982273") -> dict[str, Any]:
    data = copy.deepcopy(PAYLOAD)
    data["call_ref_id"] = call_ref_id
    data["id"] = f"bot_{call_ref_id}"
    return data


def make_sender(base_url: str, recorder: Recorder, **overrides: Any) -> WebhookSender:
    values: dict[str, Any] = {
        "webhooks_enabled": True,
        "webhook_base_url": base_url,
        "singleinterface_webhook_url": None,
        "singleinterface_api_key": None,
        "webhook_retry_attempts": 3,
        "webhook_timeout_ms": 2000,
        "webhook_backoff_initial_ms": 500,
        "webhook_backoff_max_ms": 30000,
    }
    values.update(overrides)
    return WebhookSender(
        webhook_config(Settings(**values)),
        sleep=recorder.sleep,
        random=lambda: 0.5,
        observer=recorder,
    )


async def stats(base_url: str) -> dict[str, int]:
    async with httpx.AsyncClient() as client:
        result: dict[str, int] = (await client.get(base_url + WEBHOOK_PATH + "/stats")).json()
        return result


async def stored_payloads(base_url: str, call_ref_id: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base_url}{WEBHOOK_PATH}/calls/{call_ref_id}")
        if response.status_code == 404:
            return []
        rows: list[dict[str, Any]] = response.json()["payloads"]
        return rows
