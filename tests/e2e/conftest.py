"""Fixtures of the end-to-end tests: a receiver process, worker processes, calls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from callpipe.connectors.kafka.producer import TranscriptProducer
from callpipe.edges import producer_config
from callpipe.settings import Settings
from tests.e2e.harness import ReceiverProcess, Workers, load_json


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[ReceiverProcess]:
    process = ReceiverProcess(tmp_path / "receiver.sqlite3", tmp_path / "receiver.log")
    yield process
    process.stop()


@pytest.fixture
def pipeline_settings(settings: Settings, receiver: ReceiverProcess) -> Settings:
    return settings.model_copy(update={"webhook_base_url": receiver.url})


@pytest.fixture
def workers(pipeline_settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    group = Workers(pipeline_settings, tmp_path)
    yield group
    group.stop_all()


class WorkersWith(Protocol):
    """Makes a worker group aimed at the `receiver`: with ``settings`` in place of
    `pipeline_settings`, and ``env`` on top of the harness's environment."""

    def __call__(self, settings: Settings | None = None, /, **env: str) -> Workers: ...


@pytest.fixture
def workers_with(pipeline_settings: Settings, tmp_path: Path) -> Iterator[WorkersWith]:
    """For a test whose workers need other settings or environment than `workers` has;
    every group it makes is stopped at the end (before the receiver)."""
    groups: list[Workers] = []

    def make(settings: Settings | None = None, /, **env: str) -> Workers:
        groups.append(Workers(settings or pipeline_settings, tmp_path, **env))
        return groups[-1]

    yield make
    for group in groups:
        group.stop_all()


@pytest.fixture
def examples(contract_examples: list[tuple[Path, Path]]) -> list[tuple[dict[str, Any], Any]]:
    return [(load_json(t), load_json(p)) for t, p in contract_examples]


def calls_from(examples: list[tuple[dict[str, Any], Any]], count: int) -> list[dict[str, Any]]:
    """`count` distinct calls made from the contract examples (new call ids)."""
    calls = []
    for index in range(count):
        transcript, _ = examples[index % len(examples)]
        calls.append({**transcript, "call_ref_id": f"bulk-{index:05d}"})
    return calls


def publish(settings: Settings, transcripts: list[dict[str, Any]]) -> None:
    producer = TranscriptProducer(producer_config(settings), source="e2e-test")
    for transcript in transcripts:
        producer.produce(transcript)
    producer.flush()
