"""The mistakes an operator meets on day one: one line on stderr, a documented exit code.

Each row of README's "Common mistakes" table is run here as a real command
(all at once: the Kafka ones wait for their timeouts), and the table itself
is checked to hold the same lines, so the README cannot drift from what the
commands print.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
NO_KAFKA = {"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}
BUSY_PORT = 19464
"""Held by the test while the commands run (an unusual port, so nothing else has it)."""
NO_REGISTRY = {"SCHEMA_REGISTRY_URL": "http://127.0.0.1:1/apis/ccompat/v7"}

# (env, arguments, exit code, the line printed on stderr)
MISTAKES: list[tuple[dict[str, str], list[str], int, str]] = [
    (
        NO_KAFKA,
        ["worker", "--stage", "extraction"],
        1,
        "callpipe worker: cannot reach Kafka at 127.0.0.1:1: Failed to get metadata: "
        "Local: Broker transport failure",
    ),
    (
        NO_KAFKA,
        ["topics", "create"],
        1,
        "callpipe topics: cannot reach Kafka at 127.0.0.1:1: Failed to get metadata: "
        "Local: Broker transport failure",
    ),
    (
        NO_KAFKA,
        ["dlq", "list"],
        1,
        "callpipe dlq: Kafka unavailable: Failed to get metadata: Local: Broker transport failure",
    ),
    (
        NO_KAFKA,
        ["topics", "reset-offsets", "--stage", "delivery", "--to", "earliest"],
        1,
        "callpipe topics: Kafka did not answer in time",
    ),
    (
        NO_KAFKA,
        ["publish", "examples/01-complete-hindi.transcript.json"],
        1,
        "callpipe publish: cannot reach Kafka at 127.0.0.1:1: Failed to get metadata: "
        "Local: Broker transport failure",
    ),
    (
        NO_REGISTRY,
        ["topics", "create"],
        1,
        "callpipe topics: schema registry unavailable: calls.transcript-saved-value: "
        "registry unreachable: [Errno 111] Connection refused",
    ),
    (
        {"WEBHOOK_TIMEOUT_MS": "abc"},
        ["worker"],
        2,
        "callpipe worker: configuration error: WEBHOOK_TIMEOUT_MS: Input should be a valid "
        "integer, unable to parse string as an integer",
    ),
    (
        {"OUTPUT_TIMEZONE": "Mars/Base"},
        ["worker", "--stage", "analysis"],
        2,
        "callpipe worker: configuration error: OUTPUT_TIMEZONE: no time zone 'Mars/Base' "
        "(an IANA name such as Asia/Kolkata)",
    ),
    (
        {"WEBHOOK_SIGNING_SECRET": "nope"},
        ["worker"],
        2,
        "callpipe worker: configuration error: WEBHOOK_SIGNING_SECRET: the secret does not "
        "start with whsec_",
    ),
    (
        {},
        ["ingest", "--host", "0.0.0.0"],
        2,
        "callpipe ingest: refusing to listen on 0.0.0.0 without INGEST_API_KEYS: set "
        "INGEST_API_KEYS to the telephony agent's bearer token(s), or listen on a loopback "
        "address (127.0.0.1, ::1, localhost)",
    ),
    (
        {},
        ["analyze", "no-such-file.json"],
        2,
        "callpipe analyze: cannot read no-such-file.json: No such file or directory",
    ),
]


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[int, str]]:
    """Every mistake run at once, from the repository folder (examples/ is there)."""
    root = Path(__file__).resolve().parents[2]
    holder = socket.socket()
    holder.bind(("127.0.0.1", BUSY_PORT))
    holder.listen()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "callpipe", *arguments],
            env={**os.environ, "LOG_LEVEL": "info", **env},
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for env, arguments, _, _ in MISTAKES
    ]
    try:
        return [
            (process.wait(120), process.stderr.read()) for process in processes if process.stderr
        ]
    finally:
        holder.close()


@pytest.mark.parametrize("index", range(len(MISTAKES)), ids=[" ".join(m[1]) for m in MISTAKES])
def test_each_mistake_prints_one_line_and_its_exit_code(
    index: int, outcomes: list[tuple[int, str]]
) -> None:
    """Exactly the line of the table, nothing else (no traceback, no librdkafka log)."""
    _, _, code, line = MISTAKES[index]
    assert outcomes[index] == (code, line + "\n")


@pytest.mark.parametrize("index", range(len(MISTAKES)), ids=[" ".join(m[1]) for m in MISTAKES])
def test_the_readme_table_shows_each_line(index: int) -> None:
    """README's "Common mistakes" table quotes the same line."""
    _, _, code, line = MISTAKES[index]
    assert f"`{line}` | {code} |" in README
