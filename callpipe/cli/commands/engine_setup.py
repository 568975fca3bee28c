"""What `callpipe analyze` and `callpipe eval` share: the engine's settings,
time zone and analysis configuration, read once, with one line on failure.

Their handler is ``with_engine_setup(run)``: ``run(args, setup)`` starts only
once the setup is usable, so neither command reads its input in vain.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from callpipe.analysis import AnalysisConfig, AnalysisConfigError, load_analysis_config
from callpipe.cli.commands._startup import Handler, fail
from callpipe.settings import Settings, load_settings

EXIT_OK = 0
EXIT_CONFIG = 1
"""Settings or analysis configuration unusable (`eval` also exits 1 for a broken limit)."""
EXIT_BAD_INPUT = 2
"""A transcript (or corpus) that cannot be read or is not valid."""


class EngineSetupError(Exception):
    """Settings or analysis configuration that cannot be used (the message is one line)."""


@dataclass(frozen=True)
class EngineSetup:
    settings: Settings
    tz: ZoneInfo
    config: AnalysisConfig


def add_config_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help="folder whose cues/catalogue/languages/phrases JSON files override the packaged "
        "ones (default: ANALYSIS_CONFIG_DIR)",
    )


EngineRun = Callable[[argparse.Namespace, EngineSetup], int]


def with_engine_setup(run: EngineRun) -> Handler:
    """The handler that reads the setup (``--config-dir`` in ``args``), then runs ``run``;
    a setup that cannot be used ends the command with one line and EXIT_CONFIG."""

    def handler(args: argparse.Namespace) -> int:
        try:
            setup = load_engine_setup(args.config_dir)
        except EngineSetupError as exc:
            fail(args.command, exc)
            return EXIT_CONFIG
        return run(args, setup)

    return handler


def load_engine_setup(config_dir: Path | None) -> EngineSetup:
    """Raises EngineSetupError naming what is wrong."""
    try:
        settings = load_settings()
        tz = ZoneInfo(settings.output_timezone)
        config = load_analysis_config(config_dir or settings.analysis_config_dir)
    except (ValidationError, AnalysisConfigError, ZoneInfoNotFoundError, ValueError) as exc:
        raise EngineSetupError(f"configuration error: {one_line(exc)}") from exc
    return EngineSetup(settings, tz, config)


def one_line(exc: Exception) -> str:
    """An exception's message with its line breaks and runs of spaces folded."""
    return " ".join(str(exc).split())
