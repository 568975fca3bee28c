"""Scoring the engine's payload of a call against its truth (pure).

Value fields (name, model, email) have three outcomes, because they cost
differently in a CRM: *right* (the truth, empty or not), *missed* (empty
where the truth has a value) and *wrong*: a value delivered that differs
from the truth, including one delivered where the truth is empty. The call
fields (language, routing status with reason, dropoff action) are right or
wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from callpipe.evaluation.truth import Truth

VALUE_FIELDS: Final = ("name", "model", "email")
CALL_FIELDS: Final = ("language", "routing", "dropoff")
FIELDS: Final = VALUE_FIELDS + CALL_FIELDS

Outcome = Literal["right", "wrong", "missed"]


@dataclass(frozen=True, slots=True)
class FieldResult:
    field: str
    expected: str
    got: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class CallResult:
    """One call's fields, and the customer's replies behind each value field
    (``(window id, reply text)`` per attempt, in order)."""

    call_id: str
    fields: tuple[FieldResult, ...]
    replies: Mapping[str, tuple[tuple[str, str], ...]]
    categories: tuple[str, ...] = ()

    def mismatches(self) -> list[FieldResult]:
        return [result for result in self.fields if result.outcome != "right"]


@dataclass(frozen=True, slots=True)
class FieldTally:
    right: int
    wrong: int
    missed: int

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.missed

    @property
    def accuracy(self) -> float:
        """Share of fields right, 0-1 (1 for no fields)."""
        return self.right / self.total if self.total else 1.0


@dataclass(frozen=True, slots=True)
class EvalReport:
    calls: tuple[CallResult, ...]
    tallies: Mapping[str, FieldTally]

    @property
    def values(self) -> FieldTally:
        """The name, model and email fields together."""
        return FieldTally(
            right=sum(self.tallies[f].right for f in VALUE_FIELDS),
            wrong=sum(self.tallies[f].wrong for f in VALUE_FIELDS),
            missed=sum(self.tallies[f].missed for f in VALUE_FIELDS),
        )


def score_call(
    call_id: str,
    truth: Truth,
    payload: Mapping[str, Any],
    replies: Mapping[str, tuple[tuple[str, str], ...]],
) -> CallResult:
    """The fields of ``payload`` (the webhook payload of the call) against ``truth``."""
    got = {entry["key_value"]: entry["key_response"] for entry in payload["response_data"]}
    routing = payload["dealer_routing"]
    results = [
        _value("name", truth.name, got.get("name", "")),
        _value("model", truth.model, got.get("model", "")),
        _value("email", truth.email, got.get("email", "")),
        _call("language", truth.language, payload["language"]["conversational"]),
        _call(
            "routing",
            _routing(truth.routing_status, truth.routing_reason),
            _routing(routing["status"], routing["reason"]),
        ),
        _call("dropoff", truth.dropoff_action, payload["dropoff"]["action"]),
    ]
    return CallResult(call_id, tuple(results), dict(replies), truth.categories)


def summarize(calls: Sequence[CallResult]) -> EvalReport:
    """The tallies of every field over ``calls``."""
    tallies = {}
    for field in FIELDS:
        outcomes = [r.outcome for call in calls for r in call.fields if r.field == field]
        tallies[field] = FieldTally(
            right=outcomes.count("right"),
            wrong=outcomes.count("wrong"),
            missed=outcomes.count("missed"),
        )
    return EvalReport(tuple(calls), tallies)


def threshold_violations(
    report: EvalReport, max_wrong: int | None, min_accuracy: float | None
) -> list[str]:
    """What breaks the limits (``min_accuracy`` in percent, over name/model/email)."""
    values = report.values
    problems = []
    if max_wrong is not None and values.wrong > max_wrong:
        problems.append(f"{values.wrong} wrong values delivered > --max-wrong {max_wrong}")
    if min_accuracy is not None and values.accuracy * 100 < min_accuracy:
        problems.append(
            f"name/model/email {values.accuracy * 100:.1f}% right < --min-accuracy {min_accuracy:g}"
        )
    return problems


def _value(field: str, expected: str, got: str) -> FieldResult:
    if got == expected:
        return FieldResult(field, expected, got, "right")
    return FieldResult(field, expected, got, "missed" if not got else "wrong")


def _call(field: str, expected: str, got: str) -> FieldResult:
    return FieldResult(field, expected, got, "right" if expected == got else "wrong")


def _routing(status: bool, reason: str) -> str:
    return f"{'true' if status else 'false'}: {reason}"
