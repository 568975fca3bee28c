"""The reference receiver's HTTP API, served in-process on a loopback ephemeral port."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from callpipe.connectors.receiver import WEBHOOK_PATH, FaultPlan, FaultStep, running_receiver
from callpipe.connectors.webhook import idempotency_key

Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]


def run_against_receiver(
    tmp_path: Path,
    scenario: Scenario,
    *,
    faults: FaultPlan | None = None,
    api_key: str | None = None,
) -> None:
    """Starts a receiver, runs the scenario with a client on its base URL, stops it."""

    async def main() -> None:
        async with (
            running_receiver(tmp_path / "r.db", faults=faults, api_key=api_key) as base_url,
            httpx.AsyncClient(base_url=base_url) as client,
        ):
            await scenario(client)

    asyncio.run(main())


async def stats(client: httpx.AsyncClient, **headers: str) -> dict[str, int]:
    response = await client.get(WEBHOOK_PATH + "/stats", headers=headers)
    assert response.status_code == 200
    result: dict[str, int] = response.json()
    return result


def test_health_answer_matches_the_spec(tmp_path: Path) -> None:
    """GET gives status, endpoint name and a UTC timestamp with ms and Z."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.get(WEBHOOK_PATH)
        body = response.json()
        assert response.status_code == 200
        assert body["status"] == "healthy"
        assert body["endpoint"] == "Single Interface Webhook"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["timestamp"])

    run_against_receiver(tmp_path, scenario)


def test_valid_post_is_stored_and_readable(tmp_path: Path, payload: dict[str, Any]) -> None:
    """POST answers success; the calls endpoint returns the stored payload."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post(WEBHOOK_PATH, json=payload, headers={"Idempotency-Key": "k1"})
        assert (response.status_code, response.json()) == (200, {"success": True})
        calls = await client.get(f"{WEBHOOK_PATH}/calls/{payload['call_ref_id']}")
        body = calls.json()
        assert body["count"] == 1
        assert body["payloads"][0]["idempotency_key"] == "k1"
        assert body["payloads"][0]["payload"] == payload
        assert body["payloads"][0]["received_at"].endswith("Z")
        assert await stats(client) == {
            "received": 1,
            "accepted": 1,
            "duplicates": 0,
            "rejected": 0,
            "faulted": 0,
            "stored": 1,
        }

    run_against_receiver(tmp_path, scenario)


def test_same_key_is_a_duplicate_even_with_another_body(
    tmp_path: Path, payload: dict[str, Any]
) -> None:
    """The Idempotency-Key header decides; a duplicate still gets 200."""

    async def scenario(client: httpx.AsyncClient) -> None:
        headers = {"Idempotency-Key": "same"}
        await client.post(WEBHOOK_PATH, json=payload, headers=headers)
        again = await client.post(WEBHOOK_PATH, json={**payload, "duration": 81}, headers=headers)
        assert (again.status_code, again.json()) == (200, {"success": True, "duplicate": True})
        assert (await stats(client))["stored"] == 1

    run_against_receiver(tmp_path, scenario)


def test_without_header_the_key_is_computed_like_the_sender(
    tmp_path: Path, payload: dict[str, Any]
) -> None:
    """No Idempotency-Key: bot_<call_ref_id>-<hash> of the body, so resends are duplicates."""

    async def scenario(client: httpx.AsyncClient) -> None:
        await client.post(WEBHOOK_PATH, json=payload)
        again = await client.post(WEBHOOK_PATH, content=json.dumps(payload, indent=2))
        assert again.json() == {"success": True, "duplicate": True}
        calls = (await client.get(f"{WEBHOOK_PATH}/calls/{payload['call_ref_id']}")).json()
        assert calls["payloads"][0]["idempotency_key"] == idempotency_key(payload)

    run_against_receiver(tmp_path, scenario)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"\xff\xfe", "body"),
        (b"[]", "payload"),
        (b'{"id": "bot_1"}', "call_ref_id"),
    ],
)
def test_bad_bodies_get_400_naming_the_field(tmp_path: Path, body: bytes, field: str) -> None:
    """Malformed JSON or shape: 400 with success false and the field."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post(WEBHOOK_PATH, content=body)
        answer = response.json()
        assert response.status_code == 400
        assert answer["success"] is False
        assert answer["field"] == field
        assert isinstance(answer["error"], str) and answer["error"]
        assert (await stats(client))["rejected"] == 1

    run_against_receiver(tmp_path, scenario)


