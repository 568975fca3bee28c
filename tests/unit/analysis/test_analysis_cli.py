"""`callpipe analyze`: payload on stdout, one-line errors and exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from analysis_support import EXAMPLES, REPO, build_call, question_and_reply

from callpipe.cli.main import main

EXAMPLE = EXAMPLES / "01-complete-hindi.transcript.json"


@pytest.fixture(autouse=True)
def _default_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The payloads below assume the default settings, whatever the shell exports."""
    monkeypatch.delenv("OUTPUT_TIMEZONE", raising=False)
    monkeypatch.delenv("ANALYSIS_CONFIG_DIR", raising=False)


def expected_payload() -> object:
    return json.loads((EXAMPLES / "01-complete-hindi.payload.json").read_text("utf-8"))


def test_prints_the_payload(capsys: pytest.CaptureFixture[str]) -> None:
    """A valid file: exit 0, the payload as indented JSON on stdout, stderr empty."""
    assert main(["analyze", str(EXAMPLE)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == expected_payload()
    assert out.startswith('{\n  "id"')
    assert err == ""


def test_reads_stdin_and_keeps_unicode(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PATH '-' reads stdin; non-ASCII text is printed as is (ensure_ascii off)."""
    # The vendor, not the call id: a call id may only hold letters, digits and . _ : -
    data = build_call([("user", "வணக்கம்", 1)], call_vendor="தமிழ்")
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(data)))
    assert main(["analyze", "-"]) == 0
    out = capsys.readouterr().out
    assert '"call_vendor": "தமிழ்"' in out
    assert json.loads(out)["language"]["conversational"] == "tamil"


@pytest.mark.parametrize(
    "content, expected",
    [
        ("not json", "callpipe analyze: invalid transcript: not JSON: "),
        ("[1, 2]", "callpipe analyze: invalid transcript: transcript: expected an object"),
        (
            json.dumps({**build_call([("user", "hi", 1)]), "messages": [
                {"role": "user", "text": "a", "timestamp": "2025-10-02T10:00:00Z"},
                {"role": "user", "text": "b", "timestamp": "soon"}]}),
            "callpipe analyze: invalid transcript: messages[1].timestamp: "
            "not an ISO 8601 timestamp: 'soon'",
        ),
    ],
)  # fmt: skip
def test_invalid_input_exits_2_with_one_line(
    content: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad JSON or a contract violation: exit 2, one stderr line naming the problem."""
    path = tmp_path / "t.json"
    path.write_text(content, "utf-8")
    assert main(["analyze", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(expected)
    assert err.count("\n") == 1


def test_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file: exit 2 and 'cannot read'."""
    assert main(["analyze", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("callpipe analyze: cannot read ") and err.count("\n") == 1


def test_explain_goes_to_stderr_masked(capsys: pytest.CaptureFixture[str]) -> None:
    """--explain: questions, scores, routing and dropoff on stderr, personal data masked."""
    assert main(["analyze", "--explain", str(EXAMPLE)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == expected_payload()
    assert "message 2 at 2025-10-02 14:25:10 asks name (cue 'name') -> name-1" in err
    assert "R*** S***" in err and "r***@g***.com" in err
    assert "Rahul" not in err and "rahul" not in err
    assert "language: hindi by rule highest_score; scores: hindi=" in err
    assert "routing: rule 2 (all_data_collected)" in err
    assert "dropoff: overall complete, rule complete" in err


def test_config_dir_option_and_bad_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--config-dir overrides files; a bad time zone or folder is a config error (exit 1)."""
    (tmp_path / "cues.json").write_text('{"name": ["x"], "model": ["y"], "email": ["z"]}')
    assert main(["analyze", "--config-dir", str(tmp_path), str(EXAMPLE)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [r["attempts"] for r in payload["response_data"]] == [0, 0, 0]
    assert main(["analyze", "--config-dir", str(tmp_path / "nope"), str(EXAMPLE)]) == 1
    assert "configuration error" in capsys.readouterr().err
    monkeypatch.setenv("OUTPUT_TIMEZONE", "Mars/Olympus")
    assert main(["analyze", str(EXAMPLE)]) == 1
    assert capsys.readouterr().err.startswith("callpipe analyze: configuration error")


def test_output_timezone_setting_changes_times(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """OUTPUT_TIMEZONE=UTC writes every time in UTC."""
    monkeypatch.setenv("OUTPUT_TIMEZONE", "UTC")
    assert main(["analyze", str(EXAMPLE)]) == 0
    assert json.loads(capsys.readouterr().out)["start_time"] == "2025-10-02 08:55:00"


def test_console_script_in_a_subprocess(tmp_path: Path) -> None:
    """The installed `callpipe` script gives exit 0 / 2 and one stderr line."""
    script = Path(sys.executable).parent / "callpipe"
    if not script.exists():  # make the console script exist, as the brief says
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", str(REPO)],
            check=True,
        )
    env = {
        k: v for k, v in os.environ.items() if k not in {"OUTPUT_TIMEZONE", "ANALYSIS_CONFIG_DIR"}
    }
    done = subprocess.run(
        [str(script), "analyze", str(EXAMPLE)], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected_payload()
    bad = tmp_path / "bad.json"
    bad.write_text('{"call_ref_id": ""}')
    done = subprocess.run(
        [str(script), "analyze", str(bad)], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 2
    assert done.stderr == "callpipe analyze: invalid transcript: call_ref_id: must not be empty\n"


def test_explain_names_the_reply_and_the_rule_of_each_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--explain says per field which reply and which rule gave the value, or why none."""
    data = build_call(
        [
            ("assistant", "Welcome to Honda Cars.", 1),
            *question_and_reply(3, "May I know your name?", "Deepak... sorry, no, Dinesh Rao"),
            *question_and_reply(9, "Which model are you looking for?", "I want the Tigo"),
            *question_and_reply(14, "What is your email id?", "dinesh at the rate gmail"),
        ]
    )
    path = tmp_path / "call.json"
    path.write_text(json.dumps(data), "utf-8")
    assert main(["analyze", "--explain", str(path)]) == 0
    err = capsys.readouterr().err
    assert (
        "  message 0 mentions model (cue 'cars') only in sentences that ask nothing "
        "(no '?', no request word): no attempt"
    ) in err
    assert "  name: verified, 1 attempt(s), D*** R*** from name-1 (the last attempt" in err
    assert (
        "    name-1 (reply to message 1): D*** R*** by correction: the final version counts" in err
    )
    assert (
        "    model-1 (reply to message 3): none: slip equally close to several entries "
        "(Tata Tiago, Tata Tigor)"
    ) in err
    assert "    email-1 (reply to message 5): none: no valid address" in err
    assert "Dinesh" not in err and "dinesh" not in err and "Deepak" not in err
