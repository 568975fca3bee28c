"""`callpipe ingest`: the HTTP endpoint the telephony agent posts transcripts to.

Serves ``POST /v1/transcripts``, ``GET /healthz``, ``/readyz`` and ``/metrics`` (see
callpipe.connectors.sources.http_ingest and docs/sources.md) until SIGTERM or SIGINT,
then finishes the requests in flight and flushes the producer. POSTs need a
bearer token from INGEST_API_KEYS when it is set; without it the command
listens only on a loopback address (exit 2 otherwise, before touching Kafka).
"""

from __future__ import annotations

import argparse

from callpipe.cli.commands._serving import serve_until_signal
from callpipe.cli.commands._startup import fail, with_logging
from callpipe.connectors.sources import (
    BearerKeys,
    SourceUnavailable,
    UnprotectedIngest,
    open_producer,
    require_keys_off_loopback,
)
from callpipe.connectors.sources.http_ingest import (
    ACK_TIMEOUT_S,
    MAX_BODY_BYTES,
    SOURCE,
    IngestServer,
)
from callpipe.edges import producer_config
from callpipe.settings import Settings, api_keys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "ingest",
        help="serve POST /v1/transcripts and produce each transcript to Kafka",
        description="HTTP ingest for the telephony agent: 202 once the broker has the record.",
    )
    parser.add_argument("--host", help="bind address (default: INGEST_HOST)")
    parser.add_argument("--port", type=int, help="port, 0 picks a free one (default: INGEST_PORT)")
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=MAX_BODY_BYTES,
        help=f"larger bodies get 413 (default {MAX_BODY_BYTES})",
    )
    parser.add_argument(
        "--ack-timeout",
        type=float,
        default=ACK_TIMEOUT_S,
        metavar="SECONDS",
        help=f"answer 503 if Kafka has not acknowledged by then (default {ACK_TIMEOUT_S:g})",
    )
    parser.set_defaults(handler=with_logging(run))


def run(args: argparse.Namespace, settings: Settings) -> int:
    host = args.host if args.host is not None else settings.ingest_host
    keys = api_keys(settings.ingest_api_keys)
    try:
        require_keys_off_loopback(host, BearerKeys(keys))
    except UnprotectedIngest as exc:
        fail("ingest", exc)
        return 2
    try:
        producer = open_producer(producer_config(settings), SOURCE)
    except SourceUnavailable as exc:
        fail("ingest", exc)
        return 1
    server = IngestServer(
        producer,
        host=host,
        port=args.port if args.port is not None else settings.ingest_port,
        max_body_bytes=args.max_body_bytes,
        ack_timeout_s=args.ack_timeout,
        api_keys=keys,
        broker_check=producer.reaches_broker,
    )
    try:
        serve_until_signal(server, "ingest", settings.event_loop)
    except OSError as exc:  # e.g. the port is taken
        fail("ingest", f"cannot listen on {server.base_url}: {exc}")
        return 1
    return 0
