"""The compiled engine (mypyc, callpipe/analysis/build.py) is the engine.

Compiling must change the speed and nothing else: the same payloads, the
same explanations and the same errors as the plain Python sources, on the
contract examples, on synthetic calls and on text chosen to trip up string
handling (case mappings that depend on context or change lengths, Indic
scripts, joiners, odd whitespace and digits). And a compiled module older
than its source must never run silently.
"""

from __future__ import annotations

import ast
import json
import os
import random
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from analysis_support import EXAMPLES, REPO, run_with_the_plain_engine

from callpipe.analysis import (
    TranscriptError,
    analyze_call,
    explain_lines,
    load_analysis_config,
)
from callpipe.analysis.build import (
    COMPILED_MODULES,
    PACKAGE,
    StaleCompiledModuleError,
    compiled_modules,
    engine_build,
    main,
    record_source_hashes,
    refuse_stale_compiled_modules,
    stale_compiled_modules,
)
from callpipe.bench.synthetic import make_transcripts

PACKAGE_FOLDER = REPO.joinpath(*PACKAGE.split("."))

# Strings whose handling differs between careless and careful string code.
TRICKY = (
    "Σ", "ΟΔΟΣ", "ΣΑΣ ", "İstanbul", "ß", "ẞ", "ﬁ", "ı", "Ꭰ", "ǅ", "K", "Å",
    "\u0345", "\u00a0", "\u2003", "\u200c", "\u200d", "’", "٣", "९", "😀",
    "e\u0301", "Ⅻ", "ⓐ", "RAHUL", "NEXON", "MY NAME IS ΣΟΦΙΑ", "RAVI AT GMAIL DOT COM",
    "ਸਤ ਸ੍ਰੀ", "ಹೌದು", "\t", "\n",
)  # fmt: skip


def test_the_engine_is_built_as_configured() -> None:
    # `make install` compiles every listed module; CALLPIPE_COMPILE=0 none.
    expected = [] if os.environ.get("CALLPIPE_COMPILE") == "0" else list(COMPILED_MODULES)
    assert compiled_modules() == expected, (
        "run `make compile` (or set CALLPIPE_COMPILE=0 and `make clean-compiled` "
        "to test the plain Python engine)"
    )
    assert stale_compiled_modules() == []
    assert engine_build() == ("compiled" if expected else "plain Python")
    assert main([]) == 0
    assert main(["--require-compiled"]) == (0 if expected else 1)


def test_compiled_modules_do_not_call_str_lower() -> None:
    # mypyc's own str.lower gives a word-final capital sigma the wrong form;
    # matching.lower_case calls CPython's.
    offenders = []
    for name in COMPILED_MODULES:
        path = PACKAGE_FOLDER.joinpath(*name.split(".")).with_suffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "lower"
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == [], "use matching.lower_case(text), not text.lower()"


def test_an_extension_built_from_another_source_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "times.py"
    extension = tmp_path / f"times{EXTENSION_SUFFIXES[0]}"
    (tmp_path / "values").mkdir()
    for name in COMPILED_MODULES:
        path = tmp_path.joinpath(*name.split(".")).with_suffix(".py")
        path.write_text(f"# {name}\n")
    extension.write_bytes(b"")

    # No record of the build: the extension cannot be trusted.
    assert stale_compiled_modules(tmp_path) == ["times"]

    record_source_hashes(tmp_path)
    assert stale_compiled_modules(tmp_path) == []
    refuse_stale_compiled_modules(tmp_path)

    # File times mean nothing (an installer may set any); the content does.
    os.utime(extension, (1_000, 1_000))
    os.utime(source, (2_000, 2_000))
    assert stale_compiled_modules(tmp_path) == []

    source.write_text("# times, edited after the build\n")
    assert stale_compiled_modules(tmp_path) == ["times"]
    with pytest.raises(StaleCompiledModuleError, match=r"callpipe\.analysis\.times.*make compile"):
        refuse_stale_compiled_modules(tmp_path)

    (tmp_path / "routing.py").write_text("# edited, but not compiled: no extension beside it\n")
    record_source_hashes(tmp_path)
    assert stale_compiled_modules(tmp_path) == []


def test_compiled_and_plain_python_engines_give_the_same_results(tmp_path: Path) -> None:
    calls = _corpus()
    # The plain engine: the package's sources alone, copied where no
    # extension sits beside them, in a process that imports them first.
    (tmp_path / "calls.json").write_text(json.dumps(calls), encoding="utf-8")
    run = run_with_the_plain_engine(tmp_path, _PLAIN_ENGINE)
    assert run.returncode == 0, run.stderr
    plain = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))

    here = json.loads(json.dumps(results_of(calls)))  # tuples as the other side reads them
    assert len(here) == len(plain) == len(calls)
    for index, (ours, theirs) in enumerate(zip(here, plain, strict=True)):
        assert ours == theirs, f"call {index} differs"


def results_of(calls: list[Any]) -> list[dict[str, Any]]:
    """Each call's payload, explanation and intermediate results, or its validation error."""
    config = load_analysis_config()
    tz = ZoneInfo("Asia/Kolkata")
    results: list[dict[str, Any]] = []
    for data in calls:
        try:
            analysis = analyze_call(data, config, tz)
        except TranscriptError as error:
            results.append({"error": str(error)})
        else:
            results.append(
                {
                    "payload": analysis.payload,
                    "explain": explain_lines(analysis, tz, config),
                    "texts": repr(analysis.transcript.texts),
                    "windows": repr(analysis.windows),
                    "extraction": repr(analysis.extraction),
                    "decision": repr(analysis.decision),
                }
            )
    return results


_PLAIN_ENGINE = """
import json
from callpipe.analysis.build import compiled_modules
assert compiled_modules() == [], compiled_modules()
import callpipe.analysis.transcript
assert callpipe.analysis.transcript.__file__.endswith(".py"), "not the plain engine"
from test_compiled_engine import results_of
calls = json.load(open("calls.json", encoding="utf-8"))
json.dump(results_of(calls), open("results.json", "w", encoding="utf-8"))
"""


def _corpus() -> list[Any]:
    rng = random.Random(20261129)
    examples = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(EXAMPLES.glob("*.transcript.json"))
    ]
    synthetic = make_transcripts(600, seed=29)
    tricky = [_with_tricky_text(call, rng) for call in make_transcripts(600, seed=31)]
    broken = [_broken(call, rng) for call in make_transcripts(60, seed=37)]
    return examples + synthetic + tricky + broken


def _with_tricky_text(call: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    for message in call["messages"]:
        if isinstance(message.get("text"), str) and rng.random() < 0.6:
            text = message["text"]
            cut = rng.randrange(len(text) + 1)
            extra = "".join(rng.choice(TRICKY) for _ in range(rng.randrange(1, 4)))
            message["text"] = rng.choice(
                (text[:cut] + extra + text[cut:], extra + " " + text, text.upper(), text + extra)
            )
    return call


def _broken(call: dict[str, Any], rng: random.Random) -> Any:
    choice = rng.randrange(6)
    if choice == 0:
        del call["call_vendor"]
    elif choice == 1:
        rng.choice(call["messages"])["timestamp"] = "soon"
    elif choice == 2:
        call["end_time"] = "2020-01-01T00:00:00Z"
    elif choice == 3:
        rng.choice(call["messages"])["text"] = 42
    elif choice == 4:
        call["messages"] = {"role": "user"}
    else:
        rng.choice(call["messages"])["end_timestamp"] = "2025-13-01T00:00:00"
    return call
