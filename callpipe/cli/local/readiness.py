"""Waiting until a started service really answers, not merely listens."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from callpipe.cli.local.errors import StartupError


def wait_until(
    check: Callable[[], bool],
    what: str,
    timeout_s: float,
    alive: Callable[[], bool],
    log_file: Path,
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not alive():
            raise StartupError(f"{what} exited during start-up; see {log_file}")
        if check():
            return
        time.sleep(0.5)
    raise StartupError(f"{what} not ready after {timeout_s:.0f}s; see {log_file}")


def port_in_use(port: int) -> bool:
    """True when something already listens on 127.0.0.1:`port`."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def broker_answers(bootstrap: str) -> bool:
    """True when the broker answers a metadata request."""
    from confluent_kafka.admin import AdminClient

    # log_level 0: the broker is expected to refuse connections while it starts
    admin = AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 2000, "log_level": 0})
    try:
        metadata = admin.list_topics(timeout=2)
    except Exception:  # KafkaException while the broker is still starting
        return False
    return bool(metadata.brokers)


def registry_answers(url: str) -> bool:
    """True when the Confluent-compatible API lists subjects."""
    try:
        response = httpx.get(f"{url.rstrip('/')}/subjects", timeout=2)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def log_says(log_file: Path, offset: int, needle: str) -> bool:
    """True when `needle` appears in the log after byte `offset` (this run's part)."""
    try:
        with log_file.open("rb") as f:
            f.seek(offset)
            return needle.encode() in f.read()
    except FileNotFoundError:
        return False
