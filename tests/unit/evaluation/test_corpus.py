"""The labelled corpus (tests/corpus, written blind): the engine must deliver no
wrong value and read at least 97% of the name, model and email fields right."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "tests" / "corpus"


def test_callpipe_eval_on_the_corpus_delivers_no_wrong_value(tmp_path: Path) -> None:
    """`callpipe eval tests/corpus --max-wrong 0 --min-accuracy 97` passes (exit 0)."""
    report = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if k not in ("ANALYSIS_CONFIG_DIR", "EXTRACTOR")}
    finished = subprocess.run(
        [sys.executable, "-m", "callpipe", "eval", str(CORPUS), "--max-wrong", "0",
         "--min-accuracy", "97", "--json", str(report)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    data = json.loads(report.read_text("utf-8"))
    assert data["calls"] >= 150
    assert data["values"]["wrong_values_delivered"] == 0
    assert data["values"]["accuracy"] >= 0.97
    assert finished.stdout.splitlines()[-1].startswith("summary: ")
