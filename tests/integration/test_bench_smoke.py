"""A tiny `callpipe bench` run on the real Kafka, registry and receiver: every figure of the
report is there and sane. No performance target is asserted here (docs/performance.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from callpipe.bench.config import BenchConfig
from callpipe.bench.report import render_table
from callpipe.bench.runner import run_bench
from callpipe.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


def _latency(node: dict[str, Any]) -> None:
    lat = node["latency_ms"]
    assert 0 < lat["p50"] <= lat["p95"] <= lat["p99"] <= lat["max"], lat


def test_tiny_bench_reports_every_figure(settings: Settings, tmp_path: Path) -> None:
    """200 calls through every phase: the report has all keys with plausible values."""
    config = BenchConfig(
        calls=200,
        rates=(40.0,),
        duration_s=2.0,
        workers=(1,),
        warmup=40,
        poll_interval_s=1.0,
        limit_rounds=1,
    )
    lines: list[str] = []
    report = run_bench(config, lines.append, base=settings)

    machine = report["machine"]
    assert machine["cores"] >= 1 and machine["python"] and machine["kafka"]
    assert "commit" in machine["git"]

    pipeline = report["pipeline"]
    assert pipeline["completed"] == pipeline["calls"] == 200
    assert pipeline["calls_per_s"] > 0
    _latency(pipeline)
    assert pipeline["cpu_ms_per_call"]["total"] > 0

    opened = report["open_loop"]["40"]
    assert opened["completed"] == opened["calls"] == 80
    _latency(opened)
    for node in (pipeline, opened):
        assert set(node["hops_ms"]) == {"extraction", "analysis", "delivery"}
        assert all(hop is not None and hop["p50"] >= 0 for hop in node["hops_ms"].values())

    assert report["scaling"]["1"]["calls_per_s"] == pipeline["calls_per_s"]
    assert report["limits"]["kafka_calls_per_s"] > 0
    assert report["limits"]["receiver_posts_per_s"] > 0
    assert report["limits"]["receiver"]["ok"] == 200
    floor = report["limits"]["stage_floor"]
    assert floor["records"] == 200 and floor["records_per_s"] > 0
    assert floor["worker_us_per_record"] > 0

    polling = report["polling"]
    assert polling["calls_per_s"] > 0 and polling["backlog"]["completed"] == 200
    assert polling["arrivals"]["completed"] == 80
    _latency(polling)
    assert polling["latency_ms"]["p99"] <= 1000 * (config.poll_interval_s + 5)

    assert set(report["targets"]) >= {
        "pipeline_calls_per_s",
        "open_loop_200_p99_ms",
        "polling_p50_over_pipeline_p50",
    }
    json.dumps(report)  # the report is plain JSON
    assert "pipeline, backlog of 200 calls" in render_table(report)