def test_shape_error_message_names_the_nested_field(
    tmp_path: Path, payload: dict[str, Any]
) -> None:
    """The error text starts with the field's path."""
    payload["response_data"][1]["attempts"] = "one"

    async def scenario(client: httpx.AsyncClient) -> None:
        answer = (await client.post(WEBHOOK_PATH, json=payload)).json()
        assert answer["error"] == "response_data[1].attempts must be an integer, not string"
        assert answer["errors"] == [
            {"field": "response_data[1].attempts", "message": "must be an integer, not string"}
        ]

    run_against_receiver(tmp_path, scenario)


def test_overlong_idempotency_key_is_refused(tmp_path: Path, payload: dict[str, Any]) -> None:
    """Keys longer than 255 characters get 400."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post(
            WEBHOOK_PATH, json=payload, headers={"Idempotency-Key": "k" * 256}
        )
        assert (response.status_code, response.json()["field"]) == (400, "Idempotency-Key")

    run_against_receiver(tmp_path, scenario)


def test_oversized_body_is_refused(tmp_path: Path) -> None:
    """Bodies over 1 MiB get 413."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post(WEBHOOK_PATH, content=b"x" * (1024**2 + 1))
        assert response.status_code == 413

    run_against_receiver(tmp_path, scenario)


def test_unknown_call_is_404(tmp_path: Path) -> None:
    """A call_ref_id with nothing stored gives 404."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.get(f"{WEBHOOK_PATH}/calls/nope")
        assert (response.status_code, response.json()["success"]) == (404, False)

    run_against_receiver(tmp_path, scenario)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"X-API-Key": "wrong"}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"X-API-Key": "s3cret"}, 200),
        ({"Authorization": "Bearer s3cret"}, 200),
    ],
)
def test_api_key_is_required_when_configured(
    tmp_path: Path, payload: dict[str, Any], headers: dict[str, str], status: int
) -> None:
    """Either auth header with the right key passes; anything else is 401."""

    async def scenario(client: httpx.AsyncClient) -> None:
        assert (
            await client.post(WEBHOOK_PATH, json=payload, headers=headers)
        ).status_code == status
        assert (await client.get(WEBHOOK_PATH + "/stats", headers=headers)).status_code == status
        assert (await client.get(WEBHOOK_PATH)).status_code == 200  # health stays open

    run_against_receiver(tmp_path, scenario, api_key="s3cret")


def test_fault_routes_absent_unless_enabled(tmp_path: Path) -> None:
    """Without a fault plan /_faults does not exist."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post("/_faults", json={"steps": [{"status": 503}]})
        assert response.status_code in (404, 405)

    run_against_receiver(tmp_path, scenario)


def test_faults_set_at_runtime(tmp_path: Path, payload: dict[str, Any]) -> None:
    """POST /_faults plans 503 twice with Retry-After; then normal service resumes."""

    async def scenario(client: httpx.AsyncClient) -> None:
        plan = {"steps": [{"status": 503, "times": 2, "retry_after": "1"}]}
        assert (await client.post("/_faults", json=plan)).status_code == 200
        answers = [await client.post(WEBHOOK_PATH, json=payload) for _ in range(3)]
        assert [a.status_code for a in answers] == [503, 503, 200]
        assert answers[0].headers["Retry-After"] == "1"
        assert (await client.get("/_faults")).json() == {"steps": []}
        counters = await stats(client)
        assert (counters["faulted"], counters["stored"]) == (2, 1)

    run_against_receiver(tmp_path, scenario, faults=FaultPlan())


