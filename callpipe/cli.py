"""The `callpipe` command: one sub-command per module in `callpipe.commands`.

Each command module exposes ``register(subparsers)``, which adds its parser
and sets ``handler`` (a function taking the parsed args, returning the exit
code). Importing is deferred to the chosen command so that `callpipe analyze`
does not pay for Faust or Kafka imports.

Every command reads the environment through ``callpipe.settings``; a variable
that the settings refuse (a malformed WEBHOOK_SIGNING_SECRET, say) ends any
command here, with one line naming it and exit code 2, not a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from callpipe.settings import describe_settings_error, is_settings_error

# command name -> module in callpipe.commands
COMMANDS: dict[str, str] = {
    "analyze": "analyze",
    "local": "local",
    "worker": "worker",
    "publish": "publish",
    "ingest": "ingest",
    "watch": "watch",
    "receiver": "receiver",
    "dlq": "dlq",
    "topics": "topics",
    "status": "status",
    "bench": "bench",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callpipe",
        description="Post-call analytics and SingleInterface webhook delivery on Kafka.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name, help=f"(run `callpipe {name} --help`)")
            continue
        try:
            module = importlib.import_module(f"callpipe.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"callpipe.commands.{module_name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(only=chosen if chosen in COMMANDS else None)
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        code: int = handler(args)
    except ValidationError as exc:
        if not is_settings_error(exc):
            raise
        print(
            f"callpipe {args.command}: configuration error: {describe_settings_error(exc)}",
            file=sys.stderr,
        )
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
