"""`callpipe bench`: every figure of docs/performance.md in one run.

Order: the two limits (nothing else running), then the pipeline with one
worker per stage (a backlog, then the open-loop rates), then more workers
per stage (scaling), then the polling design with the workers stopped.
Each phase has its own call_ref_ids, the run its own topic prefix and
consumer groups; topics and registry subjects are deleted at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from callpipe.analysis import analyze, load_analysis_config
from callpipe.bench.config import BenchConfig, Say
from callpipe.bench.hops import hop_latencies
from callpipe.bench.kafka_limit import delete_topics, run_kafka_limit
from callpipe.bench.machine import machine_facts
from callpipe.bench.pipeline import Pipeline
from callpipe.bench.polling_phase import run_polling_phase
from callpipe.bench.procs import (
    BenchError,
    ReceiverProcess,
    cpu_seconds,
    machine_cpu_seconds,
)
from callpipe.bench.report import evaluate_targets, rate_key, render_table
from callpipe.bench.stage_floor import run_stage_floor
from callpipe.bench.stats import require_complete
from callpipe.bench.workload import make_calls, phase_prefix
from callpipe.connectors.webhook.idempotency import idempotency_key
from callpipe.settings import Settings, load_settings
from callpipe.topics import TOPICS


class CpuMeter:
    """CPU time of named processes and of the whole machine over one phase."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self._start = {name: cpu_seconds(pid) for name, pid in pids.items()}
        self._machine = machine_cpu_seconds()
        self._wall = time.monotonic()

    def per_call_ms(self, calls: int) -> dict[str, Any]:
        used = {name: cpu_seconds(pid) - self._start[name] for name, pid in self.pids.items()}
        busy, total = machine_cpu_seconds()
        busy0, total0 = self._machine
        result: dict[str, Any] = {name: round(s * 1000 / calls, 3) for name, s in used.items()}
        result["total"] = round(sum(used.values()) * 1000 / calls, 3)
        result["machine_busy_pct"] = (
            round(100 * (busy - busy0) / (total - total0), 1) if total > total0 else None
        )
        result["other_ms_per_call"] = round(
            max(0.0, (busy - busy0) - sum(used.values())) * 1000 / calls, 3
        )
        return result


def run_bench(config: BenchConfig, say: Say, base: Settings | None = None) -> dict[str, Any]:
    """Runs the phases of ``config`` and returns the report."""
    started = time.monotonic()
    run_id = uuid.uuid4().hex[:8]
    defaults = base or load_settings()
    workdir = defaults.local_home / "bench" / run_id
    workdir.mkdir(parents=True, exist_ok=True)
    report = _new_report(config, run_id)
    say(f"bench {run_id}: logs in {workdir}")
    receiver = ReceiverProcess(workdir / "receiver.sqlite3", workdir / "receiver.log")
    settings = defaults.model_copy(
        update={
            "topic_prefix": f"bench-{run_id}.",
            "consumer_group_prefix": f"bench-{run_id}",
            "webhook_base_url": receiver.base_url,
            "metrics_port": 0,
        }
    )
    report["machine"] = machine_facts(settings)
    tz = ZoneInfo(settings.output_timezone)
    pipeline: Pipeline | None = None
    failed = True
    try:
        if "limits" in config.phases or "pipeline" in config.phases:
            pipeline = Pipeline(settings, workdir, receiver)
        if "limits" in config.phases:
            assert pipeline is not None
            run = _Run(config, settings, pipeline, receiver, run_id, tz)
            report["limits"] = _limits(run, workdir, say)
        if "pipeline" in config.phases:
            assert pipeline is not None
            _pipeline_phases(_Run(config, settings, pipeline, receiver, run_id, tz), report, say)
            pipeline.stop()
        if "polling" in config.phases:
            report["polling"] = run_polling_phase(
                config, settings, receiver, run_id, workdir, tz, say
            )
        failed = False
    finally:
        if pipeline is not None:
            pipeline.stop()
        receiver.stop()
        _cleanup(settings)
        if not (config.keep or failed):
            shutil.rmtree(workdir, ignore_errors=True)
        elif failed:
            say(f"bench failed; logs kept in {workdir}")
    report["targets"] = evaluate_targets(report)
    report["duration_s"] = round(time.monotonic() - started, 1)
    return report


