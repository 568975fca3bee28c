"""Shared fixtures: the contract examples, and the real local Kafka and registry.

`callpipe local up` is idempotent, so the first integration test starts the
stack if `make local-up` did not already; every test gets its own topic
prefix and consumer-group prefix so tests never read each other's records.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from callpipe.cli.local.stack import LocalStack
from callpipe.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
CONTRACT_EXAMPLES = REPO / "examples"  # the contract's four examples, as shipped


@pytest.fixture(scope="session")
def contract_examples() -> list[tuple[Path, Path]]:
    """(transcript, payload) pairs of the contract's four examples."""
    pairs = [
        (transcript, transcript.with_name(transcript.name.replace(".transcript", ".payload")))
        for transcript in sorted(CONTRACT_EXAMPLES.glob("*.transcript.json"))
    ]
    assert len(pairs) == 4, f"expected the 4 contract examples in {CONTRACT_EXAMPLES}"
    return pairs


@pytest.fixture(scope="session")
def local_stack() -> LocalStack:
    stack = LocalStack(load_settings())
    stack.up(lambda line: print(line))
    return stack


@pytest.fixture
def settings(local_stack: LocalStack) -> Iterator[Settings]:
    run = uuid.uuid4().hex[:8]
    yield load_settings(
        topic_prefix=f"test-{run}.",
        consumer_group_prefix=f"test-{run}",
        kafka_bootstrap_servers=local_stack.bootstrap,
        schema_registry_url=local_stack.registry_url,
        topic_partitions=3,
        metrics_port=0,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.fspath) or "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
