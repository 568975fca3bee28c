"""Shared fixtures: paths to the contract examples."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONTRACT_EXAMPLES = REPO.parent / "shared" / "contract" / "examples"


@pytest.fixture(scope="session")
def contract_examples() -> list[tuple[Path, Path]]:
    """(transcript, payload) pairs of the contract's four examples."""
    pairs = [
        (transcript, transcript.with_name(transcript.name.replace(".transcript", ".payload")))
        for transcript in sorted(CONTRACT_EXAMPLES.glob("*.transcript.json"))
    ]
    assert len(pairs) == 4, f"expected the 4 contract examples in {CONTRACT_EXAMPLES}"
    return pairs
