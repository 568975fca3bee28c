"""The receiver's HTTP API (aiohttp), a reference for SingleInterface customers.

Routes (``P`` = ``/api/webhooks/singleinterface``):

- ``GET  P``                  health: ``{"status": "healthy", ...}``
- ``POST P``                  validate, store once per Idempotency-Key, answer
                              ``{"success": true}`` (``"duplicate": true`` if seen)
- ``GET  P/calls/{id}``       stored payloads of one call_ref_id (404 if none)
- ``GET  P/stats``            counters since start and rows stored
- ``GET|POST|DELETE /_faults``  the fault plan (only when started with faults)

Bad bodies get ``400 {"success": false, "error": "<field> <problem>", "field":
..., "errors": [...]}``. With an API key configured, every route but health
needs ``X-API-Key: <key>`` or ``Authorization: Bearer <key>`` (else 401). With
signing secrets configured, a POST also needs a valid Standard Webhooks
signature no more than 5 minutes old or ahead (else 401, see ``signatures.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from callpipe.connectors.receiver.errors import FaultPlanError, StoreError
from callpipe.connectors.receiver.faults import FaultPlan, parse_steps
from callpipe.connectors.receiver.signatures import SignatureCheck
from callpipe.connectors.receiver.store import PayloadStore, PutResult
from callpipe.connectors.receiver.validation import problems
from callpipe.connectors.webhook.errors import PayloadError
from callpipe.connectors.webhook.idempotency import idempotency_key
from callpipe.privacy import mask_field

WEBHOOK_PATH = "/api/webhooks/singleinterface"
FAULTS_PATH = "/_faults"
MAX_KEY_LENGTH = 255

logger = logging.getLogger(__name__)


def utc_timestamp() -> str:
    """``2025-10-02T14:30:00.000Z``: UTC with milliseconds and Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Counters:
    """What the receiver saw since it started (``stored`` comes from the store)."""

    received: int = 0
    """Every POST to the webhook path."""
    accepted: int = 0
    """POSTs answered 200 (new or duplicate)."""
    duplicates: int = 0
    rejected: int = 0
    """POSTs answered 400 or 401."""
    faulted: int = 0
    """POSTs answered by the fault plan."""


def _failure(status: int, error: str, **extra: Any) -> web.Response:
    return web.json_response({"success": False, "error": error, **extra}, status=status)


