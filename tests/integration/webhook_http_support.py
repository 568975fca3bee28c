"""What the webhook HTTP tests share: a valid payload, a sender with test timings, the
reference receiver (in this process or as `callpipe receiver`) and its read endpoints."""

from __future__ import annotations

import asyncio
import base64
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from callpipe.bench.procs import free_port
from callpipe.connectors.receiver import WEBHOOK_PATH, FaultPlan, FaultStep, running_receiver
from callpipe.connectors.webhook import DeliveryOutcome, WebhookSender, idempotency_key
from callpipe.connectors.webhook.sender import utc_now
from callpipe.edges import webhook_config
from callpipe.settings import Settings
from tests.integration.http_waits import wait_until_answers
from tests.payload_support import REQUESTED_DEALER, example_payload
from tests.unit.connectors.sender_doubles import Recorder

__all__ = [
    "SECRET",
    "SIGNED",
    "Recorder",
    "cli_receiver",
    "deliver_all",
    "free_port",
    "make_sender",
    "payload_for",
    "receiver",
    "receiver_and_sender",
    "stats",
    "stored_payloads",
]

REPO = Path(__file__).resolve().parents[2]
SECRET = "whsec_" + base64.b64encode(b"integration-secret-32-bytes-long").decode()
# receiver_and_sender(..., **SIGNED): the receiver verifies with SECRET, the sender signs.
SIGNED: dict[str, Any] = {"signing_secrets": [SECRET], "webhook_signing_secret": SECRET}


def payload_for(call_ref_id: str | None = None) -> dict[str, Any]:
    """The contract's example 3 (a caller who asked for a dealer), as ``call_ref_id``'s."""
    return example_payload(REQUESTED_DEALER, call_ref_id)


def make_sender(
    base_url: str,
    recorder: Recorder,
    clock: Callable[[], datetime] = utc_now,
    **overrides: Any,
) -> WebhookSender:
    """A sender aimed at ``base_url`` whose sleeps and attempts ``recorder`` keeps; the
    settings are the defaults but for ``overrides`` (none taken from the environment)."""
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
        clock=clock,
        observer=recorder,
    )


@asynccontextmanager
async def receiver(tmp_path: Path, name: str = "primary", **options: Any) -> AsyncIterator[str]:
    """The reference receiver in this process, storing into ``<name>.db``; yields its URL."""
    async with running_receiver(tmp_path / f"{name}.db", **options) as base_url:
        yield base_url


@asynccontextmanager
async def receiver_and_sender(
    tmp_path: Path,
    recorder: Recorder | None = None,
    *,
    faults: Sequence[FaultStep] = (),
    signing_secrets: Sequence[str] = (),
    **sender_overrides: Any,
) -> AsyncIterator[tuple[str, WebhookSender]]:
    """A receiver (injecting ``faults``, verifying with ``signing_secrets``) and a sender
    aimed at it; yields the receiver's base URL and the sender."""
    plan = FaultPlan(list(faults)) if faults else None
    async with (
        receiver(tmp_path, faults=plan, signing_secrets=signing_secrets) as base_url,
        make_sender(base_url, recorder or Recorder(), **sender_overrides) as sender,
    ):
        yield base_url, sender


@contextmanager
def cli_receiver(db: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`callpipe receiver --db db *options` as a process on a free port. Yields its webhook
    URL once it answers, and the process (its stderr is the JSON log); stops it after."""
    port = free_port()
    command = ["receiver", "--port", str(port), "--db", str(db), *options]
    process = subprocess.Popen(
        [sys.executable, "-m", "callpipe", *command], cwd=REPO, stderr=subprocess.PIPE, text=True
    )
    try:
        url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        wait_until_answers(url)
        yield url, process
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM, so that the receiver logs its stop; SIGKILL if it is not gone in 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def deliver_all(
    sender: WebhookSender, payloads: Sequence[dict[str, Any]]
) -> list[DeliveryOutcome]:
    """Delivers every payload at the same time, each under its own idempotency key."""
    return list(await asyncio.gather(*(sender.deliver(p, idempotency_key(p)) for p in payloads)))


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
