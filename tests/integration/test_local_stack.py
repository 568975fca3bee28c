"""`callpipe local`: idempotent up, honest status, and a down that leaves nothing behind.

Runs a second stack on other ports and another home folder, so the stack the
other integration tests use is not disturbed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from callpipe.cli.local.stack import LocalStack
from callpipe.cli.main import main
from callpipe.settings import load_settings

PORTS = {
    "LOCAL_KAFKA_PORT": "19092",
    "LOCAL_KAFKA_CONTROLLER_PORT": "19093",
    "LOCAL_REGISTRY_PORT": "18081",
    "LOCAL_REGISTRY_MANAGEMENT_PORT": "19001",
    "LOCAL_REGISTRY_STORAGE": "mem",
}


def _pids_with(marker: str, home: Path) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            continue
        if marker in cmdline and str(home) in cmdline:
            pids.append(int(proc.name))
    return pids


def test_up_twice_status_and_down(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    local_stack: LocalStack,
) -> None:
    """up twice runs one broker and one registry; down stops exactly those."""
    home = tmp_path / "local"
    monkeypatch.setenv("LOCAL_HOME", str(home))
    monkeypatch.setenv("LOCAL_CACHE_DIR", str(local_stack.cache))
    for name, value in PORTS.items():
        monkeypatch.setenv(name, value)
    try:
        assert main(["local", "up"]) == 0
        assert main(["local", "up"]) == 0
        out = capsys.readouterr().out
        assert "kafka: ready at 127.0.0.1:19092" in out
        assert "registry: ready at http://127.0.0.1:18081/apis/ccompat/v7" in out

        assert main(["local", "status"]) == 0
        status = capsys.readouterr().out.splitlines()
        assert [line.split()[0:2] for line in status] == [
            ["kafka", "running"],
            ["registry", "running"],
        ]
        assert len(_pids_with("kafka.Kafka", home)) == 1
        stack = LocalStack(load_settings())
        registry_pid = stack.registry.pid()
        assert registry_pid is not None
    finally:
        assert main(["local", "down"]) == 0
    assert capsys.readouterr().out.splitlines() == ["registry: stopped", "kafka: stopped"]
    assert _pids_with("kafka.Kafka", home) == []
    assert not Path(f"/proc/{registry_pid}").exists()
    assert main(["local", "status"]) == 3
    assert [line.split()[0:2] for line in capsys.readouterr().out.splitlines()] == [
        ["kafka", "stopped"],
        ["registry", "stopped"],
    ]


def test_up_refuses_a_port_taken_by_someone_else(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    local_stack: LocalStack,
) -> None:
    """A broker port held by a process `local up` did not start gives one clear line."""
    monkeypatch.setenv("LOCAL_HOME", str(tmp_path / "other"))
    monkeypatch.setenv("LOCAL_KAFKA_PORT", local_stack.bootstrap.rsplit(":", 1)[1])
    assert main(["local", "up"]) == 1
    error = capsys.readouterr().err
    assert "is already in use by a process `callpipe local` did not start" in error
    assert "LOCAL_KAFKA_PORT" in error