def _new_report(config: BenchConfig, run_id: str) -> dict[str, Any]:
    return {
        "benchmark": "callpipe",
        "run_id": run_id,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": {
            **asdict(config),
            "rates": list(config.rates),
            "workers": list(config.workers),
            "phases": list(config.phases),
        },
    }


@dataclass(frozen=True)
class _Run:
    """What the phases of one run share."""

    config: BenchConfig
    settings: Settings
    pipeline: Pipeline
    receiver: ReceiverProcess
    run_id: str
    tz: ZoneInfo

    def unpacked(self) -> tuple[BenchConfig, Settings, Pipeline, ReceiverProcess, str, ZoneInfo]:
        return self.config, self.settings, self.pipeline, self.receiver, self.run_id, self.tz


def _limits(run: _Run, workdir: Path, say: Say) -> dict[str, Any]:
    config, settings, pipeline, receiver, run_id, tz = run.unpacked()
    calls = make_calls(
        config.calls, config.seed, phase_prefix(run_id, "kafka"), tz, pipeline.encode
    )
    say(f"limit: {len(calls)} records through 3 topics with plain confluent-kafka ...")
    kafka = run_kafka_limit(
        settings, [(c.key, c.value) for c in calls], run_id, workdir, rounds=config.limit_rounds
    )
    say(
        f"  {kafka['calls_per_s']:,.0f} records/s (best of {config.limit_rounds}, "
        f"median {kafka['calls_per_s_median']:,.0f})"
    )
    say(
        f"limit: {config.calls} POSTs to the receiver from aiohttp "
        f"(concurrency {config.receiver_concurrency}) ..."
    )
    posted = _receiver_limit(config, receiver, run_id, tz)
    say(
        f"  {posted['posts_per_s']:,.0f} POSTs/s (best of {config.limit_rounds}, "
        f"median {posted['posts_per_s_median']:,.0f})"
    )
    say(f"limit: {config.calls} records through one Faust stage that does nothing ...")
    floor = run_stage_floor(settings, config.calls, settings.event_loop, workdir)
    say(
        f"  {floor['records_per_s']:,.0f} records/s, {floor['worker_us_per_record']} us of "
        f"worker CPU and {floor['broker_us_per_record']} us of broker CPU per record"
    )
    return {
        "kafka_calls_per_s": kafka["calls_per_s"],
        "receiver_posts_per_s": posted["posts_per_s"],
        "kafka": kafka,
        "receiver": posted,
        "stage_floor": floor,
    }


