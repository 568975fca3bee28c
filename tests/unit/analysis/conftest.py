"""Fixtures for the analysis engine's tests: the packaged config and a call builder.

Helpers live in ``analysis_support.py`` (a unique module name) rather than
here, because ``import conftest`` is ambiguous in a tree of several conftests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from analysis_support import build_call

from callpipe.analysis import AnalysisConfig, analyze, load_analysis_config

CallBuilder = Callable[..., dict[str, Any]]
Analyzer = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.fixture(scope="session")
def config() -> AnalysisConfig:
    return load_analysis_config()


@pytest.fixture(scope="session")
def tz() -> ZoneInfo:
    return ZoneInfo("Asia/Kolkata")


@pytest.fixture
def call() -> CallBuilder:
    """Builds a transcript dict from ``(role, text, t[, end_t])`` turns (seconds)."""
    return build_call


@pytest.fixture
def payload_of(config: AnalysisConfig, tz: ZoneInfo) -> Analyzer:
    """The payload of a transcript dict, analysed with the packaged config."""

    def run(data: dict[str, Any]) -> dict[str, Any]:
        return analyze(data, config, tz)

    return run
