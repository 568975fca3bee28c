"""`callpipe dlq list|replay`: inspect dead letters and put them back for delivery."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from callpipe.privacy import mask_text
from callpipe.settings import load_settings
from callpipe.topics import CALLS_DEAD_LETTER, WEBHOOKS_DEAD_LETTER


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("dlq", help="list or replay dead letters")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("list", "show dead letters"),
                       ("replay", "produce dead letters back to the topic they failed on")):
        action = actions.add_parser(name, help=text)
        action.add_argument("--topic", choices=[WEBHOOKS_DEAD_LETTER, CALLS_DEAD_LETTER],
                            default=WEBHOOKS_DEAD_LETTER)
        action.add_argument("--since", type=_iso_time, metavar="ISO",
                            help="only letters that failed at or after this time")
        action.add_argument("--call-ref-id", metavar="ID", help="only this call")
    parser.set_defaults(handler=run)


def _iso_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run(args: argparse.Namespace) -> int:
    from connectors.kafka.deadletters import matches, read_dead_letters, replay

    settings = load_settings()
    letters = [letter for letter in read_dead_letters(settings, args.topic)
               if matches(letter, args.since, args.call_ref_id)]
    if args.action == "list":
        for letter in letters:
            r = letter.record
            print(f"{r['failed_at']:%Y-%m-%dT%H:%M:%S}Z  {r['stage']:<10} "
                  f"call={r['call_ref_id'] or '-'}  {r['error_class']}"
                  f"{'/' + str(r['http_status']) if r['http_status'] else ''}: "
                  f"{mask_text(r['error_message'])[:120]}")
        print(f"{len(letters)} dead letters on {settings.topic(args.topic)}", file=sys.stderr)
        return 0
    sent = replay(settings, letters)
    print(f"replayed {sent} of {len(letters)} dead letters from {settings.topic(args.topic)}")
    return 0
