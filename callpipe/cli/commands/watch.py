"""`callpipe watch`: publish the transcripts dropped into the legacy folder.

Every ``--interval`` seconds, each finished ``*.json`` file of the folder
(TRANSCRIPTS_DIR, or ``--dir``) is validated and produced, then moved to
``processed/`` once the broker acknowledged it, or to ``rejected/`` with a
``.error.txt`` reason. While Kafka is down files stay where they are.
``--once`` handles what is there and exits: 0 all published, 2 some
rejected, 1 Kafka or the registry unavailable (files left in place).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from callpipe.cli.commands._startup import fail, with_logging
from callpipe.connectors.sources import FolderWatcher, RoundReport, SourceUnavailable, open_producer
from callpipe.connectors.sources.folder_watcher import SOURCE
from callpipe.edges import producer_config
from callpipe.settings import Settings

DEFAULT_INTERVAL_S = 0.5
ONCE_FLUSH_TIMEOUT_S = 30.0
RECONNECT_EVERY_S = 5.0

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "watch",
        help="publish transcript files dropped into a folder, then move them away",
        description="Poll a folder for *.json transcripts; move them to processed/ or rejected/.",
    )
    parser.add_argument("--dir", type=Path, help="folder to watch (default: TRANSCRIPTS_DIR)")
    parser.add_argument(
        "--interval",
        type=float,
        default=DEFAULT_INTERVAL_S,
        metavar="SECONDS",
        help=f"pause between rounds (default {DEFAULT_INTERVAL_S:g})",
    )
    parser.add_argument("--once", action="store_true", help="one round, then exit (tests, cron)")
    parser.set_defaults(handler=with_logging(run))


def run(args: argparse.Namespace, settings: Settings) -> int:
    folder: Path = args.dir if args.dir is not None else settings.transcripts_dir
    if not folder.is_dir():
        fail("watch", f"{folder}: no such folder")
        return 2
    if args.once:
        return _run_once(settings, folder)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    _watch_until(stop, settings, folder, args.interval)
    return 0


def _run_once(settings: Settings, folder: Path) -> int:
    try:
        producer = open_producer(producer_config(settings), SOURCE)
    except SourceUnavailable as exc:
        fail("watch", exc)
        return 1
    report = FolderWatcher(folder, producer, flush_timeout_s=ONCE_FLUSH_TIMEOUT_S).run_once()
    for path in report.rejected:
        print(f"rejected {path}", file=sys.stderr)
    if report.unavailable is not None:
        fail("watch", report.unavailable)
    print(_summary(report))
    if report.unavailable is not None or report.waiting:
        return 1
    return 2 if report.rejected else 0


def _summary(report: RoundReport) -> str:
    text = f"processed {len(report.processed)}, rejected {len(report.rejected)}"
    return text + (f", left in place {len(report.waiting)}" if report.waiting else "")


def _watch_until(stop: threading.Event, settings: Settings, folder: Path, interval: float) -> None:
    watcher: FolderWatcher | None = None
    logger.info("watching", extra={"fields": {"dir": str(folder), "interval_s": interval}})
    while not stop.is_set():
        if watcher is None:
            watcher = _connect(settings, folder)
            if watcher is None:
                stop.wait(max(interval, RECONNECT_EVERY_S))
                continue
        report = watcher.run_once()
        if report.unavailable is not None:
            logger.warning(
                "kafka unavailable",
                extra={
                    "fields": {"reason": report.unavailable, "left_in_place": len(report.waiting)}
                },
            )
        stop.wait(interval)
    if watcher is not None:
        watcher.settle(RoundReport())  # files whose records were acknowledged meanwhile
    logger.info("stopped watching")


def _connect(settings: Settings, folder: Path) -> FolderWatcher | None:
    try:
        return FolderWatcher(folder, open_producer(producer_config(settings), SOURCE))
    except SourceUnavailable as exc:
        logger.warning("cannot start, will retry", extra={"fields": {"reason": str(exc)}})
        return None
