"""The folder watcher: which files it takes, and where each one ends up."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import KafkaError, KafkaException
from source_fakes import FakeSink, bad_timestamp, transcript

from callpipe.connectors.sources import FolderWatcher, is_candidate

NOW = 1_800_000_000.0


def drop(folder: Path, name: str, data: Any, *, age_s: float = 10.0) -> Path:
    """Writes a file as the legacy system would, last modified ``age_s`` before NOW."""
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    os.utime(path, (NOW - age_s, NOW - age_s))
    return path


def watcher(folder: Path, sink: FakeSink) -> FolderWatcher:
    return FolderWatcher(folder, sink, clock=lambda: NOW)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("call.json", True),
        (".call.json", False),
        ("call.json.tmp", False),
        ("call.tmp", False),
        ("call.JSON", False),
        ("call.txt", False),
    ],
)
def test_only_visible_json_files_are_candidates(name: str, taken: bool) -> None:
    """Dotfiles and .tmp files are writes in progress; only *.json is a transcript."""
    assert is_candidate(name) is taken


def test_ready_files_skip_recent_files_folders_and_non_candidates(tmp_path: Path) -> None:
    """Files touched in the last 200 ms, sub-folders and temp files wait or are ignored."""
    drop(tmp_path, "old.json", transcript())
    drop(tmp_path, "fresh.json", transcript(), age_s=0.05)
    drop(tmp_path, ".hidden.json", transcript())
    drop(tmp_path, "copying.json.tmp", transcript())
    (tmp_path / "folder.json").mkdir()
    assert watcher(tmp_path, FakeSink()).ready_files() == [tmp_path / "old.json"]


def test_a_valid_file_is_published_then_moved_to_processed(tmp_path: Path) -> None:
    """The record is produced, acknowledged, and only then the file moves."""
    drop(tmp_path, "a.json", transcript("call-a"))
    sink = FakeSink()
    report = watcher(tmp_path, sink).run_once()
    assert sink.produced_ids == ["call-a"]
    assert report.processed == [tmp_path / "processed" / "a.json"]
    assert names(tmp_path) == ["processed"]
    assert json.loads((tmp_path / "processed" / "a.json").read_text())["call_ref_id"] == "call-a"


def test_an_invalid_file_goes_to_rejected_with_the_field_in_the_reason(tmp_path: Path) -> None:
    """A transcript breaking the contract is filed with a reason naming the field."""
    drop(tmp_path, "bad.json", bad_timestamp())
    sink = FakeSink()
    report = watcher(tmp_path, sink).run_once()
    assert sink.produced == []
    assert report.rejected == [tmp_path / "rejected" / "bad.json"]
    reason = (tmp_path / "rejected" / "bad.json.error.txt").read_text()
    assert reason.startswith("messages[1].timestamp: not an ISO 8601 timestamp")


def test_a_file_that_is_not_json_goes_to_rejected(tmp_path: Path) -> None:
    """Garbage is rejected with the JSON error's position, not retried forever."""
    drop(tmp_path, "junk.json", "{not json")
    watcher(tmp_path, FakeSink()).run_once()
    assert names(tmp_path / "rejected") == ["junk.json", "junk.json.error.txt"]
    reason = (tmp_path / "rejected" / "junk.json.error.txt").read_text()
    assert reason.startswith("not JSON: ")


def test_no_file_moves_before_the_broker_acknowledged(tmp_path: Path) -> None:
    """While the broker is silent the file stays, and is not sent a second time."""
    drop(tmp_path, "a.json", transcript("call-a"))
    sink = FakeSink(hold=True)
    folder_watcher = watcher(tmp_path, sink)

    first = folder_watcher.run_once()
    assert first.waiting == [tmp_path / "a.json"]
    assert first.unavailable is not None
    assert names(tmp_path) == ["a.json"]

    second = folder_watcher.run_once()
    assert sink.produced_ids == ["call-a"]  # in flight: not produced again
    assert names(tmp_path) == ["a.json"]
    assert second.waiting == [tmp_path / "a.json"]

    sink.release()
    third = folder_watcher.run_once()
    assert third.processed == [tmp_path / "processed" / "a.json"]
    assert sink.produced_ids == ["call-a"]