def _receiver_limit(
    config: BenchConfig, receiver: ReceiverProcess, run_id: str, tz: ZoneInfo
) -> dict[str, Any]:
    analysis = load_analysis_config()

    def bodies(prefix: str, n: int) -> list[tuple[str, str]]:
        out = []
        for call in make_calls(n, config.seed, prefix, tz):
            payload = analyze(call.data, analysis, tz)
            out.append(
                (
                    idempotency_key(payload),
                    json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                )
            )
        return out

    job = {
        "url": receiver.api,
        "concurrency": config.receiver_concurrency,
        "rounds": config.limit_rounds,
        "warmup": bodies(phase_prefix(run_id, "rwarm"), min(200, config.calls)),
        "bodies": bodies(phase_prefix(run_id, "recv"), config.calls),
    }
    done = subprocess.run(
        [sys.executable, "-m", "callpipe.bench.receiver_limit"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"receiver limit failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _pipeline_phases(run: _Run, report: dict[str, Any], say: Say) -> None:
    config, settings, pipeline, receiver, run_id, tz = run.unpacked()
    scaling: dict[str, Any] = {}
    report["scaling"] = scaling
    for index, per_stage in enumerate(sorted(set(config.workers) | {1})):
        say(f"pipeline: starting workers, {per_stage} per stage ...")
        pipeline.scale_to(per_stage)
        warm = phase_prefix(run_id, f"warm{per_stage}")
        pipeline.closed_loop(
            make_calls(config.warmup, config.seed + 100 + index, warm, tz, pipeline.encode), warm
        )
        prefix = phase_prefix(run_id, f"backlog{per_stage}")
        calls = make_calls(config.calls, config.seed, prefix, tz, pipeline.encode)
        say(f"pipeline: backlog of {len(calls)} calls, {per_stage} worker(s) per stage ...")
        meter = CpuMeter(_pids(pipeline, receiver, settings))
        timings = pipeline.closed_loop(calls, prefix)
        result = {
            **timings.summary(),
            "workers_per_stage": per_stage,
            "cpu_ms_per_call": meter.per_call_ms(len(calls)),
        }
        require_complete(timings, "pipeline backlog")
        say(
            f"  {result['calls_per_s']:,.0f} calls/s, "
            f"p50 {result['latency_ms']['p50']:,.0f} ms (queueing in the backlog)"
        )
        scaling[str(per_stage)] = result
        if per_stage == 1:
            report["pipeline"] = result
            report["open_loop"] = _open_loops(config, pipeline, run_id, tz, say)
    report["scaling"] = {
        k: scaling[k] for k in sorted(scaling, key=int) if int(k) in config.workers
    }
    _add_hops(settings, receiver, run_id, report, say)


def _add_hops(
    settings: Settings, receiver: ReceiverProcess, run_id: str, report: dict[str, Any], say: Say
) -> None:
    """Per-stage latency of the 1-worker backlog and of each open-loop rate."""
    say("pipeline: reading per-stage timestamps ...")
    phases = {phase_prefix(run_id, "backlog1"): report["pipeline"]}
    phases.update(
        {
            phase_prefix(run_id, f"open{key}"): node
            for key, node in report.get("open_loop", {}).items()
        }
    )
    hops = hop_latencies(settings, {prefix: receiver.received(prefix) for prefix in phases})
    for prefix, node in phases.items():
        node["hops_ms"] = hops.get(prefix)


def _open_loops(
    config: BenchConfig, pipeline: Pipeline, run_id: str, tz: ZoneInfo, say: Say
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for index, rate in enumerate(config.rates):
        prefix = phase_prefix(run_id, f"open{rate_key(rate)}")
        count = max(1, round(rate * config.duration_s))
        calls = make_calls(count, config.seed + 10 + index, prefix, tz, pipeline.encode)
        say(f"pipeline: open loop, {rate_key(rate)} calls/s for {config.duration_s:g} s ...")
        timings = pipeline.open_loop(calls, rate, prefix)
        require_complete(timings, f"open loop {rate_key(rate)}")
        result = {"rate": rate, "duration_s": config.duration_s, **timings.summary()}
        lat = result["latency_ms"]
        say(f"  p50 {lat['p50']:,.1f} ms, p99 {lat['p99']:,.1f} ms, max {lat['max']:,.1f} ms")
        results[rate_key(rate)] = result
    return results


def _pids(pipeline: Pipeline, receiver: ReceiverProcess, settings: Settings) -> dict[str, int]:
    pids = {"bench": os.getpid(), "receiver": receiver.pid}
    for stage, children in pipeline.workers.items():
        for index, child in enumerate(children):
            pids[stage if len(children) == 1 else f"{stage}-{index}"] = child.pid
    for name in ("kafka", "registry"):
        path = settings.local_home / "run" / f"{name}.pid"
        with contextlib.suppress(OSError, ValueError):
            pids[name] = int(path.read_text().strip())
    return pids


def _cleanup(settings: Settings) -> None:
    """Deletes the run's topics and registry subjects (best effort)."""
    with contextlib.suppress(Exception):
        delete_topics(settings, [settings.topic(name) for name in TOPICS])
    with contextlib.suppress(Exception):
        from confluent_kafka.schema_registry import SchemaRegistryClient

        client = SchemaRegistryClient({"url": settings.schema_registry_url})
        for name in TOPICS:
            subject = f"{settings.topic(name)}-value"
            with contextlib.suppress(Exception):
                client.delete_subject(subject)
                client.delete_subject(subject, permanent=True)


def print_report(report: dict[str, Any], json_path: Path | None, say: Say) -> None:
    say("")
    say(render_table(report))
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        say(f"\nreport written to {json_path}")
