"""Fixtures of every integration test."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    # A command run in-process (callpipe.cli.main.main) points the root logger at
    # the captured stderr of the moment; put it back for the next test.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