def test_a_refused_record_leaves_the_file_for_the_next_round(tmp_path: Path) -> None:
    """Kafka refusing a record never loses the file: it is sent again next round."""
    drop(tmp_path, "a.json", transcript("call-a"))
    sink = FakeSink(refuse={"call-a"})
    folder_watcher = watcher(tmp_path, sink)

    first = folder_watcher.run_once()
    assert first.waiting == [tmp_path / "a.json"]
    assert names(tmp_path) == ["a.json"]

    sink.refuse.clear()
    second = folder_watcher.run_once()
    assert sink.produced_ids == ["call-a", "call-a"]
    assert second.processed == [tmp_path / "processed" / "a.json"]


def test_kafka_unavailable_when_producing_leaves_every_file_in_place(tmp_path: Path) -> None:
    """A producer error stops the round; nothing is moved or rejected."""
    drop(tmp_path, "a.json", transcript("call-a"))
    drop(tmp_path, "b.json", transcript("call-b"))
    error = KafkaException(KafkaError(KafkaError._ALL_BROKERS_DOWN, "all brokers down"))
    report = watcher(tmp_path, FakeSink(produce_error=error)).run_once()
    assert report.unavailable is not None
    assert "all brokers down" in report.unavailable
    assert report.processed == report.rejected == []
    assert names(tmp_path) == ["a.json", "b.json"]


def test_a_record_too_large_for_kafka_is_rejected(tmp_path: Path) -> None:
    """A size refusal will not heal by retrying, so the file goes to rejected/."""
    drop(tmp_path, "big.json", transcript("call-big"))
    error = KafkaException(KafkaError(KafkaError.MSG_SIZE_TOO_LARGE, "Message size too large"))
    report = watcher(tmp_path, FakeSink(produce_error=error)).run_once()
    assert report.rejected == [tmp_path / "rejected" / "big.json"]
    reason = (tmp_path / "rejected" / "big.json.error.txt").read_text()
    assert reason.startswith("record too large for Kafka")


def test_a_name_seen_before_gets_a_suffix_in_processed(tmp_path: Path) -> None:
    """The legacy system reuses names; processed/ keeps both files."""
    (tmp_path / "processed").mkdir()
    (tmp_path / "processed" / "daily.json").write_text("yesterday's")
    drop(tmp_path, "daily.json", transcript("call-today"))
    watcher(tmp_path, FakeSink()).run_once()
    assert names(tmp_path / "processed") == ["daily.1.json", "daily.json"]
    assert (tmp_path / "processed" / "daily.json").read_text() == "yesterday's"


def test_one_round_handles_good_and_bad_files_independently(tmp_path: Path) -> None:
    """An invalid file does not hold back the valid ones around it."""
    drop(tmp_path, "1.json", transcript("call-1"))
    drop(tmp_path, "2.json", bad_timestamp())
    drop(tmp_path, "3.json", transcript("call-3"))
    sink = FakeSink()
    report = watcher(tmp_path, sink).run_once()
    assert sink.produced_ids == ["call-1", "call-3"]
    assert names(tmp_path / "processed") == ["1.json", "3.json"]
    assert names(tmp_path / "rejected") == ["2.json", "2.json.error.txt"]
    assert report.waiting == []
    assert report.unavailable is None


def test_a_vanished_folder_is_an_empty_round_not_a_crash(tmp_path: Path) -> None:
    """A share that disappears for a while gives empty rounds until it is back."""
    report = watcher(tmp_path / "gone", FakeSink()).run_once()
    assert report.processed == report.rejected == report.waiting == []
