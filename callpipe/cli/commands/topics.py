"""`callpipe topics create|reset-offsets`: topic set-up and reprocessing."""

from __future__ import annotations

import argparse
from datetime import datetime

from callpipe.cli.commands._startup import fail
from callpipe.cli.commands._times import parse_iso_time
from callpipe.settings import STAGES, load_settings
from callpipe.topics import STAGE_SOURCES


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("topics", help="create topics, reset a stage's offsets")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("create", help="create missing topics and register the schemas")
    reset = actions.add_parser(
        "reset-offsets", help="move a stopped stage's offsets to reprocess (or skip) records"
    )
    reset.add_argument("--stage", choices=STAGES, required=True)
    reset.add_argument(
        "--to", default="earliest", help="earliest, latest, or an ISO 8601 time (default earliest)"
    )
    reset.add_argument(
        "--dry-run",
        action="store_true",
        help="show the moves, change nothing (the workers may keep running)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from callpipe.connectors.kafka.admin import ensure_topics
    from callpipe.connectors.kafka.offsets import OffsetResetError, reset_offsets
    from callpipe.connectors.registry import SerdeFactory
    from callpipe.edges import kafka_config, registry_config

    settings = load_settings()
    if args.action == "create":
        created = ensure_topics(kafka_config(settings))
        ids = SerdeFactory(registry_config(settings)).register_all()
        print(f"created {len(created)} topics; schema ids: {ids}")
        return 0
    to: str | datetime = args.to
    if args.to not in ("earliest", "latest"):
        try:
            to = parse_iso_time(args.to)
        except ValueError:
            fail("topics", f"--to: not earliest, latest or an ISO time: {args.to!r}")
            return 2
    group = f"{settings.consumer_group_prefix}-{args.stage}"
    topic = settings.topic(STAGE_SOURCES[args.stage])
    try:
        moves = reset_offsets(kafka_config(settings), group, topic, to, dry_run=args.dry_run)
    except OffsetResetError as exc:
        fail("topics reset-offsets", exc)
        return 1
    for move in moves:
        print(
            f"{topic}[{move.partition}]: {move.old if move.old is not None else '-'} -> {move.new}"
        )
    if args.dry_run:
        print(f"dry run: group {group} is unchanged")
    else:
        print(f"group {group} will resume from these offsets when its workers start")
    return 0
