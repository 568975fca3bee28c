"""`callpipe receiver`: arguments and the refusals that happen before serving."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import callpipe.commands.receiver as command
from callpipe.cli import build_parser, main


@pytest.fixture(autouse=True)
def _quiet_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command configures the root logger; keep pytest's handlers in place."""
    monkeypatch.setattr(command, "configure_logging", lambda *args, **kwargs: None)


def test_defaults() -> None:
    """Loopback, port 8080, data/receiver.sqlite3, no faults, no API key."""
    args = build_parser(only="receiver").parse_args(["receiver"])
    assert (args.host, args.port, args.db) == ("127.0.0.1", 8080, Path("data/receiver.sqlite3"))
    assert (args.faults, args.fault_plan, args.require_api_key) == (False, None, False)


def test_all_options() -> None:
    """Every option parses."""
    argv = ["receiver", "--host", "0.0.0.0", "--port", "0", "--db", "x.db", "--faults"]
    args = build_parser(only="receiver").parse_args([*argv, "--require-api-key"])
    assert (args.host, args.port, args.db, args.faults) == ("0.0.0.0", 0, Path("x.db"), True)
    assert args.require_api_key is True


@pytest.mark.parametrize("plan", ["{not json", '{"steps": [{"status": 200}]}', '{"steps": "x"}'])
def test_bad_fault_plan_exits_2(plan: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed --fault-plan is refused before anything starts."""
    assert main(["receiver", "--fault-plan", plan, "--db", "unused.db"]) == 2
    assert "bad --fault-plan" in capsys.readouterr().err


def test_require_api_key_without_a_key_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--require-api-key needs SINGLEINTERFACE_API_KEY."""
    monkeypatch.delenv("SINGLEINTERFACE_API_KEY", raising=False)
    assert main(["receiver", "--require-api-key", "--db", "unused.db"]) == 2
    assert "SINGLEINTERFACE_API_KEY" in capsys.readouterr().err


def test_port_in_use_exits_1(tmp_path: Path) -> None:
    """A port that cannot be bound ends with exit code 1 (logged), not a traceback."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["receiver", "--port", str(port), "--db", str(tmp_path / "r.db")]) == 1
