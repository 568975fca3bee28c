"""The engine's value classes are frozen slotted dataclasses, compiled or not.

Each class made per call (the transcript and its messages, the texts, the
attempt windows, the extraction, the decisions, a reading, and the value
readers' tokens, name parts, candidates and catalogue matches) compares by
value, hashes by value, refuses every assignment and has no ``__dict__``:
the same under the mypyc build as under the plain Python sources, which a
subprocess runs from a copy of the package without its extensions.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from analysis_support import (
    ATTEMPT_END,
    ATTEMPT_START,
    EXAMPLES,
    name_attempt,
    run_with_the_plain_engine,
)

from callpipe.analysis import load_analysis_config
from callpipe.analysis.dropoff import DropoffDecision
from callpipe.analysis.extraction import Attempt, Extraction, FieldExtraction
from callpipe.analysis.payload import analyze_call
from callpipe.analysis.values.extractor import RuleExtractor
from callpipe.analysis.values.models import find_mentions
from callpipe.analysis.values.namechoice import NAMED, NameCandidate
from callpipe.analysis.values.nametokens import NamePart, name_tokens

EXAMPLE = EXAMPLES / "01-complete-hindi.transcript.json"

VALUE_CLASSES = (
    "Message",
    "Transcript",
    "CallTexts",
    "AttemptWindow",
    "Attempt",
    "FieldExtraction",
    "Extraction",
    "LanguageScore",
    "LanguageDecision",
    "RoutingDecision",
    "DropoffDecision",
    "Decision",
    "Reading",
    "NameToken",
    "NamePart",
    "NameCandidate",
    "CatalogueMatch",
    "Mention",
)


def value_objects() -> dict[str, object]:
    """One instance of each value class, made afresh by analysing the first example."""
    config = load_analysis_config()
    analysis = analyze_call(
        json.loads(EXAMPLE.read_text(encoding="utf-8")), config, ZoneInfo("Asia/Kolkata")
    )
    extraction = analysis.extraction
    decision = analysis.decision
    (mention,) = find_mentions("Nexon EV", "nexon ev", config)
    return {
        "Message": analysis.transcript.messages[0],
        "Transcript": analysis.transcript,
        "CallTexts": analysis.transcript.texts,
        "AttemptWindow": analysis.windows[0],
        "Attempt": extraction.fields[0].attempts[0],
        "FieldExtraction": extraction.fields[0],
        "Extraction": extraction,
        "LanguageScore": decision.language.scores[0],
        "LanguageDecision": decision.language,
        "RoutingDecision": decision.routing,
        "DropoffDecision": decision.dropoff,
        "Decision": decision,
        "Reading": RuleExtractor(config).read("name", "my name is Rahul Sharma"),
        # The value readers' working objects.
        "NameToken": name_tokens("Rahul", "rahul", config)[0],
        "NamePart": NamePart("Rahul"),
        "NameCandidate": NameCandidate((NamePart("Rahul"),), NAMED, 0, 0, "my name is"),
        "CatalogueMatch": mention.match,
        "Mention": mention,
    }


def value_class_report() -> dict[str, dict[str, Any]]:
    """For each value class, what the checks found (JSON-able, to compare builds)."""
    first, second = value_objects(), value_objects()
    return {name: _checks(first[name], second[name]) for name in VALUE_CLASSES}


def _checks(one: Any, other: Any) -> dict[str, Any]:
    names = [field.name for field in dataclasses.fields(one)]
    first_field = names[0]
    changed = dataclasses.replace(one, **{first_field: _changed(getattr(one, first_field))})
    refused = []
    for name in names:
        try:
            setattr(one, name, getattr(one, name))
        except dataclasses.FrozenInstanceError:
            refused.append(name)
    # A new attribute is refused too, though not always as FrozenInstanceError:
    # in plain CPython 3.11 the frozen __setattr__ still names the class that
    # slots=True replaced, so its super() call fails with TypeError.
    try:
        one.not_a_field = 1
    except (dataclasses.FrozenInstanceError, AttributeError, TypeError):
        new_attribute_refused = True
    else:
        new_attribute_refused = False
    deleted = []
    for name in names:
        try:
            delattr(one, name)
        except dataclasses.FrozenInstanceError:
            deleted.append(name)
    return {
        "class": type(one).__name__,
        "fields": names,
        "distinct objects": one is not other,
        "equal": one == other,
        "same hash": hash(one) == hash(other),
        "one in a set": len({one, other}) == 1,
        f"unequal with another {first_field}": changed != one,
        "assignments refused": refused,
        "new attribute refused": new_attribute_refused,
        "deletions refused": deleted,
        "has no __dict__": not hasattr(one, "__dict__"),
    }


def _changed(value: Any) -> Any:
    """A value of the same type as ``value`` that differs from it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, datetime):
        return value + timedelta(seconds=1)
    if isinstance(value, tuple):
        return value[:-1] if value else (None,)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(
            value,
            **{f.name: _changed(getattr(value, f.name)) for f in dataclasses.fields(value)[:1]},
        )
    raise TypeError(f"no changed value for {value!r}")  # a new field type: extend this