def test_fault_until_reset_and_delete(tmp_path: Path, payload: dict[str, Any]) -> None:
    """A plan set at construction holds until DELETE /_faults."""

    async def scenario(client: httpx.AsyncClient) -> None:
        for _ in range(3):
            assert (await client.post(WEBHOOK_PATH, json=payload)).status_code == 400
        assert (await client.delete("/_faults")).json() == {"steps": []}
        assert (await client.post(WEBHOOK_PATH, json=payload)).status_code == 200

    run_against_receiver(tmp_path, scenario, faults=FaultPlan([FaultStep(status=400)]))


def test_bad_fault_plan_is_400(tmp_path: Path) -> None:
    """POST /_faults with a malformed plan is refused and changes nothing."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post("/_faults", json={"steps": [{"status": 200}]})
        assert response.status_code == 400
        assert "between 400 and 599" in response.json()["error"]
        assert (await client.get("/_faults")).json() == {"steps": []}

    run_against_receiver(tmp_path, scenario, faults=FaultPlan())


def test_delay_only_fault_slows_then_stores(tmp_path: Path, payload: dict[str, Any]) -> None:
    """A delay step without status waits, then handles the POST normally."""

    async def scenario(client: httpx.AsyncClient) -> None:
        began = time.perf_counter()
        response = await client.post(WEBHOOK_PATH, json=payload)
        assert time.perf_counter() - began >= 0.2
        assert response.json() == {"success": True}

    run_against_receiver(tmp_path, scenario, faults=FaultPlan([FaultStep(delay_ms=200, times=1)]))


def test_shutdown_cuts_fault_delays_short(tmp_path: Path, payload: dict[str, Any]) -> None:
    """Stopping the receiver with a 60 s fault delay in flight takes well under a second."""

    async def main() -> float:
        plan = FaultPlan([FaultStep(status=503, delay_ms=60_000)])
        async with running_receiver(tmp_path / "r.db", faults=plan) as base_url:
            client = httpx.AsyncClient(base_url=base_url, timeout=120)
            pending = asyncio.create_task(client.post(WEBHOOK_PATH, json=payload))
            await asyncio.sleep(0.2)
            began = time.perf_counter()
        stopped_in = time.perf_counter() - began
        response = await pending
        await client.aclose()
        assert response.status_code == 503
        return stopped_in

    assert asyncio.run(main()) < 1.0


def test_stored_payload_is_logged_masked(
    tmp_path: Path, payload: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Debug logs of a stored payload show initials, never the name or email."""
    payload["response_data"][2]["key_response"] = "priya.mehta@gmail.com"
    payload["response_data"][2]["remarks"] = "verified"

    async def scenario(client: httpx.AsyncClient) -> None:
        await client.post(WEBHOOK_PATH, json=payload)

    with caplog.at_level(logging.DEBUG, logger="callpipe.connectors.receiver"):
        run_against_receiver(tmp_path, scenario)
    stored = [r for r in caplog.records if r.getMessage() == "payload stored"]
    assert len(stored) == 1
    fields = stored[0].fields  # type: ignore[attr-defined]
    assert fields["name_value"] == "P*** M***"
    assert fields["email_value"] == "p***@g***.com"
    everything = caplog.text + json.dumps([getattr(r, "fields", None) for r in caplog.records])
    assert "Priya" not in everything and "priya.mehta" not in everything


def test_a_fault_aimed_at_one_call_spares_the_others(
    tmp_path: Path, payload: dict[str, Any]
) -> None:
    """500 twice for one call_ref_id: that call is refused twice, another is stored at once."""
    other = {**payload, "call_ref_id": "other-call", "id": "bot_other-call"}

    async def scenario(client: httpx.AsyncClient) -> None:
        target = payload["call_ref_id"]
        plan = {"steps": [{"status": 500, "times": 2, "call_ref_id": target}]}
        assert (await client.post("/_faults", json=plan)).status_code == 200
        answers = [
            (await client.post(WEBHOOK_PATH, json=body)).status_code
            for body in (payload, other, payload, payload)
        ]
        assert answers == [500, 200, 500, 200]
        counters = await stats(client)
        assert (counters["faulted"], counters["stored"]) == (2, 2)

    run_against_receiver(tmp_path, scenario, faults=FaultPlan())
