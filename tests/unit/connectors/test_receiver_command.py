"""`callpipe receiver`: arguments and the refusals that happen before serving."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import callpipe.cli.commands._startup as startup
from callpipe.cli.main import build_parser, main


@pytest.fixture(autouse=True)
def _quiet_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command configures the root logger; keep pytest's handlers in place."""
    monkeypatch.setattr(startup, "configure_logging", lambda *args, **kwargs: None)


def test_defaults() -> None:
    """Loopback, port 8080, data/receiver.sqlite3, no faults, no API key."""
    args = build_parser(only="receiver").parse_args(["receiver"])
    assert (args.host, args.port, args.db) == ("127.0.0.1", 8080, Path("data/receiver.sqlite3"))
    assert (args.faults, args.fault_plan, args.require_api_key) == (False, None, False)
    assert args.signing_secret is None  # then WEBHOOK_SIGNING_SECRET decides


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


def test_signing_secret_option_parses() -> None:
    """--signing-secret takes the whsec_ text (several space-separated in one argument)."""
    args = build_parser(only="receiver").parse_args(["receiver", "--signing-secret", "whsec_a b"])
    assert args.signing_secret == "whsec_a b"


@pytest.mark.parametrize(
    "secret", ["plain-text-secret", "whsec_dG9vc2hvcnQ=", "whsec_" + "QUFB" * 8 + " whsec_*"]
)
def test_bad_signing_secret_exits_2_without_quoting_it(
    secret: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed --signing-secret is refused in one line that does not repeat it."""
    monkeypatch.delenv("WEBHOOK_SIGNING_SECRET", raising=False)
    assert main(["receiver", "--signing-secret", secret, "--db", "unused.db"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("callpipe receiver: bad --signing-secret: ")
    assert len(err.strip().splitlines()) == 1
    assert all(part.removeprefix("whsec_") not in err for part in secret.split())


def test_port_in_use_exits_1(tmp_path: Path) -> None:
    """A port that cannot be bound ends with exit code 1 (logged), not a traceback."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["receiver", "--port", str(port), "--db", str(tmp_path / "r.db")]) == 1
