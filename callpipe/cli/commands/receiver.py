"""`callpipe receiver`: the reference SingleInterface webhook receiver.

Serves ``/api/webhooks/singleinterface`` (see callpipe.connectors.receiver and
docs/delivery.md), stores payloads in SQLite, logs JSON lines with personal
data masked, and stops cleanly on SIGTERM or SIGINT. With a signing secret
(``--signing-secret``, else WEBHOOK_SIGNING_SECRET) every POST needs a valid
Standard Webhooks signature.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from callpipe.cli.commands._serving import serve_until_signal
from callpipe.cli.commands._startup import fail, with_logging
from callpipe.connectors.receiver import (
    FaultPlan,
    FaultPlanError,
    ReceiverError,
    ReceiverServer,
)
from callpipe.connectors.webhook import SigningSecretError, parse_secrets
from callpipe.settings import Settings

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "receiver",
        help="run the reference SingleInterface webhook receiver (aiohttp + SQLite)",
        description="Serve POST/GET /api/webhooks/singleinterface and store payloads.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port; 0 picks a free one")
    parser.add_argument(
        "--db",
        type=Path,
        default=Path("data/receiver.sqlite3"),
        help="SQLite file (created if missing; default data/receiver.sqlite3)",
    )
    parser.add_argument(
        "--faults",
        action="store_true",
        help="enable fault injection: GET/POST/DELETE /_faults (off by default)",
    )
    parser.add_argument(
        "--fault-plan",
        metavar="JSON",
        help='initial fault plan, e.g. \'{"steps": [{"status": 503, "times": 2}]}\' '
        "(implies --faults)",
    )
    parser.add_argument(
        "--require-api-key",
        action="store_true",
        help="require SINGLEINTERFACE_API_KEY as X-API-Key or Bearer token (401 otherwise)",
    )
    parser.add_argument(
        "--signing-secret",
        metavar="WHSEC",
        help="verify Standard Webhooks signatures with this whsec_ secret (several: "
        "space-separated, any one matches); 401 for a missing or bad signature or a "
        "timestamp over 5 minutes off (default: WEBHOOK_SIGNING_SECRET, unset: no check)",
    )
    parser.set_defaults(handler=with_logging(run))


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        faults = _fault_plan(args)
    except (json.JSONDecodeError, FaultPlanError) as exc:
        fail("receiver", f"bad --fault-plan: {exc}")
        return 2
    api_key = None
    if args.require_api_key:
        if settings.singleinterface_api_key is None:
            fail("receiver", "--require-api-key needs SINGLEINTERFACE_API_KEY")
            return 2
        api_key = settings.singleinterface_api_key.get_secret_value()
    if args.signing_secret is not None:
        try:
            parse_secrets(args.signing_secret)
        except SigningSecretError as exc:  # the message never quotes the secret
            fail("receiver", f"bad --signing-secret: {exc}")
            return 2
        signing = args.signing_secret
    else:
        secret = settings.webhook_signing_secret  # already checked by the settings
        signing = secret.get_secret_value() if secret is not None else ""
    server = ReceiverServer(
        args.db,
        host=args.host,
        port=args.port,
        faults=faults,
        api_key=api_key,
        signing_secrets=signing.split(),
    )
    try:
        serve_until_signal(server, "receiver", settings.event_loop)
    except (OSError, ReceiverError) as exc:
        logger.error("receiver failed", extra={"fields": {"error": str(exc)}})
        return 1
    return 0


def _fault_plan(args: argparse.Namespace) -> FaultPlan | None:
    if args.fault_plan:
        return FaultPlan.from_json(json.loads(args.fault_plan))
    return FaultPlan() if args.faults else None
