"""The broker goes away and comes back (a second local stack, so the shared one stays up).

A worker must neither spin nor flood its log while the broker is gone (it
used to log thousands of "Unable connect" lines a second, most of a core),
and must carry on by itself when the broker returns.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from callpipe.cli.local.stack import LocalStack
from callpipe.cli.main import main
from tests.e2e.harness import wait_for

SECOND_STACK = {
    "LOCAL_KAFKA_PORT": "19192",
    "LOCAL_KAFKA_CONTROLLER_PORT": "19193",
    "LOCAL_REGISTRY_PORT": "18181",
    "LOCAL_REGISTRY_MANAGEMENT_PORT": "19101",
    "LOCAL_REGISTRY_STORAGE": "mem",
}
OUTAGE_S = 20


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_worker_backs_off_while_the_broker_is_gone_and_resumes_when_it_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, local_stack: LocalStack
) -> None:
    """20 s without a broker: a few log lines and little CPU; then a new call is extracted."""
    home = tmp_path / "local"
    env = {
        "LOCAL_HOME": str(home),
        "LOCAL_CACHE_DIR": str(local_stack.cache),
        **SECOND_STACK,
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{SECOND_STACK['LOCAL_KAFKA_PORT']}",
        "SCHEMA_REGISTRY_URL": f"http://127.0.0.1:{SECOND_STACK['LOCAL_REGISTRY_PORT']}/apis/ccompat/v7",
        "TOPIC_PREFIX": "loss.",
        "CONSUMER_GROUP_PREFIX": "loss",
        "METRICS_PORT": "0",
        "FAUST_DATA_DIR": str(tmp_path / "faust"),
        "LOG_FORMAT": "json",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    log = tmp_path / "extraction.log"
    worker = None
    try:
        assert main(["local", "up"]) == 0
        with log.open("ab") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "callpipe", "worker", "--stage", "extraction"],
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for(lambda: "worker starting" in log.read_text(), "the worker to start", 60)
        time.sleep(8)  # joined its group and fetching
        broker_pid = int((home / "run" / "kafka.pid").read_text())
        os.kill(broker_pid, signal.SIGKILL)
        lines_before, cpu_before = len(log.read_text().splitlines()), _cpu_seconds(worker.pid)
        time.sleep(OUTAGE_S)
        lines = len(log.read_text().splitlines()) - lines_before
        cpu = _cpu_seconds(worker.pid) - cpu_before
        assert worker.poll() is None, "the worker must wait for the broker, not die"
        assert lines < 100, f"{lines} log lines in {OUTAGE_S} s without a broker"
        assert cpu < OUTAGE_S * 0.25, f"{cpu:.1f} s of CPU in {OUTAGE_S} s without a broker"

        assert main(["local", "up"]) == 0  # the broker again; the registry kept running
        example = Path(__file__).resolve().parents[2] / "examples"
        assert main(["publish", str(example / "01-complete-hindi.transcript.json")]) == 0
        wait_for(lambda: "call extracted" in log.read_text(), "the worker to resume", 120)
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(40)
            except subprocess.TimeoutExpired:
                worker.kill()
        main(["local", "down"])