@pytest.mark.parametrize("name", VALUE_CLASSES)
def test_each_value_class_compares_hashes_and_refuses_changes(name: str) -> None:
    """Equal values are equal and hash alike; no field can be set or deleted."""
    report = value_class_report()[name]
    fields = report["fields"]
    assert report["class"] == name
    assert report["distinct objects"]
    assert report["equal"]
    assert report["same hash"]
    assert report["one in a set"]
    assert report[f"unequal with another {fields[0]}"]
    assert report["assignments refused"] == fields
    assert report["new attribute refused"]
    assert report["deletions refused"] == fields
    assert report["has no __dict__"]


def test_the_plain_python_build_gives_the_same_value_class_report(tmp_path: Path) -> None:
    """The plain sources (no extensions) pass the same checks with the same answers."""
    run = run_with_the_plain_engine(tmp_path, _PLAIN_REPORT)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == value_class_report()


_PLAIN_REPORT = """
import json
from callpipe.analysis.build import compiled_modules
assert compiled_modules() == [], compiled_modules()
import callpipe.analysis.transcript
assert callpipe.analysis.transcript.__file__.endswith(".py"), "not the plain engine"
from test_value_classes import value_class_report
print(json.dumps(value_class_report()))
"""


# --- built by position or keyword, fields in order ----------------------------


def test_value_classes_build_by_position_and_by_keyword_alike() -> None:
    by_keyword = Attempt(
        window_id="name-1",
        sequence=1,
        question_index=2,
        start=ATTEMPT_START,
        end=ATTEMPT_END,
        reply_text="Rahul",
        value="Rahul",
    )
    assert by_keyword == name_attempt(1, "Rahul")
    assert by_keyword != name_attempt(1, None)
    entry = FieldExtraction(field="name", attempts=(by_keyword,), value="Rahul")
    assert entry == FieldExtraction("name", (name_attempt(1, "Rahul"),), "Rahul")
    assert Extraction(fields=(entry,), source="rules") == Extraction((entry,), "rules")
    assert DropoffDecision("partial", "ivr", "ivr", ATTEMPT_END) == DropoffDecision(
        overall_status="partial", rule="ivr", action="ivr", time=ATTEMPT_END, last_question_field=""
    )


def test_value_classes_keep_their_fields_in_order() -> None:
    names = {
        cls: [field.name for field in dataclasses.fields(cls)]
        for cls in (Attempt, FieldExtraction, Extraction, DropoffDecision)
    }
    assert names == {
        Attempt: [
            "window_id", "sequence", "question_index", "start", "end", "reply_text", "value"
        ],
        FieldExtraction: ["field", "attempts", "value"],
        Extraction: ["fields", "source"],
        DropoffDecision: ["overall_status", "rule", "action", "time", "last_question_field"],
    }  # fmt: skip
    assert repr(Extraction((), "llm")) == "Extraction(fields=(), source='llm')"
