"""The alert rules, checked and unit-tested by Prometheus's own promtool (Debian's
`prometheus` package; .ci/run installs it), and the monitoring files the compose file uses."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
MONITORING = REPO / "monitoring"
RULES = MONITORING / "rules" / "callpipe.rules.yml"
RULE_TESTS = MONITORING / "rules" / "callpipe.rules.test.yml"
DASHBOARD = MONITORING / "grafana" / "dashboards" / "callpipe.json"
COMPOSE = yaml.safe_load((REPO / "docker-compose.kafka.yml").read_text(encoding="utf-8"))


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    assert promtool, "promtool not found: `apt-get install prometheus` (Debian) or use .ci/run"
    return subprocess.run(
        [promtool, *args], capture_output=True, text=True, timeout=120, cwd=RULES.parent
    )


def _alerts() -> list[str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule["alert"] for group in groups for rule in group["rules"] if "alert" in rule]


def test_promtool_accepts_the_rules_and_the_compose_prometheus_config() -> None:
    """`promtool check rules` and `promtool check config` (which loads the rules too)."""
    rules = _promtool("check", "rules", str(RULES))
    assert rules.returncode == 0, rules.stdout + rules.stderr
    config = _promtool("check", "config", str(MONITORING / "prometheus.yml"))
    assert config.returncode == 0, config.stdout + config.stderr


def test_promtool_unit_tests_of_the_rules_pass() -> None:
    """`promtool test rules`: each alert fires where it should and stays silent elsewhere."""
    result = _promtool("test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_the_alerts_are_the_six_the_operators_asked_for() -> None:
    """Stage down, lag growing, dead letters, delivery failure ratio, circuit open, p99."""
    assert _alerts() == [
        "CallpipeStageDown",
        "CallpipeLagGrowing",
        "CallpipeDeadLetters",
        "CallpipeDeliveryFailureRatio",
        "CallpipeWebhookCircuitOpen",
        "CallpipeLatencyP99High",
    ]


@pytest.mark.parametrize("alert", _alerts())
def test_every_alert_has_a_firing_and_a_silent_case(alert: str) -> None:
    """The promtool tests expect the alert at some time and no alert at another."""
    cases = [
        case
        for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
        if case["alertname"] == alert
    ]
    assert any(case.get("exp_alerts") for case in cases), f"{alert} never fires"
    assert any(not case.get("exp_alerts") for case in cases), f"{alert} is never silent"


def _dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def test_the_dashboard_queries_the_provisioned_prometheus() -> None:
    """Every panel and query names the datasource uid that provisioning creates."""
    datasources = yaml.safe_load(
        (MONITORING / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )["datasources"]
    uid = datasources[0]["uid"]
    for panel in _dashboard()["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == uid, panel["title"]
        assert panel["targets"], panel["title"]
        assert all(t["datasource"]["uid"] == uid and t["expr"] for t in panel["targets"])


def test_the_dashboard_shows_the_seven_figures_of_the_spec() -> None:
    """Panels 1 to 7 of the data-quality row, each from its own metric family."""
    titles = [panel["title"] for panel in _dashboard()["panels"]]
    for number in range(1, 8):
        assert any(title.startswith(f"{number}. ") for title in titles), number
    exprs = " ".join(t["expr"] for p in _dashboard()["panels"] for t in p.get("targets", []))
    for family in (
        "callpipe_calls_analyzed_total",
        "callpipe_dropoffs_total",
        "callpipe_field_attempts_sum",
        "callpipe_languages_total",
        "callpipe_dealer_routing_total",
        "callpipe_call_duration_seconds_sum",
        "callpipe_response_seconds_sum",
    ):
        assert family in exprs, family


def test_compose_runs_prometheus_with_the_rules_and_grafana_with_the_dashboard() -> None:
    """Mounted paths exist in the repository; Grafana gets provisioning and dashboards."""
    services = COMPOSE["services"]
    mounts = services["prometheus"]["volumes"] + services["grafana"]["volumes"]
    for mount in mounts:
        source = mount.split(":")[0]
        assert (REPO / source).exists(), source
    assert "./monitoring/rules:/etc/prometheus/rules:ro" in services["prometheus"]["volumes"]
    grafana = services["grafana"]["volumes"]
    assert "./monitoring/grafana/provisioning:/etc/grafana/provisioning:ro" in grafana
    assert "./monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro" in grafana