class Receiver:
    """Handlers and their state; ``build()`` wires them into an aiohttp app."""

    def __init__(
        self,
        store: PayloadStore,
        *,
        faults: FaultPlan | None = None,
        api_key: str | None = None,
        signing_secrets: Sequence[str] = (),
    ) -> None:
        self.store = store
        self.faults = faults
        self.counters = Counters()
        self._api_key = api_key or None
        self._signatures = SignatureCheck(signing_secrets) if signing_secrets else None
        self._closing = asyncio.Event()

    @property
    def verifies_signatures(self) -> bool:
        """Whether POSTs need a Standard Webhooks signature."""
        return self._signatures is not None

    def build(self, *, client_max_size: int = 1024**2) -> web.Application:
        """The aiohttp application; fault routes only when a fault plan was given."""
        app = web.Application(client_max_size=client_max_size)
        app.router.add_get(WEBHOOK_PATH, self.health)
        app.router.add_post(WEBHOOK_PATH, self.receive)
        app.router.add_get(WEBHOOK_PATH + "/stats", self.stats)
        app.router.add_get(WEBHOOK_PATH + "/calls/{call_ref_id}", self.calls)
        if self.faults is not None:
            admin = FaultAdmin(self.faults)
            app.router.add_get(FAULTS_PATH, admin.show)
            app.router.add_post(FAULTS_PATH, admin.replace)
            app.router.add_delete(FAULTS_PATH, admin.reset)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _on_shutdown(self, _app: web.Application) -> None:
        self._closing.set()  # cuts fault delays short so shutdown is quick

    def _authorised(self, request: web.Request) -> bool:
        if self._api_key is None:
            return True
        expected = self._api_key.encode()
        given = request.headers.get("X-API-Key", "").encode()
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").encode()
        return hmac.compare_digest(given, expected) or hmac.compare_digest(bearer, expected)

    async def health(self, _request: web.Request) -> web.Response:
        """GET: the spec's health answer."""
        return web.json_response(
            {
                "status": "healthy",
                "endpoint": "Single Interface Webhook",
                "timestamp": utc_timestamp(),
            }
        )

    async def receive(self, request: web.Request) -> web.Response:
        """POST: faults, auth, signature, JSON, shape, idempotency, store."""
        self.counters.received += 1
        if self.faults is not None:
            call = await _call_of(request) if self.faults.targets_calls else None
            action = self.faults.next_action(call)
            if action is not None:
                if action.delay_ms:
                    await self._pause(action.delay_ms / 1000)
                if action.status is not None:
                    self.counters.faulted += 1
                    headers = {"Retry-After": action.retry_after} if action.retry_after else None
                    return web.json_response(
                        {"success": False, "error": f"injected fault: HTTP {action.status}"},
                        status=action.status,
                        headers=headers,
                    )
        if not self._authorised(request):
            self.counters.rejected += 1
            return _failure(401, "missing or wrong API key")
        if self._signatures is not None:
            problem = self._signatures.problem(await request.read(), request.headers)
            if problem is not None:
                self.counters.rejected += 1
                logger.info("signature rejected", extra={"fields": {"reason": problem}})
                return _failure(401, f"webhook signature: {problem}")
        return await self._accept(request)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), timeout=seconds)

    async def _accept(self, request: web.Request) -> web.Response:
        body = await request.read()  # aiohttp keeps it: a second read costs nothing
        try:
            text = body.decode("utf-8")
            data = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.counters.rejected += 1
            return _failure(400, f"body is not valid JSON: {exc}", field="body")
        found = problems(data)
        if found:
            self.counters.rejected += 1
            logger.info(
                "payload rejected",
                extra={"fields": {"field": found[0].field, "problems": len(found)}},
            )
            return _failure(
                400, str(found[0]), field=found[0].field, errors=[asdict(p) for p in found]
            )
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > MAX_KEY_LENGTH:
            self.counters.rejected += 1
            return _failure(400, "Idempotency-Key is too long", field="Idempotency-Key")
        if not key:
            try:
                key = idempotency_key(data)
            except PayloadError as exc:  # cannot happen after validation; kept for safety
                self.counters.rejected += 1
                return _failure(400, str(exc), field=exc.field or "payload")
        try:
            result = await self.store.put(key, data["call_ref_id"], utc_timestamp(), text)
        except StoreError as exc:
            logger.error("payload not stored", extra={"fields": {"error": str(exc)}})
            return _failure(500, "storage failed; retry later")
        self.counters.accepted += 1
        duplicate = result is PutResult.DUPLICATE
        if duplicate:
            self.counters.duplicates += 1
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "payload duplicate" if duplicate else "payload stored",
                extra={"fields": _summary(data, key)},
            )
        return web.json_response(
            {"success": True, "duplicate": True} if duplicate else {"success": True}
        )

    async def calls(self, request: web.Request) -> web.Response:
        """GET: every stored payload of one call_ref_id, oldest first."""
        if not self._authorised(request):
            return _failure(401, "missing or wrong API key")
        call_ref_id = request.match_info["call_ref_id"]
        try:
            rows = await self.store.payloads_for(call_ref_id)
        except StoreError as exc:
            logger.error("payloads not read", extra={"fields": {"error": str(exc)}})
            return _failure(500, "storage failed")
        if not rows:
            return _failure(404, "no payload stored for this call_ref_id")
        return web.json_response(
            {"call_ref_id": call_ref_id, "count": len(rows), "payloads": [asdict(r) for r in rows]}
        )

    async def stats(self, request: web.Request) -> web.Response:
        """GET: counters since start, plus rows stored in the database."""
        if not self._authorised(request):
            return _failure(401, "missing or wrong API key")
        return web.json_response({**asdict(self.counters), "stored": self.store.stored_count})


class FaultAdmin:
    """The ``/_faults`` routes over one FaultPlan."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan

    async def show(self, _request: web.Request) -> web.Response:
        """GET /_faults: what is left of the plan."""
        return web.json_response(self.plan.to_json())

    async def replace(self, request: web.Request) -> web.Response:
        """POST /_faults: replace the plan with ``{"steps": [...]}``."""
        try:
            steps = parse_steps(await request.json())
        except (json.JSONDecodeError, FaultPlanError) as exc:
            return _failure(400, str(exc))
        self.plan.replace(steps)
        logger.info("fault plan replaced", extra={"fields": self.plan.to_json()})
        return web.json_response(self.plan.to_json())

    async def reset(self, _request: web.Request) -> web.Response:
        """DELETE /_faults: no more faults."""
        self.plan.reset()
        logger.info("fault plan reset")
        return web.json_response(self.plan.to_json())


async def _call_of(request: web.Request) -> str | None:
    """The call_ref_id of a POST's body, if it has one (for faults aimed at one call)."""
    try:
        data = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        return None
    call = data.get("call_ref_id") if isinstance(data, dict) else None
    return call if isinstance(call, str) else None


def _summary(data: dict[str, Any], key: str) -> dict[str, Any]:
    """Log fields of a stored payload, names and emails masked."""
    values = {
        item.get("key_value"): item.get("key_response")
        for item in data.get("response_data", [])
        if isinstance(item, dict)
    }
    return {
        "call_ref_id": data.get("call_ref_id"),
        "idempotency_key": key,
        **{
            f"{field}_value": mask_field(field, str(values[field]))
            for field in ("name", "model", "email")
            if values.get(field)
        },
    }
