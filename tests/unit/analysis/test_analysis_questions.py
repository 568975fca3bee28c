"""Questions, attempts and their windows (contract section 3)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from analysis_support import build_call, response

from callpipe.analysis import AnalysisConfig, find_attempt_windows, parse_transcript


def test_user_messages_never_ask(payload_of: Any) -> None:
    """A customer saying 'my name is...' is not an attempt."""
    payload = payload_of(build_call([("user", "My name is Rahul and I want a car", 5)]))
    assert [r["attempts"] for r in payload["response_data"]] == [0, 0, 0]


def test_reply_window_ends_at_last_user_message_end(payload_of: Any) -> None:
    """Several replies: the window ends at the last one's end_timestamp."""
    data = build_call(
        [
            ("assistant", "Your name?", 10),
            ("user", "Umm", 12, 13),
            ("user", "Rahul Sharma", 15, 18),
            ("assistant", "Thanks", 30),
        ]
    )
    details = response(payload_of(data), "name")["attempts_details"]
    assert details == [
        {"start_time": "2025-10-02 10:00:10", "end_time": "2025-10-02 10:00:18", "sequence": 1}
    ]


def test_reply_without_end_timestamp_ends_at_its_timestamp(payload_of: Any) -> None:
    """No end_timestamp: the reply's own timestamp ends the window."""
    data = build_call(
        [("assistant", "Your name?", 10), ("user", "Rahul", 14), ("assistant", "Ok", 30)]
    )
    assert (
        response(payload_of(data), "name")["attempts_details"][0]["end_time"]
        == "2025-10-02 10:00:14"
    )


def test_no_reply_ends_at_next_message(payload_of: Any) -> None:
    """Unanswered question: the window ends at the next message (here the next assistant one)."""
    data = build_call(
        [("assistant", "Your email id?", 10), ("assistant", "Hello, still there?", 25)]
    )
    assert (
        response(payload_of(data), "email")["attempts_details"][0]["end_time"]
        == "2025-10-02 10:00:25"
    )


def test_no_reply_and_no_next_message_ends_at_call_end(payload_of: Any) -> None:
    """Unanswered last question: the window ends at the call's end_time."""
    data = build_call([("assistant", "Which model?", 10)], end=42)
    assert (
        response(payload_of(data), "model")["attempts_details"][0]["end_time"]
        == "2025-10-02 10:00:42"
    )


def test_ignored_roles_do_not_end_or_join_a_window(payload_of: Any) -> None:
    """A tool message between question and reply is dropped before windows are cut."""
    data = build_call(
        [("assistant", "Your name?", 10), ("tool", "lookup", 11), ("user", "Rahul", 12, 13)]
    )
    entry = response(payload_of(data), "name")
    assert entry["key_response"] == "Rahul"
    assert entry["attempts_details"][0]["end_time"] == "2025-10-02 10:00:13"


def test_unordered_messages_are_sorted_before_windows(payload_of: Any) -> None:
    """Messages given out of order are analysed in time order."""
    data = build_call(
        [
            ("user", "Priya Mehta", 12, 13),
            ("assistant", "Done", 20),
            ("assistant", "Your name?", 10),
        ]
    )
    entry = response(payload_of(data), "name")
    assert entry["key_response"] == "Priya Mehta"
    assert entry["attempts_details"][0]["start_time"] == "2025-10-02 10:00:10"


def test_sequences_and_window_ids_count_per_field(config: AnalysisConfig, tz: ZoneInfo) -> None:
    """Window ids are <field>-<n>; sequences count 1, 2, ... per field."""
    data = build_call(
        [
            ("assistant", "Your name?", 10),
            ("assistant", "Which car?", 20),
            ("assistant", "Sorry, your name again?", 30),
            ("assistant", "Which model?", 40),
        ]
    )
    windows = find_attempt_windows(parse_transcript(data, tz), config)
    assert [(w.id, w.sequence, w.question_index) for w in windows] == [
        ("name-1", 1, 0),
        ("model-1", 1, 1),
        ("name-2", 2, 2),
        ("model-2", 2, 3),
    ]


def test_times_are_truncated_not_rounded(payload_of: Any) -> None:
    """.999 seconds stay in their second in every payload time."""
    data = build_call(
        [("assistant", "Your name?", 10.999), ("user", "Rahul", 12, 14.9999)], end=59.9
    )
    payload = payload_of(data)
    assert response(payload, "name")["attempts_details"][0] == {
        "start_time": "2025-10-02 10:00:10",
        "end_time": "2025-10-02 10:00:14",
        "sequence": 1,
    }
    assert payload["end_time"] == "2025-10-02 10:00:59"
    assert payload["duration"] == 59
