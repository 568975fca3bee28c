"""Fixtures of the LLM unit tests: the packaged analysis config and a call builder."""

from __future__ import annotations

import pytest

from callpipe.analysis import AnalysisConfig, load_analysis_config
from callpipe.connectors.llm.validation import ValueValidator
from tests.unit.llm.llm_helpers import MakeCall, build_call


@pytest.fixture(scope="session")
def config() -> AnalysisConfig:
    return load_analysis_config()


@pytest.fixture(scope="session")
def validator(config: AnalysisConfig) -> ValueValidator:
    return ValueValidator(config)


@pytest.fixture
def make_call() -> MakeCall:
    return build_call
