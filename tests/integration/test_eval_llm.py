"""`callpipe eval --extractor llm` against a local OpenAI-compatible server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callpipe.cli.main import main
from tests.e2e.fake_llm import FakeOpenAI
from tests.unit.evaluation.eval_support import COMPLETE_TRUTH, COMPLETE_TURNS, write_call


def test_eval_scores_the_llm_values_and_counts_fallbacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The LLM's values are scored; a call it cannot answer falls back to the rules."""
    corpus = tmp_path / "corpus"
    write_call(corpus, "c1", COMPLETE_TURNS, **{**COMPLETE_TRUTH, "name": "Rahul Sharma"})
    write_call(corpus, "c2", COMPLETE_TURNS, **COMPLETE_TRUTH)
    answers = {  # c2 is not in the table: an unusable answer, so the rules
        "c1": {"name-1": "Rohit Sharma", "model-1": "Tata Nexon EV", "email-1": None}
    }
    with FakeOpenAI(answers) as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        monkeypatch.setenv("LLM_CACHE_DIR", str(tmp_path / "cache"))
        monkeypatch.delenv("ANALYSIS_CONFIG_DIR", raising=False)
        report = tmp_path / "report.json"
        code = main(["eval", str(corpus), "--extractor", "llm", "--json", str(report)])
    assert code == 0
    out = capsys.readouterr().out
    assert "(llm extractor; 1 call(s) fell back to the rules)" in out.splitlines()[0]
    data = json.loads(report.read_text("utf-8"))
    assert data["extractor"] == "llm" and data["rules_fallbacks"] == 1
    assert data["values"]["wrong_values_delivered"] == 1  # c1's name from the LLM
    assert data["values"]["missed"] == 1  # c1's email: the LLM gave none
    # Routing and dropoff follow from the values: c1 is partial now.
    assert {(m["call_id"], m["field"]) for m in data["mismatches"]} == {
        ("c1", "name"),
        ("c1", "email"),
        ("c1", "routing"),
        ("c1", "dropoff"),
    }
