"""The monitoring, end to end: Debian's real Prometheus scrapes a live pipeline.

Three worker processes, `callpipe ingest` and the reference receiver run on
the local Kafka and registry; Prometheus scrapes them every second and
evaluates monitoring/rules/callpipe.rules.yml. The scenario makes every
alert's condition true in turn (bad input, refused webhooks, a stopped
delivery stage with records waiting, then slow calls), and every expression
of the rules and of the Grafana dashboard must return data.

Last, the receiver answers 503 to everything until the delivery stage's
circuit breaker opens, so the circuit alert's expression returns data too,
and closes it again.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from callpipe.connectors.kafka.producer import TranscriptProducer
from callpipe.edges import producer_config
from callpipe.settings import Settings
from callpipe.topics import CALLS_DEAD_LETTER, WEBHOOKS_DEAD_LETTER
from tests.e2e.conftest import calls_from
from tests.e2e.harness import (
    ReceiverProcess,
    Workers,
    free_port,
    read_topic,
    settings_env,
    wait_for,
)
from tests.e2e.prometheus import PrometheusProcess, dashboard_expressions, rule_expressions

STAGES = ("extraction", "analysis", "delivery")
OWNERS = {
    "callpipe_records_in_total": {"extraction", "analysis", "delivery"},
    "callpipe_consumer_lag": {"extraction", "analysis", "delivery"},
    "callpipe_llm_requests_total": {"extraction"},
    "callpipe_calls_analyzed_total": {"analysis"},
    "callpipe_response_seconds_count": {"analysis"},
    "callpipe_webhook_deliveries_total": {"delivery"},
    "callpipe_pipeline_latency_seconds_count": {"delivery"},
    "callpipe_ingest_requests_total": {"ingest"},
}


class IngestProcess:
    def __init__(self, settings: Settings, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "callpipe", "ingest", "--port", str(self.port)],
            env=settings_env(settings),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: _status(f"{self.url}/readyz") == 200, "ingest to be ready", 60)

    def post(self, transcripts: list[dict[str, Any]]) -> None:
        for transcript in transcripts:
            response = httpx.post(f"{self.url}/v1/transcripts", json=transcript, timeout=15)
            assert response.status_code == 202, response.text

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self._log.close()


def _status(url: str) -> int:
    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return 0


@pytest.fixture
def ingest(pipeline_settings: Settings, tmp_path: Path) -> Iterator[IngestProcess]:
    process = IngestProcess(pipeline_settings, tmp_path / "ingest.log")
    yield process
    process.stop()


@pytest.fixture
def fast_workers(pipeline_settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    """Workers that read lag every second, so Prometheus sees it move within the test."""
    group = Workers(
        pipeline_settings,
        tmp_path,
        LAG_PROBE_INTERVAL_S="1",
        WEBHOOK_CIRCUIT_FAILURES="3",
        WEBHOOK_CIRCUIT_PROBE_S="1",
        WEBHOOK_RETRY_SCHEDULE="1s,1s,1s,1s,1s",
        WEBHOOK_RETRY_HOLD_S="5",
    )
    yield group
    group.stop_all()


def _check_worker_endpoints(ports: dict[str, int], topics: dict[str, str]) -> None:
    for stage, port in ports.items():
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda b=base: _status(f"{b}/readyz") == 200, f"{stage} to be ready", 90)
        checks = httpx.get(f"{base}/readyz", timeout=5).json()["checks"]
        assert checks["partitions"]["detail"].endswith(f"of {topics[stage]}"), checks
        assert checks["producer"]["ok"], checks
        assert httpx.get(f"{base}/healthz", timeout=5).json()["status"] == "alive"
        assert _status(f"{base}/anything-else") == 404


def _callpipe_status(settings: Settings) -> tuple[dict[str, list[str]], str]:
    result = subprocess.run(
        [sys.executable, "-m", "callpipe", "status"],
        env=settings_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[3:6]}
    return rows, result.stdout


def _returns_data(prometheus: PrometheusProcess, expr: str) -> bool:
    return bool(prometheus.numbers(expr))


@pytest.mark.timeout(600)
def test_every_rule_and_dashboard_query_returns_data_from_a_live_pipeline(
    pipeline_settings: Settings,
    receiver: ReceiverProcess,
    fast_workers: Workers,
    ingest: IngestProcess,
    examples: list[tuple[dict[str, Any], Any]],
    tmp_path: Path,
) -> None:
    """Bad input, refused webhooks, a stopped delivery stage with records waiting and slow
    calls make each alert's expression return data; then every rule and dashboard query
    does, each family comes only from its owner, and `callpipe status` saw the backlog."""
    ports = {stage: free_port() for stage in STAGES}
    fast_workers.start_all(ports)
    prometheus = PrometheusProcess(
        tmp_path,
        {
            "callpipe": {stage: f"127.0.0.1:{port}" for stage, port in ports.items()},
            "callpipe-ingest": {"ingest": f"127.0.0.1:{ingest.port}"},
        },
    )
    try:
        _scenario(pipeline_settings, receiver, fast_workers, ingest, examples, ports, prometheus)
    finally:
        prometheus.stop()


def _scenario(
    settings: Settings,
    receiver: ReceiverProcess,
    workers: Workers,
    ingest: IngestProcess,
    examples: list[tuple[dict[str, Any], Any]],
    ports: dict[str, int],
    prometheus: PrometheusProcess,
) -> None:
    sources = ("calls.transcript-saved", "calls.extracted", "calls.analyzed")
    _check_worker_endpoints(
        ports, {s: settings.topic(t) for s, t in zip(STAGES, sources, strict=True)}
    )
    calls = calls_from(examples, 20)
    rules = rule_expressions()

    # 1. Calls through ingest; one undecodable record; one retried and three refused webhooks.
    receiver.faults({"status": 503, "times": 1}, {"status": 400, "times": 3})
    ingest.post(calls[:12])
    producer = TranscriptProducer(producer_config(settings), source="e2e-test")
    producer.produce_raw(b"junk", b"not avro at all")
    producer.flush()
    read_topic(settings, CALLS_DEAD_LETTER, 1, 90)
    read_topic(settings, WEBHOOKS_DEAD_LETTER, 3, 90)
    wait_for(lambda: receiver.stats()["stored"] == 9, "9 calls delivered", 90)

    # 2. Delivery stops while 8 more calls arrive: they wait on calls.analyzed.
    [delivery] = [p for p in workers.running if list(map(str, p.args))[-1] == "delivery"]
    workers.stop(delivery)
    stopped_at = time.monotonic()
    ingest.post(calls[12:])
    waiting = 'callpipe:consumer_lag:sum{stage="delivery"}'
    wait_for(lambda: prometheus.numbers(waiting) == [8.0], "8 records waiting for delivery", 90)
    wait_for(lambda: _returns_data(prometheus, rules["CallpipeStageDown"]), "delivery down", 30)
    _status_shows_the_waiting_calls(settings)
    for alert in (
        "CallpipeStageDown",
        "CallpipeLagGrowing",
        "CallpipeDeadLetters",
        "CallpipeDeliveryFailureRatio",
    ):
        assert _returns_data(prometheus, rules[alert]), f"{alert}: {rules[alert]}"
    firing = 'ALERTS{alertname="CallpipeDeadLetters", alertstate="firing"}'
    wait_for(lambda: prometheus.query(firing), "Prometheus to fire CallpipeDeadLetters", 30)

    # 3. Delivery back after the waiting calls are over a second old: p99 over target.
    time.sleep(max(0.0, 2.0 - (time.monotonic() - stopped_at)))
    workers.start("delivery", name="delivery-again", metrics_port=ports["delivery"])
    wait_for(lambda: receiver.stats()["stored"] == 17, "the 8 waiting calls delivered", 90)
    wait_for(
        lambda: _returns_data(prometheus, rules["CallpipeLatencyP99High"]),
        "p99 latency over target",
        60,
    )
    # Calls that failed before the circuit opened wait on webhooks.retry: a retry worker
    # (not scraped: its webhook families would double the delivery worker's) delivers them.
    workers.start("retry")
    _the_circuit_opens_and_closes(receiver, ingest, calls_from(examples, 24)[20:], prometheus)
    _every_expression_returns_data(prometheus, rules, ports)
    _each_family_comes_from_its_owner(prometheus)


def _the_circuit_opens_and_closes(
    receiver: ReceiverProcess,
    ingest: IngestProcess,
    calls: list[dict[str, Any]],
    prometheus: PrometheusProcess,
) -> None:
    """503 to everything: the circuit opens (its alert's expression has data), calls wait;
    the receiver back: the circuit closes and the waiting calls are delivered."""
    receiver.faults({"status": 503})
    ingest.post(calls)
    rule = rule_expressions()["CallpipeWebhookCircuitOpen"]
    wait_for(lambda: _returns_data(prometheus, rule), "the circuit to open", 90)
    receiver.faults()
    wait_for(lambda: receiver.stats()["stored"] == 17 + len(calls), "the calls after it", 90)
    wait_for(lambda: not _returns_data(prometheus, rule), "the circuit to close", 60)


def _status_shows_the_waiting_calls(settings: Settings) -> None:
    status, text = _callpipe_status(settings)
    assert status["delivery"][1:4] == ["0", "(stopped)", "8"], text
    assert status["delivery"][4].endswith("s"), text  # the oldest waiting record's age
    assert status["extraction"][1:4] == ["1", "0", "-"], text
    assert "  delivery: none running" in text
    assert ", partitions 0,1,2\n" in text.split("  extraction: ")[1], text


def _every_expression_returns_data(
    prometheus: PrometheusProcess, rules: dict[str, str], ports: dict[str, int]
) -> None:
    expressions = {f"rule {name}": expr for name, expr in rules.items()}
    expressions.update({f"dashboard {name}": e for name, e in dashboard_expressions().items()})
    # The other alerts' conditions were true at their moment above; now the recording rules
    # and the dashboard (and the p99 alert) must all answer.
    live_alerts = {
        f"rule {a}"
        for a in (
            "CallpipeStageDown",
            "CallpipeLagGrowing",
            "CallpipeDeadLetters",
            "CallpipeDeliveryFailureRatio",
            "CallpipeWebhookCircuitOpen",
        )
    }
    empty = []
    for name, expr in expressions.items():
        if name in live_alerts:
            continue
        if not _returns_data(prometheus, expr):
            empty.append(f"{name}: {expr}")
    assert not empty, "queries without data:\n" + "\n".join(empty)
    print(json.dumps({"checked": len(expressions)}))


def _each_family_comes_from_its_owner(prometheus: PrometheusProcess) -> None:
    for family, owners in OWNERS.items():
        workers = {
            sample["metric"]["worker"]
            for sample in prometheus.query(f"group by (worker) ({family})")
        }
        assert workers == owners, (family, workers)
