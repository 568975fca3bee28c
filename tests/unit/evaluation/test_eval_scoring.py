"""Scoring a payload against its truth, and the report (callpipe.evaluation)."""

from __future__ import annotations

from typing import Any

import pytest

from callpipe.evaluation import (
    CallResult,
    Truth,
    TruthError,
    read_truth,
    report_dict,
    report_lines,
    score_call,
    summarize,
    summary_line,
    threshold_violations,
)
from callpipe.privacy import mask_field


def payload(name: str = "", model: str = "", email: str = "", **call: Any) -> dict[str, Any]:
    return {
        "response_data": [
            {"key_value": "name", "key_response": name},
            {"key_value": "model", "key_response": model},
            {"key_value": "email", "key_response": email},
        ],
        "language": {"conversational": call.get("language", "hindi")},
        "dealer_routing": {
            "status": call.get("status", False),
            "reason": call.get("reason", "No data collected - call failed"),
        },
        "dropoff": {"action": call.get("action", "ivr")},
    }


TRUTH = Truth(
    name="Dinesh Rao",
    model="",
    email="dinesh@gmail.com",
    language="hindi",
    routing_status=False,
    routing_reason="No data collected - call failed",
    dropoff_action="ivr",
)


def outcomes(result: CallResult) -> dict[str, str]:
    return {r.field: r.outcome for r in result.fields}


def test_a_value_is_right_wrong_or_missed() -> None:
    """Equal (also both empty) is right; empty is missed; any other value is wrong."""
    result = score_call(
        "c1", TRUTH, payload(name="", model="Kia Sonet", email="dinesh@gmail.com"), {}
    )
    assert outcomes(result) == {
        "name": "missed",
        "model": "wrong",  # a value where the truth is empty is a wrong value delivered
        "email": "right",
        "language": "right",
        "routing": "right",
        "dropoff": "right",
    }


def test_call_fields_are_right_or_wrong() -> None:
    """Language, routing (status and reason) and dropoff action compare whole."""
    result = score_call("c1", TRUTH, payload(language="tamil", status=True, action=""), {})
    assert [o for f, o in outcomes(result).items() if f in ("language", "routing", "dropoff")] == [
        "wrong",
        "wrong",
        "wrong",
    ]


def test_tallies_and_limits() -> None:
    """Wrong values and accuracy over name/model/email decide the limits."""
    right = score_call("c1", TRUTH, payload(name="Dinesh Rao", email="dinesh@gmail.com"), {})
    wrong = score_call("c2", TRUTH, payload(name="Deepak Rao", email="dinesh@gmail.com"), {})
    report = summarize([right, wrong])
    assert (report.values.right, report.values.wrong, report.values.missed) == (5, 1, 0)
    assert threshold_violations(report, 1, 80) == []
    assert threshold_violations(report, 0, None) == ["1 wrong values delivered > --max-wrong 0"]
    assert threshold_violations(report, None, 90) == [
        "name/model/email 83.3% right < --min-accuracy 90"
    ]


def test_the_report_masks_names_emails_and_replies() -> None:
    """Masked: expected and found names/emails and replies show no personal data."""
    result = score_call(
        "c2",
        TRUTH,
        payload(name="Deepak Rao", email="dinesh@gmail.com"),
        {"name": (("name-1", "Deepak Rao"),)},
    )
    report = summarize([result])
    lines = report_lines(report, "heading", mask_field, lambda text: "MASKED")
    text = "\n".join(lines)
    assert "Deepak" not in text and "Dinesh" not in text
    assert "c2  name: expected 'D*** R***', got 'D*** R***'" in text
    assert "name-1: MASKED" in text
    data = report_dict(report, mask_field, lambda text: "MASKED", None, corpus="x")
    assert "Deepak" not in str(data) and "dinesh@" not in str(data)
    assert data["values"]["wrong_values_delivered"] == 1
    assert data["mismatches"][0]["replies"] == [{"window_id": "name-1", "text": "MASKED"}]


def test_the_last_line_is_the_summary_with_the_verdict() -> None:
    """The one-line summary ends the report; OK or FAIL only when limits were given."""
    report = summarize([score_call("c1", TRUTH, payload(name="Dinesh Rao"), {})])
    lines = report_lines(report, "heading", mask_field, str, ["1 wrong"])
    assert lines[-1] == summary_line(report, ["1 wrong"])
    assert lines[-1].startswith("summary: 1 calls; name/model/email 66.7% right (2/3)")
    assert lines[-1].endswith("; FAIL: 1 wrong")
    assert summary_line(report, []).endswith("; OK")
    assert summary_line(report).endswith("dropoff 100.0%")


@pytest.mark.parametrize(
    "data, message",
    [
        ([], "truth: expected an object"),
        ({"name": "", "model": "", "email": "", "language": "hindi"}, "routing: required"),
        (
            {"name": 1, "model": "", "email": "", "language": "hindi", "dropoff_action": "",
             "routing": {"status": True, "reason": ""}},
            "name: expected a string, got int",
        ),
        (
            {"name": "", "model": "", "email": "", "language": "hindi", "dropoff_action": "",
             "routing": {"status": "yes", "reason": ""}},
            "routing.status: expected true or false",
        ),
    ],
)  # fmt: skip
def test_a_malformed_truth_names_the_key(data: object, message: str) -> None:
    """Truth files are checked; the error names the key."""
    with pytest.raises(TruthError, match=message):
        read_truth(data)
