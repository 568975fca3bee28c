"""Publishing a list of files: one outcome per file, and the exit code they add up to."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from source_fakes import FakeSink, bad_timestamp, transcript

from callpipe.connectors.sources import FileProblem, publish_files


def write(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_every_valid_file_is_published(tmp_path: Path) -> None:
    """All files acknowledged: published counts them all and the exit code is 0."""
    paths = [write(tmp_path, f"{n}.json", transcript(f"call-{n}")) for n in range(3)]
    sink = FakeSink()
    report = publish_files(sink, paths)
    assert sink.produced_ids == ["call-0", "call-1", "call-2"]
    assert (report.published, report.rejected, report.exit_code) == (3, [], 0)


def test_rejected_files_are_reported_and_the_valid_ones_still_published(tmp_path: Path) -> None:
    """Bad files are named with the field, good ones go out anyway, exit code 2."""
    paths = [
        write(tmp_path, "1.json", transcript("call-1")),
        write(tmp_path, "2.json", bad_timestamp()),
        write(tmp_path, "3.json", "[1, 2"),
        write(tmp_path, "4.json", [1, 2]),
        write(tmp_path, "5.json", transcript("call-5")),
    ]
    seen: list[FileProblem] = []
    sink = FakeSink()
    report = publish_files(sink, paths, on_reject=seen.append)
    assert sink.produced_ids == ["call-1", "call-5"]
    assert report.published == 2
    assert seen == report.rejected
    assert [problem.path.name for problem in seen] == ["2.json", "3.json", "4.json"]
    assert seen[0].reason.startswith("messages[1].timestamp: not an ISO 8601 timestamp")
    assert seen[1].reason.startswith("not JSON: ")
    assert seen[2].reason == "transcript: expected an object, got array"
    assert report.exit_code == 2


def test_progress_is_counted_once_per_file(tmp_path: Path) -> None:
    """on_progress fires for every file, published or rejected."""
    paths = [write(tmp_path, "1.json", transcript()), write(tmp_path, "2.json", "oops")]
    ticks: list[None] = []
    publish_files(FakeSink(), paths, on_progress=lambda: ticks.append(None))
    assert len(ticks) == 2


def test_records_kafka_refused_are_not_counted_as_published(tmp_path: Path) -> None:
    """A refused delivery is 'undelivered' with Kafka's reason, and exit code 1."""
    paths = [
        write(tmp_path, "1.json", transcript("call-1")),
        write(tmp_path, "2.json", transcript("call-2")),
    ]
    report = publish_files(FakeSink(refuse={"call-2"}), paths)
    assert report.published == 1
    assert [problem.path.name for problem in report.undelivered] == ["2.json"]
    assert "in-sync replicas" in report.undelivered[0].reason
    assert report.exit_code == 1


def test_records_never_acknowledged_are_undelivered(tmp_path: Path) -> None:
    """If the broker does not answer before the flush times out, nothing counts as published."""
    paths = [write(tmp_path, "1.json", transcript("call-1"))]
    report = publish_files(FakeSink(hold=True), paths, flush_timeout_s=0.1)
    assert report.published == 0
    assert report.undelivered[0].reason == "not acknowledged by Kafka"
    assert report.unavailable is not None
    assert report.exit_code == 1


def test_kafka_failing_mid_run_marks_the_rest_as_not_sent(tmp_path: Path) -> None:
    """A producer error stops the run; every unsent file is listed for a retry."""
    paths = [write(tmp_path, f"{n}.json", transcript(f"call-{n}")) for n in range(3)]
    error = KafkaException(KafkaError(KafkaError._ALL_BROKERS_DOWN, "all brokers down"))
    report = publish_files(FakeSink(produce_error=error), paths)
    assert report.unavailable == "Kafka refused the record: all brokers down"
    assert [problem.path for problem in report.undelivered] == paths
    assert report.exit_code == 1


def test_a_deeply_nested_file_is_rejected_and_the_others_published(tmp_path: Path) -> None:
    """A 100,000-deep JSON file used to stop the whole publish with a RecursionError."""
    paths = [write(tmp_path, f"{n:02d}.json", transcript(f"call-{n}")) for n in range(30)]
    paths.insert(15, write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000))
    sink = FakeSink()
    report = publish_files(sink, paths)
    assert report.published == 30
    assert [problem.path.name for problem in report.rejected] == ["deep.json"]
    assert "nested more than" in report.rejected[0].reason
