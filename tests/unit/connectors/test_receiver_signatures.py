"""The reference receiver with signing secrets: 401 unless a fresh, valid signature came."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from callpipe.connectors.receiver import WEBHOOK_PATH, SignatureCheck, running_receiver
from callpipe.connectors.webhook import WebhookSigner, idempotency_key

SECRET = "whsec_" + base64.b64encode(b"n" * 32).decode()
OLD_SECRET = "whsec_" + base64.b64encode(b"o" * 32).decode()
STRANGER = "whsec_" + base64.b64encode(b"x" * 32).decode()

Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]


def run_against_receiver(tmp_path: Path, scenario: Scenario, secrets: Sequence[str]) -> None:
    """Starts a receiver that verifies with ``secrets``, runs the scenario, stops it."""

    async def main() -> None:
        async with (
            running_receiver(tmp_path / "r.db", signing_secrets=secrets) as base_url,
            httpx.AsyncClient(base_url=base_url) as client,
        ):
            await scenario(client)

    asyncio.run(main())


def signed(
    payload: dict[str, Any], secret: str = SECRET, offset: timedelta = timedelta()
) -> tuple[bytes, dict[str, str]]:
    """A body and the headers the sender would send, signed at now + offset."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    key = idempotency_key(payload)
    signer = WebhookSigner.from_secrets(secret, clock=lambda: datetime.now(UTC) + offset)
    return body, {
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        **signer.headers(key, body),
    }


async def counters(client: httpx.AsyncClient) -> dict[str, int]:
    result: dict[str, int] = (await client.get(WEBHOOK_PATH + "/stats")).json()
    return result


def test_a_signed_post_is_stored(tmp_path: Path, payload: dict[str, Any]) -> None:
    """A valid signature: 200 and one stored row."""

    async def scenario(client: httpx.AsyncClient) -> None:
        body, headers = signed(payload)
        response = await client.post(WEBHOOK_PATH, content=body, headers=headers)
        assert (response.status_code, response.json()) == (200, {"success": True})
        assert (await counters(client))["stored"] == 1

    run_against_receiver(tmp_path, scenario, [SECRET])


def _unsigned(body: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    return body, {k: v for k, v in headers.items() if not k.startswith("webhook-")}


def _tampered(body: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    return body.replace(b'"duration":80', b'"duration":81'), headers


def _garbled(body: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    return body, {**headers, "webhook-signature": "garbage without a comma"}


def _other_id(body: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    return body, {**headers, "webhook-id": "bot_18882175837982272-0000000000000000"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_unsigned, "Missing required headers"),
        (_tampered, "No matching signature found"),
        (_garbled, "malformed webhook-signature header or body"),
        (_other_id, "No matching signature found"),
    ],
)
def test_a_missing_or_bad_signature_gets_401_and_nothing_is_stored(
    tmp_path: Path,
    payload: dict[str, Any],
    change: Callable[[bytes, dict[str, str]], tuple[bytes, dict[str, str]]],
    reason: str,
) -> None:
    """401 naming the problem; counted as rejected; nothing stored."""

    async def scenario(client: httpx.AsyncClient) -> None:
        body, headers = change(*signed(payload))
        response = await client.post(WEBHOOK_PATH, content=body, headers=headers)
        assert response.status_code == 401
        assert response.json() == {"success": False, "error": f"webhook signature: {reason}"}
        seen = await counters(client)
        assert (seen["rejected"], seen["stored"]) == (1, 0)

    run_against_receiver(tmp_path, scenario, [SECRET])


@pytest.mark.parametrize(
    ("offset", "accepted", "reason"),
    [
        (timedelta(minutes=-6), False, "Message timestamp too old"),
        (timedelta(minutes=6), False, "Message timestamp too new"),
        (timedelta(minutes=-4), True, None),
        (timedelta(minutes=4), True, None),
    ],
)
def test_timestamps_more_than_five_minutes_off_get_401(
    tmp_path: Path,
    payload: dict[str, Any],
    offset: timedelta,
    accepted: bool,
    reason: str | None,
) -> None:
    """Replays (old) and clocks far ahead (new) are refused; small skews pass."""

    async def scenario(client: httpx.AsyncClient) -> None:
        body, headers = signed(payload, offset=offset)
        response = await client.post(WEBHOOK_PATH, content=body, headers=headers)
        if accepted:
            assert response.status_code == 200
        else:
            assert response.status_code == 401
            assert response.json()["error"] == f"webhook signature: {reason}"

    run_against_receiver(tmp_path, scenario, [SECRET])


@pytest.mark.parametrize(
    ("signed_with", "status"), [(SECRET, 200), (OLD_SECRET, 200), (STRANGER, 401)]
)
def test_a_receiver_with_two_secrets_accepts_either(
    tmp_path: Path, payload: dict[str, Any], signed_with: str, status: int
) -> None:
    """Rotation on the receiving side: the new or the old secret, not a third."""

    async def scenario(client: httpx.AsyncClient) -> None:
        body, headers = signed(payload, secret=signed_with)
        response = await client.post(WEBHOOK_PATH, content=body, headers=headers)
        assert response.status_code == status

    run_against_receiver(tmp_path, scenario, [SECRET, OLD_SECRET])


def test_reads_and_health_need_no_signature(tmp_path: Path, payload: dict[str, Any]) -> None:
    """Signatures protect deliveries; GET routes answer as before."""

    async def scenario(client: httpx.AsyncClient) -> None:
        body, headers = signed(payload)
        await client.post(WEBHOOK_PATH, content=body, headers=headers)
        assert (await client.get(WEBHOOK_PATH)).status_code == 200
        calls = await client.get(f"{WEBHOOK_PATH}/calls/{payload['call_ref_id']}")
        assert calls.json()["count"] == 1

    run_against_receiver(tmp_path, scenario, [SECRET])


def test_the_check_never_shows_its_secrets() -> None:
    """repr counts the secrets only."""
    check = SignatureCheck([SECRET, OLD_SECRET])
    assert repr(check) == "SignatureCheck(2 secret(s))"
