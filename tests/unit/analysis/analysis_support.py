"""Helpers shared by the analysis tests (a uniquely named module: see conftest.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from callpipe.analysis import (
    AnalysisConfig,
    Attempt,
    Message,
    TranscriptError,
    parse_transcript,
)
from callpipe.analysis.texts import call_texts_slowly
from callpipe.analysis.transcript import _message

IST = timezone(timedelta(hours=5, minutes=30))
CALL_START = datetime(2025, 10, 2, 10, 0, 0, tzinfo=IST)
REPO = Path(__file__).resolve().parents[3]  # the repository's root
EXAMPLES = REPO / "examples"  # the contract's four, as shipped

# (role, text, seconds after the call start[, end seconds])
Turn = tuple[Any, ...]


def at(seconds: float) -> str:
    """ISO time ``seconds`` after 2025-10-02 10:00:00+05:30."""
    return (CALL_START + timedelta(seconds=seconds)).isoformat()


def build_call(turns: Sequence[Turn], *, end: float | None = None, **extra: Any) -> dict[str, Any]:
    messages = []
    for turn in turns:
        message = {"role": turn[0], "text": turn[1], "timestamp": at(turn[2])}
        if len(turn) > 3 and turn[3] is not None:
            message["end_timestamp"] = at(turn[3])
        messages.append(message)
    last = max((t[3] if len(t) > 3 and t[3] is not None else t[2] for t in turns), default=0)
    data: dict[str, Any] = {
        "call_ref_id": "1001",
        "call_vendor": "Ozonetel",
        "recording_url": "",
        "start_time": at(0),
        "end_time": at(end if end is not None else last + 10),
        "messages": messages,
    }
    data.update(extra)
    return data


def question_and_reply(at: float, question: str, reply: str) -> list[Turn]:
    """The assistant asks at ``at`` seconds; the customer replies a second
    later, for a second."""
    return [("assistant", question, at), ("user", reply, at + 1, at + 2)]


def raw_call(raw_messages: list[Any], **extra: Any) -> dict[str, Any]:
    """A transcript dict of call c1 (2025-10-02, 14:00 to 15:00 IST) around
    ``raw_messages`` as given, for the readers' tests."""
    return {
        "call_ref_id": "c1",
        "call_vendor": "v",
        **extra,
        "start_time": "2025-10-02T14:00:00+05:30",
        "end_time": "2025-10-02T15:00:00+05:30",
        "messages": raw_messages,
    }


def response(payload: dict[str, Any], field: str) -> dict[str, Any]:
    """The response_data entry of ``field``."""
    return next(entry for entry in payload["response_data"] if entry["key_value"] == field)


def assert_parse_equals_the_general_reader(raw_messages: list[Any]) -> None:
    """`parse_transcript` (inline reader, sorting) gives what reading every
    message with the general reader `_message` and sorting gives: the same
    messages, time zone objects and texts, or the same error."""
    tz = ZoneInfo("Asia/Kolkata")
    data = raw_call(raw_messages)
    try:
        expected: Any = _read_one_by_one(raw_messages, tz)
    except TranscriptError as exc:
        expected = str(exc)
    try:
        transcript = parse_transcript(data, tz)
    except TranscriptError as exc:
        assert str(exc) == expected
        return
    assert transcript.messages == expected
    # Same time zone objects too (equal times could differ in them).
    assert [m.timestamp.tzinfo for m in transcript.messages] == [
        m.timestamp.tzinfo for m in expected
    ]
    assert transcript.texts == call_texts_slowly(transcript.messages)


def _read_one_by_one(raw_messages: list[Any], tz: ZoneInfo) -> tuple[Message, ...]:
    messages = []
    for index, raw in enumerate(raw_messages):
        message = _message(raw, index, tz)
        if message is not None:
            messages.append(message)
    messages.sort(key=lambda message: message.timestamp)
    return tuple(messages)


# Phrase lists and texts for the phrase-matcher properties: words that are
# prefixes of each other, an apostrophe first or inside, joiners, scripts.
_PHRASE_WORDS = ["e", "mail", "email", "id", "e-mail", "car", "cars", "sa", "sales", "man"]
_PHRASE_WORDS += ["'n", "n't"]
PHRASE_LISTS = st.lists(
    st.lists(st.sampled_from(_PHRASE_WORDS), min_size=1, max_size=3).map(" ".join),
    min_size=1,
    max_size=8,
)
PHRASE_TEXTS = st.lists(
    st.sampled_from([*_PHRASE_WORDS, " ", "  ", "\n", "\x00", "x", "_", "'", "’", "-", "ई", "Σ"]),
    max_size=14,
).map("".join)


def packaged_phrase_lists(config: AnalysisConfig) -> list[tuple[list[str], bool]]:
    """The phrase lists the engine builds matchers from, each with its
    ``whole_words`` setting: cues, confusion, dealer nouns and verbs."""
    phrases = config.phrases
    return [
        ([cue for cues in config.cues.values() for cue in cues], True),
        (list(phrases.confusion), True),
        (list(phrases.dealer_nouns), False),
        (list(phrases.dealer_verbs), False),
    ]


# Characters from every packaged script, Latin, joiners and separators.
MIXED_SCRIPTS = st.text(
    alphabet=st.sampled_from(
        "aZ Σς\n\x00'’-"
        "\u0900\u0915\u093e\u097f\ua8e0\ua8ff"  # Devanagari (Hindi)
        "\u0a05\u0a3e\u0a85\u0abe\u0b85\u0bcd\u0c05\u0c3e\u0c85\u0cbe"
        "\u0d05\u200c\u200d"
    ),
    max_size=40,
)


ATTEMPT_START = datetime(2025, 10, 2, 14, 25, 10, tzinfo=IST)
ATTEMPT_END = ATTEMPT_START + timedelta(seconds=7)


def name_attempt(sequence: int, value: str | None) -> Attempt:
    """Attempt number ``sequence`` at the name, its reply "Rahul", its value ``value``."""
    return Attempt(
        f"name-{sequence}", sequence, 2 * sequence, ATTEMPT_START, ATTEMPT_END, "Rahul", value
    )


def run_with_the_plain_engine(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Runs `script` in a child whose `callpipe` is a copy of the sources without the
    compiled extensions (the symlinked folders are copied as folders), so the plain
    Python engine answers; the tests' own folder is on its path."""
    here = Path(__file__).resolve().parent
    shutil.copytree(
        REPO / "callpipe",
        tmp_path / "callpipe",
        ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"),
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(here)])},
        capture_output=True,
        text=True,
        check=False,
    )
