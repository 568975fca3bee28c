"""The contract's four golden examples, reproduced exactly."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from analysis_support import EXAMPLES

from callpipe.analysis import AnalysisConfig, analyze

TRANSCRIPTS = sorted(EXAMPLES.glob("*.transcript.json"))


def test_all_four_examples_are_there() -> None:
    """The shared examples folder is found and holds the four pairs."""
    assert len(TRANSCRIPTS) == 4


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=lambda path: path.name.split(".")[0])
def test_example_payload_is_reproduced(
    transcript: Path, config: AnalysisConfig, tz: ZoneInfo
) -> None:
    """Each example transcript gives its payload, equal after JSON normalisation."""
    expected = json.loads(
        transcript.with_name(transcript.name.replace(".transcript.", ".payload.")).read_text()
    )
    payload = analyze(json.loads(transcript.read_text(encoding="utf-8")), config, tz)
    assert json.loads(json.dumps(payload)) == expected
