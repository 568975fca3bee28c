"""HTTP ingest behind INGEST_API_KEYS: the app over a fake producer, and the command's refusal."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

import httpx
import pytest
from source_fakes import FakeSink, transcript

import callpipe.cli.commands._startup as startup
import callpipe.cli.commands.ingest as command
from callpipe.cli.main import main
from callpipe.connectors.aiohttp_site import running
from callpipe.connectors.sources import (
    HEALTH_PATH,
    INGEST_PATH,
    Access,
    IngestServer,
    SourceUnavailable,
    UnprotectedIngest,
)

KEYS = ("k-live-1", "k-next-2")
Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]


def run_against_ingest(sink: FakeSink, scenario: Scenario, keys: tuple[str, ...] = KEYS) -> None:
    """Serves the endpoint with ``keys`` over ``sink`` on loopback, runs the scenario, stops."""

    async def main() -> None:
        async with (
            running(IngestServer(sink, api_keys=keys)) as server,
            httpx.AsyncClient(base_url=server.base_url) as client,
        ):
            await scenario(client)

    asyncio.run(main())


@pytest.mark.parametrize(
    ("authorization", "error", "challenge"),
    [
        (None, "missing bearer token", "Bearer"),
        ("Basic azEtbGl2ZS0xOg==", "missing bearer token", "Bearer"),
        ("Bearer", "missing bearer token", "Bearer"),
        ("Bearer k-live-2", "invalid bearer token", 'Bearer error="invalid_token"'),
        ("Bearer k-live-1x", "invalid bearer token", 'Bearer error="invalid_token"'),
        ("Bearer K-LIVE-1", "invalid bearer token", 'Bearer error="invalid_token"'),
    ],
)
def test_without_a_valid_token_the_answer_is_401_and_nothing_is_produced(
    authorization: str | None, error: str, challenge: str
) -> None:
    """401, WWW-Authenticate: Bearer, a JSON error like the other answers; the sink untouched."""
    sink = FakeSink()

    async def scenario(client: httpx.AsyncClient) -> None:
        headers = {"Authorization": authorization} if authorization is not None else {}
        response = await client.post(INGEST_PATH, json=transcript("call-1"), headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == challenge
        assert response.json() == {"accepted": False, "error": error}

    run_against_ingest(sink, scenario)
    assert sink.produced == []


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_any_configured_key_is_accepted(key: str, scheme: str) -> None:
    """202 with either key (rotation); the scheme is case-insensitive."""
    sink = FakeSink()

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post(
            INGEST_PATH, json=transcript("call-2"), headers={"Authorization": f"{scheme} {key}"}
        )
        assert response.status_code == 202
        assert response.json() == {"accepted": True, "call_ref_id": "call-2"}

    run_against_ingest(sink, scenario)
    assert sink.produced_ids == ["call-2"]


def test_the_token_is_checked_before_the_body() -> None:
    """A stranger's invalid or oversized body still gets 401, not 400 or 413."""

    async def scenario(client: httpx.AsyncClient) -> None:
        not_json = await client.post(INGEST_PATH, content=b"{not json")
        too_big = await client.post(INGEST_PATH, content=b"x" * (1024 * 1024 + 1))
        assert (not_json.status_code, too_big.status_code) == (401, 401)

    run_against_ingest(FakeSink(), scenario)


def test_health_needs_no_token() -> None:
    """GET /healthz stays open for probes."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.get(HEALTH_PATH)
        assert (response.status_code, response.json()) == (200, {"status": "ok"})

    run_against_ingest(FakeSink(), scenario)


def test_refusals_are_logged_without_the_token(caplog: pytest.LogCaptureFixture) -> None:
    """One warning per refused POST with outcome and reason; the token never appears."""

    async def scenario(client: httpx.AsyncClient) -> None:
        await client.post(INGEST_PATH, json=transcript("call-3"))
        await client.post(
            INGEST_PATH, json=transcript("call-3"), headers={"Authorization": "Bearer guess-42"}
        )

    with caplog.at_level(logging.INFO, logger="callpipe.connectors.sources.http_ingest"):
        run_against_ingest(FakeSink(), scenario)
    records = [r for r in caplog.records if r.getMessage() == "transcript unauthorized"]
    assert [r.levelno for r in records] == [logging.WARNING, logging.WARNING]
    fields = [r.__dict__["fields"] for r in records]
    assert [(f["status"], f["reason"]) for f in fields] == [
        (401, "no bearer token"),
        (401, "wrong bearer token"),
    ]
    logged = caplog.text + json.dumps(fields)
    assert "guess-42" not in logged
    assert all(key not in logged for key in KEYS)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "ingest.example", ""])
def test_the_server_refuses_an_open_non_loopback_address(host: str) -> None:
    """No keys and a reachable address: refused before anything is bound or started."""
    with pytest.raises(UnprotectedIngest, match="INGEST_API_KEYS"):
        IngestServer(FakeSink(), host=host)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost"])
def test_loopback_without_keys_still_serves(host: str) -> None:
    """Tests and the demo keep an open ingest on this machine."""
    assert IngestServer(FakeSink(), host=host).app.keys.check(None) is Access.GRANTED


def test_a_non_loopback_address_with_keys_is_allowed() -> None:
    """With a key, 0.0.0.0 is fine (compose does this)."""
    assert len(IngestServer(FakeSink(), host="0.0.0.0", api_keys=KEYS).app.keys) == 2


@pytest.fixture
def no_kafka(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The command's producer fails at once; returns the hosts that got that far."""
    reached: list[str] = []

    def refuse(*_args: object) -> None:
        reached.append("open_producer")
        raise SourceUnavailable("cannot reach Kafka at test: not started")

    monkeypatch.setattr(command, "open_producer", refuse)
    monkeypatch.setattr(startup, "configure_logging", lambda *args, **kwargs: None)
    monkeypatch.delenv("INGEST_API_KEYS", raising=False)
    monkeypatch.delenv("INGEST_HOST", raising=False)
    return reached


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3"])
def test_ingest_command_on_an_open_address_without_keys_exits_2(
    host: str, no_kafka: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """One stderr line saying why and naming INGEST_API_KEYS; Kafka is not even tried."""
    assert main(["ingest", "--host", host, "--port", "0"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"callpipe ingest: refusing to listen on {host} without ")
    assert "INGEST_API_KEYS" in lines[0]
    assert no_kafka == []


def test_ingest_command_from_ingest_host_is_checked_too(
    no_kafka: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """INGEST_HOST=0.0.0.0 without keys is refused like --host."""
    monkeypatch.setenv("INGEST_HOST", "0.0.0.0")
    assert main(["ingest", "--port", "0"]) == 2
    assert "INGEST_API_KEYS" in capsys.readouterr().err
    assert no_kafka == []


@pytest.mark.parametrize(
    ("host", "keys"), [("127.0.0.1", None), ("localhost", None), ("0.0.0.0", "k-live-1")]
)
def test_ingest_command_passes_the_check_on_loopback_or_with_keys(
    host: str, keys: str | None, no_kafka: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loopback without keys, or any address with one: on to Kafka (here: exit 1, no broker)."""
    if keys is not None:
        monkeypatch.setenv("INGEST_API_KEYS", keys)
    assert main(["ingest", "--host", host, "--port", "0"]) == 1
    assert no_kafka == ["open_producer"]
