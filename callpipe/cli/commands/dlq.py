"""`callpipe dlq list|replay`: inspect dead letters and put them back for delivery."""

from __future__ import annotations

import argparse
import sys

from callpipe.cli.commands._times import iso_time
from callpipe.privacy import mask_text
from callpipe.settings import load_settings
from callpipe.topics import CALLS_DEAD_LETTER, WEBHOOKS_DEAD_LETTER


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("dlq", help="list or replay dead letters")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (
        ("list", "show dead letters"),
        ("replay", "produce dead letters back to the topic they failed on"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument(
            "--topic",
            choices=[WEBHOOKS_DEAD_LETTER, CALLS_DEAD_LETTER],
            default=WEBHOOKS_DEAD_LETTER,
        )
        action.add_argument(
            "--since",
            type=iso_time,
            metavar="ISO",
            help="only letters that failed at or after this time",
        )
        action.add_argument("--call-ref-id", metavar="ID", help="only this call")
        if name == "replay":
            action.add_argument(
                "--again",
                action="store_true",
                help="also replay letters an earlier replay put back",
            )
            action.add_argument(
                "--dry-run",
                action="store_true",
                help="show what would be replayed, produce nothing",
            )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from callpipe.connectors.kafka.deadletters import (
        matches,
        read_dead_letters,
        replay,
        replayed_before,
    )
    from callpipe.connectors.registry import SerdeFactory
    from callpipe.edges import kafka_config, registry_config

    settings = load_settings()
    kafka, serdes = kafka_config(settings), SerdeFactory(registry_config(settings))
    topic = settings.topic(args.topic)
    letters = [
        letter
        for letter in read_dead_letters(kafka, serdes, args.topic)
        if matches(letter, args.since, args.call_ref_id)
    ]
    if args.action == "list":
        for letter in letters:
            print(_line(letter.record))
        print(f"{len(letters)} dead letters on {topic}", file=sys.stderr)
        return 0
    done = set() if args.again else replayed_before(kafka, serdes, args.topic)
    todo = [letter for letter in letters if letter.marker_key(topic) not in done]
    skipped = len(letters) - len(todo)
    kept_partly = [letter for letter in todo if not letter.replayable]
    note = (f" ({skipped} replayed before: --again replays them)" if skipped else "") + (
        f" ({len(kept_partly)} too large to keep whole: read them at their original offset)"
        if kept_partly
        else ""
    )
    if args.dry_run:
        for letter in todo:
            print(
                f"would replay {topic}[{letter.partition}]@{letter.offset}  {_line(letter.record)}"
            )
        print(
            f"would replay {len(todo) - len(kept_partly)} of {len(letters)} dead letters "
            f"from {topic}{note}"
        )
        return 0
    sent = replay(kafka, serdes, args.topic, todo)
    print(f"replayed {sent} of {len(letters)} dead letters from {topic}{note}")
    return 0


def _line(record: dict[str, object]) -> str:
    failed_at = record["failed_at"]
    status = record["http_status"]
    return (
        f"{failed_at:%Y-%m-%dT%H:%M:%S}Z  {record['stage']:<10} "
        f"call={record['call_ref_id'] or '-'}  {record['error_class']}"
        f"{'/' + str(status) if status else ''}: "
        f"{mask_text(str(record['error_message']))[:120]}"
    )
