"""The evaluation report, as text for people and as a dict for machines (pure).

Personal data goes through the ``mask`` functions given (callpipe.privacy
unless the user asked for ``--show-pii``): expected and found names and
emails, and the reply texts shown beside each mismatch. The last text line
is a one-line summary (CI logs show it; the before-stop hook reads it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from callpipe.evaluation.scoring import (
    CALL_FIELDS,
    FIELDS,
    VALUE_FIELDS,
    CallResult,
    EvalReport,
    FieldResult,
)

ValueMask = Callable[[str, str], str]
"""(field, value) -> what may be shown."""
TextMask = Callable[[str], str]


def report_lines(
    report: EvalReport,
    heading: str,
    mask_value: ValueMask,
    mask_reply: TextMask,
    violations: list[str] | None = None,
) -> list[str]:
    """The whole text report; the last line is `summary_line`."""
    lines = [heading, "", f"{'field':<10}{'right':>7}{'wrong':>7}{'missed':>8}{'accuracy':>10}"]
    for field in FIELDS:
        tally = report.tallies[field]
        missed = str(tally.missed) if field in VALUE_FIELDS else "-"
        lines.append(
            f"{field:<10}{tally.right:>7}{tally.wrong:>7}{missed:>8}{tally.accuracy * 100:>9.1f}%"
        )
    values = report.values
    lines.append(
        f"{'values':<10}{values.right:>7}{values.wrong:>7}{values.missed:>8}"
        f"{values.accuracy * 100:>9.1f}%  (name, model and email together)"
    )
    sections = (
        ("wrong values delivered", VALUE_FIELDS, ("wrong",)),
        ("values missed", VALUE_FIELDS, ("missed",)),
        ("other fields wrong", CALL_FIELDS, ("wrong",)),
    )
    for title, fields, kinds in sections:
        found = [
            (call, r)
            for call in report.calls
            for r in call.fields
            if r.field in fields and r.outcome in kinds
        ]
        lines.append("")
        lines.append(f"{title} ({len(found)}):" if found else f"{title}: none")
        for call, result in found:
            lines.extend(_mismatch_lines(call, result, mask_value, mask_reply))
    lines.append("")
    lines.append(summary_line(report, violations))
    return lines


def summary_line(report: EvalReport, violations: list[str] | None = None) -> str:
    """One line: the figures, and the verdict when limits were given."""
    values = report.values
    others = ", ".join(
        f"{field} {report.tallies[field].accuracy * 100:.1f}%" for field in CALL_FIELDS
    )
    line = (
        f"summary: {len(report.calls)} calls; name/model/email {values.accuracy * 100:.1f}% "
        f"right ({values.right}/{values.total}), {values.wrong} wrong values delivered, "
        f"{values.missed} missed; {others}"
    )
    if violations is None:
        return line
    return f"{line}; FAIL: {'; '.join(violations)}" if violations else f"{line}; OK"


def report_dict(
    report: EvalReport,
    mask_value: ValueMask,
    mask_reply: TextMask,
    violations: list[str] | None = None,
    **about: Any,
) -> dict[str, Any]:
    """The report as JSON-able data (``about``: corpus, extractor, limits ...)."""
    values = report.values
    return {
        **about,
        "calls": len(report.calls),
        "fields": {
            field: {
                "right": tally.right,
                "wrong": tally.wrong,
                "missed": tally.missed,
                "total": tally.total,
                "accuracy": round(tally.accuracy, 6),
            }
            for field, tally in report.tallies.items()
        },
        "values": {
            "right": values.right,
            "wrong_values_delivered": values.wrong,
            "missed": values.missed,
            "total": values.total,
            "accuracy": round(values.accuracy, 6),
        },
        "mismatches": [
            {
                "call_id": call.call_id,
                "field": result.field,
                "outcome": result.outcome,
                "expected": _shown(result, result.expected, mask_value),
                "got": _shown(result, result.got, mask_value),
                "replies": [
                    {"window_id": window, "text": mask_reply(text)}
                    for window, text in call.replies.get(result.field, ())
                ],
                "categories": list(call.categories),
            }
            for call in report.calls
            for result in call.mismatches()
        ],
        "violations": violations or [],
        "passed": not violations,
    }


def _mismatch_lines(
    call: CallResult, result: FieldResult, mask_value: ValueMask, mask_reply: TextMask
) -> list[str]:
    expected = _shown(result, result.expected, mask_value)
    got = _shown(result, result.got, mask_value)
    lines = [f"  {call.call_id}  {result.field}: expected {expected!r}, got {got!r}"]
    replies = call.replies.get(result.field, ())
    if result.field in VALUE_FIELDS and not replies:
        lines.append("    (never asked: no attempt window)")
    for window, text in replies:
        shown = mask_reply(text).replace("\n", " / ") if text else "(no reply)"
        lines.append(f"    {window}: {shown}")
    return lines


def _shown(result: FieldResult, value: str, mask_value: ValueMask) -> str:
    return mask_value(result.field, value) if result.field in VALUE_FIELDS and value else value
