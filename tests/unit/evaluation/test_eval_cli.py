"""`callpipe eval PATH`: the report on stdout, JSON on request, exit codes for CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_support import COMPLETE_TRUTH, COMPLETE_TURNS, write_call

from callpipe.cli.main import main


@pytest.fixture(autouse=True)
def _default_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The figures below assume the rule extractor and the packaged configuration."""
    for name in ("OUTPUT_TIMEZONE", "ANALYSIS_CONFIG_DIR", "EXTRACTOR"):
        monkeypatch.delenv(name, raising=False)


def test_a_right_corpus_passes_the_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """All fields right: exit 0, 100% everywhere, the summary last, with OK."""
    write_call(tmp_path, "c1", COMPLETE_TURNS, **COMPLETE_TRUTH)
    assert main(["eval", str(tmp_path), "--max-wrong", "0", "--min-accuracy", "97"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("callpipe eval: 1 calls in")
    assert "wrong values delivered: none" in lines
    assert lines[-1] == (
        "summary: 1 calls; name/model/email 100.0% right (3/3), 0 wrong values delivered, "
        "0 missed; language 100.0%, routing 100.0%, dropoff 100.0%; OK"
    )


def test_a_wrong_value_breaks_max_wrong_and_is_listed_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A value that differs from the truth: exit 1, listed with its masked reply."""
    truth = {**COMPLETE_TRUTH, "name": "Rohit Sharma"}
    write_call(tmp_path, "c1", COMPLETE_TURNS, **truth)
    assert main(["eval", str(tmp_path), "--max-wrong", "0"]) == 1
    out = capsys.readouterr().out
    assert "wrong values delivered (1):" in out
    assert "  c1  name: expected 'R*** S***', got 'R*** S***'" in out
    assert "    name-1: My name is R*** S***" in out
    assert "Rahul" not in out and "Rohit" not in out and "rahul" not in out
    assert out.splitlines()[-1].endswith("; FAIL: 1 wrong values delivered > --max-wrong 0")


def test_show_pii_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--show-pii shows values and replies; --json writes the same figures for machines."""
    corpus = tmp_path / "corpus"
    write_call(corpus, "c1", COMPLETE_TURNS, **{**COMPLETE_TRUTH, "email": ""})
    report = tmp_path / "report.json"
    assert main(["eval", str(corpus), "--show-pii", "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "  c1  email: expected '', got 'rahul.sharma@gmail.com'" in out
    assert "    email-1: rahul dot sharma at gmail dot com" in out
    data = json.loads(report.read_text("utf-8"))
    assert data["values"] == {
        "right": 2,
        "wrong_values_delivered": 1,
        "missed": 0,
        "total": 3,
        "accuracy": 0.666667,
    }
    assert data["mismatches"][0]["got"] == "rahul.sharma@gmail.com"
    assert data["passed"] is True  # no limits were given


def test_a_missed_value_counts_against_min_accuracy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Missed values are not wrong values, but they lower the accuracy."""
    turns = [*COMPLETE_TURNS[:5], ("user", "I will not tell you")]
    truth = {**COMPLETE_TRUTH, "email": "rahul.sharma@gmail.com"}
    write_call(tmp_path, "c1", turns, **truth)
    assert main(["eval", str(tmp_path), "--max-wrong", "0", "--min-accuracy", "90"]) == 1
    out = capsys.readouterr().out
    assert "values missed (1):" in out
    assert "0 wrong values delivered, 1 missed" in out.splitlines()[-1]


def _bad_json(folder: Path) -> None:
    (folder / "c1.transcript.json").write_text("{oops")


def _truth_not_an_object(folder: Path) -> None:
    (folder / "c1.truth.json").write_text("[]")


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: (d / "c1.truth.json").unlink(), "c1.truth.json: missing"),
        (_bad_json, "c1.transcript.json: not valid JSON"),
        (_truth_not_an_object, "c1.truth.json: truth: expected an object"),
        (
            lambda d: (d / "c1.transcript.json").write_text('{"call_ref_id": "c1"}'),
            "c1.transcript.json: invalid transcript: call_vendor",
        ),
        (
            lambda d: (d / "c1.truth.json").write_text(
                json.dumps({**json.loads((d / "c1.truth.json").read_text()), "call_ref_id": "c9"})
            ),
            "c1.truth.json: call_ref_id 'c9' is not the transcript's 'c1'",
        ),
    ],
)  # fmt: skip
def test_bad_input_exits_2_naming_the_file(
    damage: object, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hole or a broken file in the corpus: exit 2, one line naming it, no report."""
    write_call(tmp_path, "c1", COMPLETE_TURNS, **COMPLETE_TRUTH)
    damage(tmp_path)  # type: ignore[operator]
    assert main(["eval", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err and err.startswith("callpipe eval: ")


def test_a_missing_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No such folder is bad input too."""
    assert main(["eval", str(tmp_path / "nope")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_the_configuration_folder_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--config-dir replaces the packaged lists, as for `callpipe analyze`."""
    corpus = tmp_path / "corpus"
    write_call(corpus, "c1", COMPLETE_TURNS, **COMPLETE_TRUTH)
    config = tmp_path / "config"
    config.mkdir()
    (config / "cues.json").write_text(
        json.dumps({"name": ["naav"], "model": ["kaar"], "email": ["imel"]}), "utf-8"
    )
    assert main(["eval", str(corpus), "--config-dir", str(config), "--min-accuracy", "50"]) == 1
    assert "(never asked: no attempt window)" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["0.97", "101", "ninety"])
def test_min_accuracy_is_a_percentage(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--min-accuracy 0.97 would pass anything: it is refused (exit 2, argparse)."""
    write_call(tmp_path, "c1", COMPLETE_TURNS, **COMPLETE_TRUTH)
    with pytest.raises(SystemExit) as exited:
        main(["eval", str(tmp_path), "--min-accuracy", value])
    assert exited.value.code == 2
    assert "--min-accuracy" in capsys.readouterr().err
