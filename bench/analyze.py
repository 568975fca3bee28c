"""How many transcripts per second the analysis engine handles on one core.

Timed per transcript: parsing (dict -> Transcript), extraction with the rule
extractor, the decisions, the payload dict and its JSON encoding. The
synthetic input (callpipe.bench.synthetic) is made before the clock starts and then
frozen out of the garbage collector's sight (`gc.freeze`): a worker holds
one call at a time, not a heap of thousands of input dicts.

The machine is shared and its speed wanders, so the run is repeated
(``--rounds``) and the best round is the headline figure (as `timeit`
does); the median round is reported beside it.

    python -m callpipe.bench.analyze [--n 20000] [--seed 1] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
from collections.abc import Sequence
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

from callpipe.analysis import analyze, load_analysis_config
from callpipe.analysis.build import engine_build
from callpipe.bench.synthetic import make_transcripts

WARM_UP = 200


def run_analyze_bench(n: int = 20_000, seed: int = 1, rounds: int = 3) -> dict[str, Any]:
    """Runs the benchmark and returns its figures (``per_second`` is the headline)."""
    transcripts = make_transcripts(n, seed)
    config = load_analysis_config()
    tz = ZoneInfo("Asia/Kolkata")
    for data in transcripts[:WARM_UP]:
        json.dumps(analyze(data, config, tz), ensure_ascii=False)
    gc.collect()
    gc.freeze()
    try:
        seconds = [_one_round(transcripts, config, tz) for _ in range(max(1, rounds))]
    finally:
        gc.unfreeze()
    best = min(seconds)
    return {
        "benchmark": "analyze",
        "transcripts": n,
        "seed": seed,
        "rounds": len(seconds),
        "messages": sum(len(data["messages"]) for data in transcripts),
        "seconds_best": round(best, 4),
        "per_second": round(n / best),
        "per_second_median": round(n / statistics.median(seconds)),
        "python": platform.python_version(),
        "engine": engine_build(),
    }


def describe(result: dict[str, Any]) -> str:
    """The one-line summary of a run, as both commands print it."""
    return (
        f"analyze: {result['per_second']} transcripts/s on one core, {result['engine']} engine "
        f"(best of {result['rounds']} rounds of {result['transcripts']} transcripts, "
        f"{result['messages']} messages; median round {result['per_second_median']}/s)"
    )


def _one_round(transcripts: list[dict[str, Any]], config: Any, tz: ZoneInfo) -> float:
    started = perf_counter()
    for data in transcripts:
        json.dumps(analyze(data, config, tz), ensure_ascii=False)
    return perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m callpipe.bench.analyze", description=__doc__)
    parser.add_argument("--n", type=int, default=20_000, help="transcripts to analyse")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic input")
    parser.add_argument("--rounds", type=int, default=3, help="repetitions; the best counts")
    parser.add_argument("--json", action="store_true", help="print all figures as JSON")
    args = parser.parse_args(argv)
    result = run_analyze_bench(args.n, args.seed, args.rounds)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(describe(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
