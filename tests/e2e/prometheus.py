"""A real Prometheus (Debian's `prometheus` binary) for the monitoring end-to-end test.

It listens on 127.0.0.1 on a free port, keeps its data in the test's temp
folder, scrapes the given targets every second, evaluates callpipe's own
rules file every second, and is stopped (SIGTERM, then SIGKILL) at the end.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.e2e.harness import free_port, wait_for

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "monitoring" / "rules" / "callpipe.rules.yml"
DASHBOARD = REPO / "monitoring" / "grafana" / "dashboards" / "callpipe.json"

GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__range": "15m"}
"""What Grafana puts for its variables; the windows cover the whole test."""


class PrometheusProcess:
    """``targets``: job name -> worker label -> host:port."""

    def __init__(self, folder: Path, targets: dict[str, dict[str, str]]) -> None:
        binary = shutil.which("prometheus")
        assert binary, "prometheus not found: `apt-get install prometheus` (Debian) or .ci/run"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = folder / "prometheus.yml"
        config.write_text(yaml.safe_dump(_config(targets)))
        self._log = (folder / "prometheus.log").open("ab")
        self.process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={folder / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--log.level=warn",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._ready, "Prometheus to be ready", 60)

    def _ready(self) -> bool:
        assert self.process.poll() is None, "prometheus exited (see prometheus.log)"
        try:
            return httpx.get(f"{self.url}/-/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def query(self, expr: str) -> list[dict[str, Any]]:
        """The instant vector (or scalar) ``expr`` gives now; fails on a PromQL error."""
        response = httpx.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=10)
        body = response.json()
        assert body["status"] == "success", f"{expr}: {body.get('error')}"
        data = body["data"]
        if data["resultType"] == "scalar":
            return [{"metric": {}, "value": data["result"]}]
        result: list[dict[str, Any]] = data["result"]
        return result

    def numbers(self, expr: str) -> list[float]:
        """The values ``expr`` gives now that are numbers (NaN left out)."""
        values = [float(sample["value"][1]) for sample in self.query(expr)]
        return [value for value in values if not math.isnan(value)]

    def target_health(self) -> dict[str, str]:
        """worker label -> health of its target as Prometheus last saw it."""
        body = httpx.get(f"{self.url}/api/v1/targets", timeout=10).json()
        return {t["labels"]["worker"]: t["health"] for t in body["data"]["activeTargets"]}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def _config(targets: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {
                "job_name": job,
                "scrape_timeout": "1s",
                "static_configs": [
                    {"targets": [address], "labels": {"worker": worker}}
                    for worker, address in workers.items()
                ],
            }
            for job, workers in targets.items()
        ],
    }


def rule_expressions() -> dict[str, str]:
    """Every expression of the rules file, by its record or alert name."""
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {
        rule.get("record") or rule["alert"]: " ".join(rule["expr"].split())
        for group in groups
        for rule in group["rules"]
    }


def dashboard_expressions() -> dict[str, str]:
    """Every query of the dashboard ("panel title / refId"), Grafana variables filled in."""
    panels = json.loads(DASHBOARD.read_text())["panels"]
    found = {}
    for panel in panels:
        for target in panel.get("targets", []):
            expr = target["expr"]
            for variable, value in GRAFANA_VARIABLES.items():
                expr = expr.replace(variable, value)
            assert not re.search(r"\$\w", expr), f"unknown Grafana variable in {expr}"
            found[f"{panel['title']} / {target['refId']}"] = expr
    return found
