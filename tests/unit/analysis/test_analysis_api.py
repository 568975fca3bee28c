"""The public API of callpipe.analysis and the synthetic benchmark input."""

from __future__ import annotations

import random
from collections import Counter
from zoneinfo import ZoneInfo

import callpipe.analysis as analysis
from callpipe.analysis import AnalysisConfig, analyze
from callpipe.bench.analyze import run_analyze_bench
from callpipe.bench.synthetic import make_transcript, make_transcripts


def test_all_is_exactly_the_public_names() -> None:
    """__all__ lists every public name the package defines, and only those."""
    public = {name for name in vars(analysis) if not name.startswith("_")}
    modules = {name for name in public if type(vars(analysis)[name]).__name__ == "module"}
    assert set(analysis.__all__) == public - modules
    assert len(analysis.__all__) == len(set(analysis.__all__))


def test_synthetic_transcripts_are_deterministic_and_varied(
    config: AnalysisConfig, tz: ZoneInfo
) -> None:
    """Same seed, same data; every routing outcome, several languages, 20-40 messages."""
    first, again = make_transcripts(60, seed=7), make_transcripts(60, seed=7)
    assert first == again
    assert make_transcript(random.Random(3), 4) == make_transcript(random.Random(3), 4)
    payloads = [analyze(data, config, tz) for data in first]
    reasons = Counter(p["dealer_routing"]["reason"] for p in payloads)
    assert len(reasons) == 5
    languages = {p["language"]["conversational"] for p in payloads}
    assert len(languages) >= 5
    kept = [sum(m["role"] in ("assistant", "user") for m in data["messages"]) for data in first]
    assert min(kept) >= 20 and max(len(d["messages"]) for d in first) <= 41


def test_bench_runs_and_reports_a_rate() -> None:
    """A tiny benchmark run reports a positive transcripts-per-second figure."""
    result = run_analyze_bench(n=50, seed=1, rounds=1)
    assert result["transcripts"] == 50
    assert result["per_second"] > 0
