"""The HTTP ingest endpoint, served in-process on an ephemeral port, over a fake producer."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from source_fakes import FakeSink, bad_timestamp, transcript

from callpipe.connectors.aiohttp_site import running
from callpipe.connectors.sources import HEALTH_PATH, INGEST_PATH, IngestServer

Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]


def run_against_ingest(
    sink: FakeSink,
    scenario: Scenario,
    *,
    max_body_bytes: int = 1024 * 1024,
    ack_timeout_s: float = 5.0,
) -> None:
    """Starts the endpoint over ``sink``, runs the scenario with a client on it, stops it."""

    async def main() -> None:
        async with (
            running(
                IngestServer(sink, max_body_bytes=max_body_bytes, ack_timeout_s=ack_timeout_s)
            ) as server,
            httpx.AsyncClient(base_url=server.base_url) as client,
        ):
            await scenario(client)

    asyncio.run(main())


def test_a_valid_transcript_is_accepted_with_its_call_ref_id() -> None:
    """202 and the call_ref_id, and the fake producer got the transcript."""
    sink = FakeSink()

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post(INGEST_PATH, json=transcript("call-7"))
        assert response.status_code == 202
        assert response.json() == {"accepted": True, "call_ref_id": "call-7"}

    run_against_ingest(sink, scenario)
    assert sink.produced_ids == ["call-7"]


def test_the_answer_waits_for_the_broker() -> None:
    """No 202 while the record is unacknowledged; it comes once the broker answers."""
    sink = FakeSink(hold=True)

    async def scenario(client: httpx.AsyncClient) -> None:
        request = asyncio.create_task(client.post(INGEST_PATH, json=transcript("call-8")))
        await asyncio.sleep(0.3)
        assert not request.done()
        sink.release()
        response = await request
        assert response.status_code == 202

    run_against_ingest(sink, scenario)


def test_many_concurrent_requests_are_each_answered_for_their_own_record() -> None:
    """Concurrent posts do not wait for each other's flush; a refused one alone gets 503."""
    sink = FakeSink(refuse={"call-13"})

    async def scenario(client: httpx.AsyncClient) -> None:
        responses = await asyncio.gather(
            *(client.post(INGEST_PATH, json=transcript(f"call-{n}")) for n in range(30))
        )
        statuses = {r.json().get("call_ref_id", "refused"): r.status_code for r in responses}
        assert statuses.pop("refused") == 503
        assert set(statuses.values()) == {202}
        assert len(statuses) == 29
        assert sink.flushes == 0

    run_against_ingest(sink, scenario)


def test_no_acknowledgement_in_time_is_a_503_with_retry_after() -> None:
    """A silent broker gives 503 after the ack timeout, telling the sender to retry."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post(INGEST_PATH, json=transcript())
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert response.json()["accepted"] is False

    run_against_ingest(FakeSink(hold=True), scenario, ack_timeout_s=0.2)


@pytest.mark.parametrize(
    ("body", "field", "error_start"),
    [
        (
            json.dumps(bad_timestamp()).encode(),
            "messages[1].timestamp",
            "messages[1].timestamp: not an ISO 8601 timestamp",
        ),
        (
            json.dumps(transcript(call_ref_id="")).encode(),
            "call_ref_id",
            "call_ref_id: must not be empty",
        ),
        (b"[]", "transcript", "transcript: expected an object, got array"),
        (b'{"call_ref_id": ', "body", "body: not JSON: Expecting value at line 1 column 17"),
        (b'"\xff"', "body", "body: not UTF-8 text"),
    ],
)
def test_invalid_bodies_get_400_naming_the_field(body: bytes, field: str, error_start: str) -> None:
    """Bad JSON or a bad transcript: 400 with the field, and nothing produced."""
    sink = FakeSink()

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post(
            INGEST_PATH, content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400
        answer = response.json()
        assert answer["accepted"] is False
        assert answer["field"] == field
        assert answer["error"].startswith(error_start)

    run_against_ingest(sink, scenario)
    assert sink.produced == []


def test_a_body_over_the_limit_gets_413() -> None:
    """Content-Length over the limit is refused without reading the body."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post(INGEST_PATH, content=b"x" * 2000)
        assert response.status_code == 413
        assert response.json()["accepted"] is False

    run_against_ingest(FakeSink(), scenario, max_body_bytes=1000)


def test_a_chunked_body_over_the_limit_gets_413() -> None:
    """Without a Content-Length the limit is enforced while reading."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"x" * 100

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post(INGEST_PATH, content=chunks())
        assert response.status_code == 413

    run_against_ingest(FakeSink(), scenario, max_body_bytes=1000)


def test_health_is_ok_while_serving() -> None:
    """GET /healthz answers 200 ok."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.get(HEALTH_PATH)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    run_against_ingest(FakeSink(), scenario)


def test_each_request_logs_its_outcome_without_transcript_content(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One log record per request with call_ref_id and outcome; no names or message text."""

    async def scenario(client: httpx.AsyncClient) -> None:
        await client.post(INGEST_PATH, json=transcript("call-log"))
        await client.post(INGEST_PATH, json=bad_timestamp("call-bad"))

    with caplog.at_level(logging.INFO, logger="callpipe.connectors.sources.http_ingest"):
        run_against_ingest(FakeSink(), scenario)
    records = [r for r in caplog.records if r.getMessage().startswith("transcript ")]
    fields = [r.__dict__["fields"] for r in records]
    assert [(f["outcome"], f["status"], f["call_ref_id"]) for f in fields] == [
        ("accepted", 202, "call-log"),
        ("invalid", 400, "call-bad"),
    ]
    assert fields[1]["field"] == "messages[1].timestamp"
    logged = " ".join(r.getMessage() + json.dumps(r.__dict__["fields"]) for r in records)
    assert "Rahul" not in logged
    assert "yesterday" not in logged
