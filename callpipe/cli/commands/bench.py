"""`callpipe bench [all|analyze]`: the benchmarks of docs/performance.md.

``callpipe bench`` runs the pipeline, its open-loop latency, scaling, the
machine's limits and the polling design on the local Kafka, registry and
reference receiver, prints a table and writes ``--json PATH``.
``callpipe bench analyze`` prints the analysis engine's transcripts/s on one
core (bench/analyze.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from callpipe.cli.commands._startup import fail

PHASES = ("limits", "pipeline", "polling")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "bench",
        help="benchmarks: pipeline throughput and latency, limits, polling design",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "what",
        nargs="?",
        choices=("all", "analyze"),
        default="all",
        help="all (default): the pipeline benchmarks; analyze: the engine alone",
    )
    _add_pipeline_options(parser)
    parser.add_argument("--keep", action="store_true", help="keep the logs of a successful run")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the report here")
    parser.add_argument("--rounds", type=int, default=3, help="analyze: rounds (best counts)")
    parser.add_argument("--n", type=int, default=20_000, help="analyze: transcripts per round")
    parser.set_defaults(handler=run)


def _add_pipeline_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--calls",
        type=int,
        default=3000,
        help="calls of each backlog run (pipeline, scaling, limits, polling); default 3000",
    )
    parser.add_argument(
        "--rate",
        type=float,
        action="append",
        dest="rates",
        metavar="CALLS_PER_S",
        help="open-loop arrival rate, repeatable (default 50 and 200); the "
        "first one is also the polling design's arrival rate",
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds of each open-loop rate (default 10)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        action="append",
        metavar="N",
        help="workers per stage to measure, repeatable (default 1 and 2)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic calls")
    parser.add_argument(
        "--poll-interval",
        type=float,
        default=5.0,
        help="polling design: seconds between folder scans (default 5)",
    )
    parser.add_argument(
        "--receiver-concurrency",
        type=int,
        default=64,
        help="requests in flight when measuring the receiver (default 64)",
    )
    parser.add_argument(
        "--only",
        choices=PHASES,
        action="append",
        help="run only these phases (repeatable; default all)",
    )


def run(args: argparse.Namespace) -> int:
    if args.what == "analyze":
        return _analyze(args)
    from callpipe.bench.config import BenchConfig
    from callpipe.bench.procs import BenchError
    from callpipe.bench.runner import print_report, run_bench

    if args.calls < 1 or args.duration <= 0 or any(r <= 0 for r in args.rates or ()):
        fail("bench", "--calls, --duration and --rate must be positive")
        return 2
    if any(w < 1 for w in args.workers or ()):
        fail("bench", "--workers must be >= 1")
        return 2
    config = BenchConfig(
        calls=args.calls,
        rates=tuple(args.rates or (50.0, 200.0)),
        duration_s=args.duration,
        workers=tuple(sorted(set(args.workers or (1, 2)))),
        seed=args.seed,
        warmup=min(200, args.calls),
        poll_interval_s=args.poll_interval,
        receiver_concurrency=args.receiver_concurrency,
        keep=args.keep,
        phases=tuple(p for p in PHASES if p in (args.only or PHASES)),
    )

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        report = run_bench(config, say)
    except BenchError as exc:
        fail("bench", exc)
        return 1
    print_report(report, args.json, lambda line: print(line, flush=True))
    return 0


def _analyze(args: argparse.Namespace) -> int:
    import json

    from callpipe.bench.analyze import describe, run_analyze_bench

    result = run_analyze_bench(args.n, args.seed, args.rounds)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(describe(result))
    return 0
