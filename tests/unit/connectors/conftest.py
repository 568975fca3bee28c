"""Shared fixtures of the connector tests: a valid payload."""

from __future__ import annotations

from typing import Any

import pytest

from tests.payload_support import PARTIAL_DROPOFF, example_payload


@pytest.fixture
def payload() -> dict[str, Any]:
    """A fresh copy of a valid payload (the spec's example 2)."""
    return example_payload(PARTIAL_DROPOFF)
