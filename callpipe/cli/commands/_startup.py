"""How a command starts, and how it says why it stops early.

The commands that produce or serve (ingest, publish, receiver, watch) log as
they go, so their handler is ``with_logging(run)``: the settings are read
once and the root logger is pointed at stderr before ``run(args, settings)``
starts. A command that stops before its work is done says why in one line
on stderr, ``callpipe <command>: <reason>``: the form ``callpipe.cli.main``
uses for the errors every command shares, so a user sees one shape.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from callpipe.logs import configure_logging
from callpipe.settings import Settings, load_settings

Handler = Callable[[argparse.Namespace], int]
"""What a command's parser holds as ``handler``: parsed arguments in, exit code out."""

LoggedRun = Callable[[argparse.Namespace, Settings], int]


def with_logging(run: LoggedRun) -> Handler:
    """The handler that reads the settings, routes the logs by them, then runs ``run``."""

    def handler(args: argparse.Namespace) -> int:
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format)
        return run(args, settings)

    return handler


def fail(command: str, reason: object) -> None:
    """Writes on one line of stderr why ``callpipe <command>`` failed; the caller picks the
    exit code."""
    print(f"callpipe {command}: {reason}", file=sys.stderr)
