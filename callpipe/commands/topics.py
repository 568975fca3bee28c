"""`callpipe topics create|reset-offsets`: topic set-up and reprocessing."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from callpipe.settings import STAGES, load_settings
from callpipe.topics import ANALYZED, EXTRACTED, TRANSCRIPT_SAVED, WEBHOOKS_RETRY

STAGE_SOURCES = {
    "extraction": TRANSCRIPT_SAVED,
    "analysis": EXTRACTED,
    "delivery": ANALYZED,
    "retry": WEBHOOKS_RETRY,
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("topics", help="create topics, reset a stage's offsets")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("create", help="create missing topics and register the schemas")
    reset = actions.add_parser(
        "reset-offsets", help="move a stopped stage's offsets to reprocess (or skip) records")
    reset.add_argument("--stage", choices=STAGES, required=True)
    reset.add_argument("--to", default="earliest",
                       help="earliest, latest, or an ISO 8601 time (default earliest)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from connectors.kafka.admin import ensure_topics
    from connectors.kafka.offsets import OffsetResetError, reset_offsets
    from connectors.registry import SerdeFactory

    settings = load_settings()
    if args.action == "create":
        created = ensure_topics(settings)
        ids = SerdeFactory(settings).register_all()
        print(f"created {len(created)} topics; schema ids: {ids}")
        return 0
    to: str | datetime = args.to
    if args.to not in ("earliest", "latest"):
        try:
            to = datetime.fromisoformat(args.to.replace("Z", "+00:00"))
        except ValueError:
            print(f"callpipe topics: --to: not earliest, latest or an ISO time: {args.to!r}",
                  file=sys.stderr)
            return 2
        if to.tzinfo is None:
            to = to.replace(tzinfo=UTC)
    group = f"{settings.consumer_group_prefix}-{args.stage}"
    topic = settings.topic(STAGE_SOURCES[args.stage])
    try:
        moves = reset_offsets(settings, group, topic, to)
    except OffsetResetError as exc:
        print(f"callpipe topics reset-offsets: {exc}", file=sys.stderr)
        return 1
    for move in moves:
        print(f"{topic}[{move.partition}]: {move.old if move.old is not None else '-'} "
              f"-> {move.new}")
    print(f"group {group} will resume from these offsets when its workers start")
    return 0
