"""Publishing a list of transcript files, file by file, with one outcome each.

Every file ends in exactly one of three states: published (the broker
acknowledged its record), rejected (unreadable, not JSON, invalid, or too
large: retrying will not help) or undelivered (Kafka did not acknowledge it:
retrying later will). Valid files are published even when others are rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from callpipe.analysis.transcript import TranscriptError
from callpipe.connectors.kafka.producer import ProduceError
from callpipe.connectors.sources.errors import RecordTooLarge, SourceFileError, SourceUnavailable
from callpipe.connectors.sources.files import load_transcript
from callpipe.connectors.sources.sink import TranscriptSink, submit

FLUSH_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class FileProblem:
    """Why one file was not published."""

    path: Path
    reason: str


@dataclass
class PublishReport:
    """What happened to each file of one run."""

    total: int
    published: int = 0
    rejected: list[FileProblem] = field(default_factory=list)
    """Files that will never be published as they are (bad content)."""
    undelivered: list[FileProblem] = field(default_factory=list)
    """Valid files Kafka did not acknowledge, or did not get to."""
    unavailable: str | None = None
    """Why Kafka or the registry stopped the run, if it did."""

    @property
    def exit_code(self) -> int:
        """1 if Kafka or the registry failed us, 2 if any file was rejected, else 0."""
        if self.unavailable is not None or self.undelivered:
            return 1
        return 2 if self.rejected else 0


def publish_files(
    sink: TranscriptSink,
    paths: Sequence[Path],
    *,
    on_reject: Callable[[FileProblem], None] = lambda problem: None,
    on_progress: Callable[[], None] = lambda: None,
    flush_timeout_s: float = FLUSH_TIMEOUT_S,
) -> PublishReport:
    """Loads, validates and produces every file, then waits for the broker's answers."""
    report = PublishReport(total=len(paths))
    sent: list[Path] = []
    # Filled by the delivery callbacks, which run inside produce/poll/flush on this thread.
    acks: dict[Path, ProduceError | None] = {}

    def reject(path: Path, reason: str) -> None:
        problem = FileProblem(path, reason)
        report.rejected.append(problem)
        on_reject(problem)

    for index, path in enumerate(paths):
        try:
            submit(sink, load_transcript(path), _recorder(acks, path))
        except SourceFileError as exc:
            reject(path, exc.reason)
        except (TranscriptError, RecordTooLarge) as exc:
            reject(path, str(exc))
        except SourceUnavailable as exc:
            report.unavailable = str(exc)
            report.undelivered.extend(FileProblem(p, "not sent") for p in paths[index:])
            break
        else:
            sent.append(path)
        on_progress()

    try:
        sink.flush(flush_timeout_s)
    except ProduceError as exc:
        report.unavailable = report.unavailable or str(exc)
    for path in sent:
        if path not in acks:
            report.undelivered.append(FileProblem(path, "not acknowledged by Kafka"))
        elif (error := acks[path]) is not None:
            report.undelivered.append(FileProblem(path, str(error)))
        else:
            report.published += 1
    return report


def _recorder(
    acks: dict[Path, ProduceError | None], path: Path
) -> Callable[[ProduceError | None], None]:
    def record(error: ProduceError | None) -> None:
        acks[path] = error

    return record
