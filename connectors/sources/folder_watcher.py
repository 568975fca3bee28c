"""Watching the legacy transcripts folder: publish each new file, then file it away.

A round (`FolderWatcher.run_once`) takes every finished ``*.json`` file lying
directly in the folder, validates and produces it, waits for the broker, and
then moves it:

- to ``processed/`` once the broker acknowledged its record (never before);
- to ``rejected/``, beside a ``<name>.error.txt`` with the reason, when it is
  unreadable, not JSON, invalid or too large for Kafka;
- nowhere when Kafka is unavailable or refused it: it stays where it is and
  the next round tries again. A file is never deleted.

"Finished" means not hidden (``.name``), not a ``.tmp`` (neither ends in
``.json``) and not modified in the last ``settle_s`` seconds: writers that
copy slowly are not read half-way. One watcher per folder.
"""

from __future__ import annotations

import logging
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from callpipe.analysis.transcript import TranscriptError
from callpipe.connectors.kafka.producer import ProduceError
from callpipe.connectors.sources.errors import RecordTooLarge, SourceFileError, SourceUnavailable
from callpipe.connectors.sources.files import SUFFIX, load_transcript
from callpipe.connectors.sources.filing import move_into, reject_into
from callpipe.connectors.sources.sink import TranscriptSink, submit

SOURCE = "folder-watcher"
PROCESSED = "processed"
REJECTED = "rejected"
SETTLE_S = 0.2
FLUSH_TIMEOUT_S = 10.0

logger = logging.getLogger(__name__)


@dataclass
class RoundReport:
    """What one round did."""

    processed: list[Path] = field(default_factory=list)
    """New paths, in processed/, of files whose records the broker acknowledged."""
    rejected: list[Path] = field(default_factory=list)
    """New paths, in rejected/, of files that cannot be published."""
    waiting: list[Path] = field(default_factory=list)
    """Files left in place for a later round: Kafka has not acknowledged them."""
    unavailable: str | None = None
    """Why Kafka or the registry held the round up, if it did."""


def is_candidate(name: str) -> bool:
    """Whether a file name is one the watcher reads (a visible ``*.json``)."""
    return name.endswith(SUFFIX) and not name.startswith(".")


class FolderWatcher:
    """Publishes the transcript files of one folder to ``sink``."""

    def __init__(
        self,
        folder: Path,
        sink: TranscriptSink,
        *,
        settle_s: float = SETTLE_S,
        flush_timeout_s: float = FLUSH_TIMEOUT_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.folder = folder
        self.processed_dir = folder / PROCESSED
        self.rejected_dir = folder / REJECTED
        self.sink = sink
        self._settle_s = settle_s
        self._flush_timeout_s = flush_timeout_s
        self._clock = clock
        # path -> call_ref_id of records sent and not yet acknowledged: not sent again.
        self._in_flight: dict[Path, str] = {}
        # Filled by delivery callbacks (they run inside produce/flush, on this thread).
        self._acks: dict[Path, ProduceError | None] = {}
        # Files that could not be moved: skipped so they are not sent again and again.
        self._stuck: set[Path] = set()

    def ready_files(self) -> list[Path]:
        """The finished candidate files of the folder not already being handled, sorted."""
        now = self._clock()
        ready = []
        try:
            entries = sorted(self.folder.iterdir())
        except FileNotFoundError:  # e.g. a network share that went away: try next round
            logger.warning("folder missing", extra={"fields": {"dir": str(self.folder)}})
            return []
        for path in entries:
            if not is_candidate(path.name) or path in self._in_flight or path in self._stuck:
                continue
            try:
                info = path.stat()
            except FileNotFoundError:  # taken away since the listing
                continue
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime >= self._settle_s:
                ready.append(path)
        return ready

    def run_once(self) -> RoundReport:
        """Sends the ready files, waits for the broker, and files away what it can."""
        report = RoundReport()
        for path in self.ready_files():
            try:
                data = load_transcript(path)
                self._in_flight[path] = submit(self.sink, data, self._recorder(path))
            except SourceFileError as exc:
                self._reject(path, exc.reason, report)
            except (TranscriptError, RecordTooLarge) as exc:
                self._reject(path, str(exc), report)
            except SourceUnavailable as exc:
                report.unavailable = str(exc)
                break  # the rest stay where they are for the next round
        self.settle(report)
        return report

    def settle(self, report: RoundReport) -> None:
        """Waits for the records in flight, then moves the acknowledged files."""
        if self._in_flight:
            try:
                self.sink.flush(self._flush_timeout_s)
            except ProduceError as exc:  # some records still in flight: next round
                report.unavailable = report.unavailable or str(exc)
        for path, error in list(self._acks.items()):
            del self._acks[path]
            call_ref_id = self._in_flight.pop(path, None)
            if error is None:
                self._file_processed(path, call_ref_id, report)
            else:
                logger.warning(
                    "kafka refused a transcript, will retry",
                    extra={
                        "fields": {
                            "file": path.name,
                            "call_ref_id": call_ref_id,
                            "reason": str(error),
                        }
                    },
                )
                report.unavailable = report.unavailable or str(error)
                report.waiting.append(path)
        report.waiting.extend(sorted(self._in_flight))

    def _recorder(self, path: Path) -> Callable[[ProduceError | None], None]:
        def record(error: ProduceError | None) -> None:
            self._acks[path] = error

        return record

    def _file_processed(self, path: Path, call_ref_id: str | None, report: RoundReport) -> None:
        fields = {"file": path.name, "call_ref_id": call_ref_id}
        try:
            target = move_into(path, self.processed_dir)
        except OSError as exc:
            self._stuck.add(path)
            logger.error(
                "published, but cannot move to processed/; skipping it until restart",
                extra={"fields": {**fields, "error": exc.strerror or str(exc)}},
            )
            return
        report.processed.append(target)
        logger.info("transcript published", extra={"fields": {**fields, "moved_to": target.name}})

    def _reject(self, path: Path, reason: str, report: RoundReport) -> None:
        # The reason may quote a value from the file, so only the file name is logged.
        try:
            target = reject_into(path, self.rejected_dir, reason)
        except OSError as exc:
            self._stuck.add(path)
            logger.error(
                "invalid, but cannot move to rejected/; skipping it until restart",
                extra={"fields": {"file": path.name, "error": exc.strerror or str(exc)}},
            )
            return
        report.rejected.append(target)
        logger.warning(
            "transcript rejected", extra={"fields": {"file": path.name, "moved_to": target.name}}
        )
