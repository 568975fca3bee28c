"""Child processes of a benchmark: the reference receiver and stage workers.

Every child is a real `python -m callpipe ...` process with its own log file;
the benchmark stops exactly the processes it started (SIGTERM, then SIGKILL
after a grace period), never anything found by name.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx

from callpipe.settings import Settings

T = TypeVar("T")


class BenchError(RuntimeError):
    """A benchmark could not run (a child died, a phase timed out)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    check: Callable[[], T],
    what: str,
    timeout_s: float,
    interval_s: float = 0.1,
    error: type[Exception] = BenchError,
) -> T:
    """Polls ``check`` until it returns something true; raises ``error`` at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise error(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(interval_s)


def child_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that makes a child process use ``settings``."""
    env = {
        **os.environ,
        "TOPIC_PREFIX": settings.topic_prefix,
        "CONSUMER_GROUP_PREFIX": settings.consumer_group_prefix,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "SCHEMA_REGISTRY_URL": settings.schema_registry_url,
        "TOPIC_PARTITIONS": str(settings.topic_partitions),
        "WEBHOOK_BASE_URL": settings.webhook_base_url,
        "METRICS_PORT": "0",
    }
    env.update(extra)
    return env


class Child:
    """One child process with its log file."""

    def __init__(self, name: str, argv: list[str], env: Mapping[str, str], log: Path) -> None:
        self.name = name
        self.log_path = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                argv, env=dict(env), stdout=out, stderr=subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def check(self) -> None:
        """Raises BenchError if the process has died."""
        if not self.alive():
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise BenchError(f"{self.name} exited with {self.process.returncode}:\n{tail}")

    def stop(self, grace_s: float = 20.0) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class ReceiverProcess(Child):
    """`callpipe receiver` on a free port (or ``port``), storing into ``db``."""

    def __init__(
        self, db: Path, log: Path, port: int | None = None, extra_args: Sequence[str] = ()
    ) -> None:
        self.port = port or free_port()
        self.db = db
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.api = f"{self.base_url}/api/webhooks/singleinterface"
        argv = [sys.executable, "-m", "callpipe", "receiver", "--port", str(self.port)]
        super().__init__(
            "receiver",
            [*argv, "--db", str(db), *extra_args],
            {**os.environ, "LOG_FORMAT": "json"},
            log,
        )
        wait_for(self._healthy, "the receiver to answer", 30)

    def _healthy(self) -> bool:
        self.check()
        try:
            return httpx.get(self.api, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def received(self, prefix: str) -> dict[str, float]:
        """call_ref_id -> epoch seconds of receipt, for the calls whose id starts with prefix."""
        return received_at(self.db, prefix)


def received_at(db: Path, prefix: str) -> dict[str, float]:
    """call_ref_id -> first ``received_at`` (epoch s) in a receiver database."""
    if not db.exists():
        return {}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5.0)
    try:
        rows = conn.execute(
            "SELECT call_ref_id, MIN(received_at) FROM payloads"
            " WHERE call_ref_id >= ? AND call_ref_id < ? GROUP BY call_ref_id",
            (prefix, prefix + "\U0010ffff"),
        ).fetchall()
    except sqlite3.OperationalError:  # table not created yet
        return {}
    finally:
        conn.close()
    return {ref: datetime.fromisoformat(at).timestamp() for ref, at in rows}


def count_received(db: Path, prefix: str) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5.0)
    try:
        (count,) = conn.execute(
            "SELECT COUNT(DISTINCT call_ref_id) FROM payloads"
            " WHERE call_ref_id >= ? AND call_ref_id < ?",
            (prefix, prefix + "\U0010ffff"),
        ).fetchone()
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()
    return int(count)


def start_worker(settings: Settings, stage: str, index: int, workdir: Path, **env: str) -> Child:
    """`python -m callpipe worker --stage <stage>` with its own Faust data dir and log."""
    name = f"{stage}-{index}"
    data = workdir / "faust" / name
    data.mkdir(parents=True, exist_ok=True)
    return Child(
        name,
        [sys.executable, "-m", "callpipe", "worker", "--stage", stage],
        child_env(settings, FAUST_DATA_DIR=str(data), **env),
        workdir / f"{name}.log",
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process used so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot (Linux /proc/stat)."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return 0.0, 0.0
    ticks = [int(v) for v in first[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hz, sum(ticks) / hz


def read_event(process: subprocess.Popen[str], event: str, timeout_s: float) -> dict[str, Any]:
    """Reads the child's JSON stdout lines until one has ``"event": event``."""
    stream: IO[str] | None = process.stdout
    if stream is None:
        raise BenchError("the child has no stdout pipe")
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                continue
            line = stream.readline()
            if not line:
                raise BenchError(f"{process.args!r} exited with {process.wait()} before '{event}'")
            try:
                message: dict[str, Any] = json.loads(line)
            except json.JSONDecodeError:
                continue
            if message.get("event") == event:
                return message
    finally:
        selector.close()
    raise BenchError(f"no '{event}' from {process.args!r} after {timeout_s:.0f}s")
