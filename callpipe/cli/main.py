"""The `callpipe` command: one sub-command per module in `callpipe.cli.commands`.

Each command module exposes ``register(subparsers)``, which adds its parser
and sets ``handler`` (a function taking the parsed args, returning the exit
code). Importing is deferred to the chosen command so that `callpipe analyze`
does not pay for Faust or Kafka imports.

Every command reads the environment through ``callpipe.settings``; a variable
that the settings refuse (a malformed WEBHOOK_SIGNING_SECRET, say) ends any
command here, with one line naming it and exit code 2, not a traceback. So
does Kafka or the schema registry being unreachable (exit code 1): one line,
and librdkafka's own connection log stays quiet unless LOG_LEVEL=debug.

Exit codes, for every command: 0 done; 1 Kafka, the registry or another
service unavailable (try again later); 2 bad input, usage or configuration;
3 a worker's stage failed; 4 a worker's shutdown exceeded SHUTDOWN_GRACE_S.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from callpipe import __version__
from callpipe.settings import describe_settings_error, is_settings_error

EXIT_UNAVAILABLE = 1
EXIT_CONFIG = 2

LIBRDKAFKA_LOGGER_NAME = "callpipe.connectors.kafka.config.librdkafka"
"""Where librdkafka logs (a test checks it against the connector's logger)."""

# command name -> module in callpipe.cli.commands
COMMANDS: dict[str, str] = {
    "analyze": "analyze",
    "eval": "eval",
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
    parser.add_argument("--version", action="version", version=f"callpipe {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name, help=f"(run `callpipe {name} --help`)")
            continue
        try:
            module = importlib.import_module(f"callpipe.cli.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"callpipe.cli.commands.{module_name}":
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
        return EXIT_CONFIG
    if os.environ.get("LOG_LEVEL", "").lower() != "debug":
        # LIBRDKAFKA_LOGGER of callpipe.connectors.kafka.config, by name: importing it
        # would load confluent_kafka at the start of every command.
        logging.getLogger(LIBRDKAFKA_LOGGER_NAME).setLevel(logging.CRITICAL)
    try:
        code: int = handler(args)
    except ValidationError as exc:
        if not is_settings_error(exc):
            raise
        _fail(args.command, f"configuration error: {describe_settings_error(exc)}")
        return EXIT_CONFIG
    except Exception as exc:
        reason = _unavailable(exc)
        if reason is None:
            raise
        _fail(args.command, reason)
        return EXIT_UNAVAILABLE
    return code


def _fail(command: str, message: str) -> None:
    print(f"callpipe {command}: {message}", file=sys.stderr)


def _unavailable(exc: Exception) -> str | None:
    """One line for a service that could not be reached; None for any other error.

    Imported here: `callpipe analyze` must not pay for the Kafka clients."""
    from confluent_kafka import KafkaException

    from callpipe.connectors.kafka.admin import TopicAdminError
    from callpipe.connectors.kafka.config import kafka_reason
    from callpipe.connectors.kafka.offsets import OffsetResetError
    from callpipe.connectors.registry.errors import RegistryError
    from callpipe.connectors.sources.errors import SourceUnavailable

    if isinstance(exc, TopicAdminError | OffsetResetError | SourceUnavailable):
        return _one_line(str(exc))
    if isinstance(exc, RegistryError):
        return _one_line(f"schema registry unavailable: {exc}")
    if isinstance(exc, KafkaException):
        return _one_line(f"Kafka unavailable: {kafka_reason(exc)}")
    if isinstance(exc, TimeoutError):
        return _one_line(f"Kafka did not answer in time{': ' + str(exc) if str(exc) else ''}")
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
