"""`callpipe publish PATH...`: validate transcript files and produce them to Kafka.

Progress and one line per rejected file go to stderr; the summary
(``published N, rejected M``) goes to stdout. Exit codes: 0 every file
published, 2 some file rejected (the valid ones are still published),
1 Kafka or the schema registry unreachable or not acknowledging.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from callpipe.cli.commands._startup import fail, with_logging
from callpipe.connectors.sources import (
    FileProblem,
    Progress,
    PublishReport,
    SourceFileError,
    SourceUnavailable,
    find_transcript_files,
    open_producer,
    publish_files,
)
from callpipe.edges import producer_config
from callpipe.settings import Settings

DEFAULT_SOURCE = "publish"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "publish",
        help="validate transcript JSON files and produce them to calls.transcript-saved",
        description="Publish transcript files (or every *.json under folders) to Kafka.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file or folder")
    parser.add_argument(
        "--source",
        default=DEFAULT_SOURCE,
        metavar="NAME",
        help=f"value of the records' source field (default {DEFAULT_SOURCE})",
    )
    parser.set_defaults(handler=with_logging(run))


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        paths = find_transcript_files(args.paths)
    except SourceFileError as exc:
        fail("publish", exc)
        return 2
    try:
        producer = open_producer(producer_config(settings), args.source)
    except SourceUnavailable as exc:
        fail("publish", exc)
        return 1

    progress = Progress(len(paths), sys.stderr)

    def show_rejection(problem: FileProblem) -> None:
        progress.note(f"rejected {problem.path}: {problem.reason}")

    report = publish_files(producer, paths, on_reject=show_rejection, on_progress=progress.advance)
    progress.close()
    _print_outcome(report)
    return report.exit_code


def _print_outcome(report: PublishReport) -> None:
    for problem in report.undelivered:
        print(f"not published {problem.path}: {problem.reason}", file=sys.stderr)
    if report.unavailable is not None:
        fail("publish", report.unavailable)
    summary = f"published {report.published}, rejected {len(report.rejected)}"
    if report.undelivered:
        summary += f", not published {len(report.undelivered)}"
    print(summary)
