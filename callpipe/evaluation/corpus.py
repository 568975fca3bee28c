"""Finding and reading the calls of a labelled corpus folder (the only I/O here).

A call is a pair ``<id>.transcript.json`` + ``<id>.truth.json``. A file
without its partner, unreadable JSON, or a malformed truth is a `CorpusError`
naming the file: a corpus with holes would give figures that mean nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from callpipe.evaluation.truth import Truth, TruthError, read_truth

TRANSCRIPT_SUFFIX = ".transcript.json"
TRUTH_SUFFIX = ".truth.json"


class CorpusError(Exception):
    """The corpus folder cannot be evaluated; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class LabelledCall:
    call_id: str
    transcript: object
    """The transcript's decoded JSON (checked by the engine)."""
    truth: Truth


def read_corpus(folder: Path) -> list[LabelledCall]:
    """Every call of ``folder``, sorted by id."""
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder")
    transcripts = {_id(p, TRANSCRIPT_SUFFIX): p for p in folder.glob(f"*{TRANSCRIPT_SUFFIX}")}
    truths = {_id(p, TRUTH_SUFFIX): p for p in folder.glob(f"*{TRUTH_SUFFIX}")}
    for call_id in sorted(set(transcripts) ^ set(truths)):
        missing = TRUTH_SUFFIX if call_id in transcripts else TRANSCRIPT_SUFFIX
        raise CorpusError(f"{folder / (call_id + missing)}: missing (every call needs both files)")
    if not transcripts:
        raise CorpusError(f"{folder}: no *{TRANSCRIPT_SUFFIX} files")
    calls = []
    for call_id in sorted(transcripts):
        truth_path = truths[call_id]
        try:
            truth = read_truth(_json(truth_path))
        except TruthError as exc:
            raise CorpusError(f"{truth_path}: {exc}") from exc
        calls.append(LabelledCall(call_id, _json(transcripts[call_id]), truth))
    return calls


def _id(path: Path, suffix: str) -> str:
    return path.name[: -len(suffix)]


def _json(path: Path) -> object:
    try:
        return json.loads(path.read_bytes())
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{path}: not valid JSON: {exc}") from exc
