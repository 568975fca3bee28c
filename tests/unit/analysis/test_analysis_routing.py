"""Dealer routing (contract section 5) and dropoff (section 6)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from analysis_support import build_call
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig, Message, build_transcript
from callpipe.analysis.routing import _confused_messages, _dealer_request

ASK_NAME = ("assistant", "May I know your name?")
ASK_MODEL = ("assistant", "Which model are you looking for?")
ASK_EMAIL = ("assistant", "What is your email id?")


def complete_call(*extra: tuple[Any, ...]) -> dict[str, Any]:
    return build_call(
        [
            (*ASK_NAME, 10),
            ("user", "My name is Rahul Sharma", 12, 14),
            (*ASK_MODEL, 20),
            ("user", "Nexon EV", 22, 24),
            (*ASK_EMAIL, 30),
            ("user", "rahul at gmail dot com", 32, 36),
            *extra,
        ],
        end=100,
    )


def routing(payload: dict[str, Any]) -> dict[str, Any]:
    return dict(payload["dealer_routing"])


def test_dealer_request_beats_all_data(payload_of: Any) -> None:
    """Rule 1 wins over rule 2; its time is the request's timestamp."""
    payload = payload_of(complete_call(("user", "Now let me talk to the dealer", 50, 52)))
    assert routing(payload) == {
        "status": True,
        "reason": "Customer requested to speak with dealer",
        "time": "2025-10-02 10:00:50",
    }
    assert payload["dropoff"] == {"time": "", "action": ""}


def test_first_dealer_request_gives_the_time(payload_of: Any) -> None:
    """With several requests, the first one's timestamp is the routing time."""
    data = build_call(
        [
            ("user", "Connect me to a real person", 5),
            ("user", "I want to speak to an agent", 9),
        ]
    )
    assert routing(payload_of(data))["time"] == "2025-10-02 10:00:05"


@pytest.mark.parametrize(
    "text, routed",
    [
        ("Mujhe seedha dealer se baat karni hai", True),
        ("Can I speak with customer care?", True),
        ("Transfer me to your executive", True),
        ("I am talking about the dealers here", True),  # word starts: talking, dealers
        ("The dealer is near my house", False),  # noun without verb
        ("Let me talk to my wife", False),  # verb without noun
        ("Assistant: connect to dealer", True),
    ],
)
def test_dealer_request_needs_noun_and_verb(text: str, routed: bool, payload_of: Any) -> None:
    """Rule 1 holds only when one user message has a dealer noun and a talk verb."""
    payload = payload_of(build_call([("user", text, 5)]))
    assert (routing(payload)["reason"] == "Customer requested to speak with dealer") is routed


def test_assistant_offering_a_dealer_is_no_request(payload_of: Any) -> None:
    """Rule 1 looks at user messages only."""
    payload = payload_of(build_call([("assistant", "I will connect you to our dealer", 5)]))
    assert routing(payload)["reason"] == "No data collected - call failed"


def test_all_data_routes_at_call_end(payload_of: Any) -> None:
    """Rule 2: all three verified -> routed at the call's end_time, no dropoff."""
    payload = payload_of(complete_call())
    assert routing(payload) == {
        "status": True,
        "reason": "All data collected - routing to dealer",
        "time": "2025-10-02 10:01:40",
    }
    assert payload["dropoff"] == {"time": "", "action": ""}


def test_understanding_issues_by_mean_attempts(payload_of: Any) -> None:
    """Rule 3: mean attempts over asked fields > 2 -> routed at the last attempt's end."""
    data = build_call(
        [
            (*ASK_NAME, 10),
            ("user", "hmm", 11, 12),
            ("assistant", "Your name please?", 20),
            ("user", "what", 21, 22),
            ("assistant", "Tell me your name once again?", 30),
            ("user", "Rahul", 31, 33),
        ],
        end=90,
    )
    payload = payload_of(data)
    assert routing(payload) == {
        "status": True,
        "reason": "Unable to understand customer responses",
        "time": "2025-10-02 10:00:33",
    }
    assert payload["dropoff"] == {"time": "", "action": ""}


def test_mean_of_exactly_two_is_not_an_issue(payload_of: Any) -> None:
    """Mean attempts 2 (name 2, model 2) is not greater than 2: partial, not routed."""
    data = build_call(
        [
            (*ASK_NAME, 10),
            ("assistant", "Your name?", 15),
            ("user", "Rahul", 16, 17),
            (*ASK_MODEL, 20),
            ("assistant", "Which car?", 25),
        ]
    )
    assert routing(payload_of(data))["reason"] == "Partial data collected - call ended"


def test_understanding_issues_by_three_confused_messages(payload_of: Any) -> None:
    """Rule 3: three assistant messages with confusion phrases, even with few attempts."""
    data = build_call(
        [
            ("assistant", "Sorry?", 5),
            ("user", "hello", 6),
            ("assistant", "Main samjha nahi, phir se boliye", 10),
            ("user", "hello hello", 11),
            ("assistant", "Could you repeat that?", 15),
            (*ASK_NAME, 20),
            ("user", "Rahul", 21, 23),
        ],
        end=60,
    )
    assert routing(payload_of(data)) == {
        "status": True,
        "reason": "Unable to understand customer responses",
        "time": "2025-10-02 10:00:23",
    }


def test_two_confused_messages_are_not_enough(payload_of: Any) -> None:
    """Two confusion messages and mean attempts 1: rule 3 does not hold."""
    data = build_call(
        [("assistant", "Pardon?", 5), ("assistant", "Sorry, one more time", 10), (*ASK_NAME, 20)]
    )
    assert routing(payload_of(data))["reason"] == "No data collected - call failed"


def test_confusion_without_any_attempt_routes_at_call_end(payload_of: Any) -> None:
    """Rule 3 with nothing asked: there is no last attempt, so the call's end is the time."""
    data = build_call(
        [("assistant", "Sorry?", 5), ("assistant", "Pardon?", 10), ("assistant", "Repeat?", 15)],
        end=30,
    )
    assert routing(payload_of(data))["time"] == "2025-10-02 10:00:30"


def test_all_data_beats_understanding_issues(payload_of: Any) -> None:
    """Rule 2 is tried before rule 3: many confusions but all verified -> all data."""
    data = complete_call(
        ("assistant", "Sorry", 60), ("assistant", "Sorry", 61), ("assistant", "Sorry", 62)
    )
    assert routing(payload_of(data))["reason"] == "All data collected - routing to dealer"


def test_partial_data(payload_of: Any) -> None:
    """Rule 4: one field verified -> not routed, empty time."""
    data = build_call([(*ASK_NAME, 10), ("user", "Priya", 11, 12), ("assistant", "Bye", 20)])
    payload = payload_of(data)
    assert routing(payload) == {
        "status": False,
        "reason": "Partial data collected - call ended",
        "time": "",
    }


def test_no_data(payload_of: Any) -> None:
    """Rule 5: nothing verified -> not routed, 'No data collected - call failed'."""
    payload = payload_of(build_call([(*ASK_NAME, 10), ("user", "I don't know", 11, 12)]))
    assert routing(payload) == {
        "status": False,
        "reason": "No data collected - call failed",
        "time": "",
    }


def test_dropoff_ivr_when_nothing_was_asked(payload_of: Any) -> None:
    """Nothing asked: action ivr at the last assistant message."""
    data = build_call([("assistant", "Welcome!", 2), ("user", "hi", 4), ("assistant", "Hello?", 8)])
    assert payload_of(data)["dropoff"] == {"time": "2025-10-02 10:00:08", "action": "ivr"}


def test_dropoff_ivr_with_no_messages_uses_call_end(payload_of: Any) -> None:
    """No assistant message at all: the dropoff time is the call's end_time."""
    payload = payload_of(build_call([], end=12))
    assert payload["dropoff"] == {"time": "2025-10-02 10:00:12", "action": "ivr"}
    assert payload["language"] == {"welcome": "english", "conversational": "hindi"}
    assert [r["remarks"] for r in payload["response_data"]] == ["not_attempted"] * 3


@pytest.mark.parametrize(
    "turns, action",
    [
        ([(*ASK_NAME, 10), ("user", "why?", 11)], "name"),
        ([(*ASK_NAME, 10), ("user", "Rahul", 11), (*ASK_MODEL, 20), ("user", "hmm", 21)], "model"),
        ([(*ASK_NAME, 10), ("user", "Rahul", 11), (*ASK_EMAIL, 20)], "email"),
    ],
)
def test_dropoff_at_last_question_not_verified(
    turns: list[tuple[Any, ...]], action: str, payload_of: Any
) -> None:
    """The last question's field is the action when it is not verified."""
    assert payload_of(build_call(turns))["dropoff"]["action"] == action


def test_dropoff_first_unverified_when_last_question_was_answered(payload_of: Any) -> None:
    """Last question verified: the first unverified field in name, model, email order."""
    data = build_call(
        [
            (*ASK_NAME, 10),
            ("user", "no", 11),
            (*ASK_EMAIL, 20),
            ("user", "ravi at gmail dot com", 21),
            ("assistant", "Bye now", 30),
        ]
    )
    assert payload_of(data)["dropoff"] == {"time": "2025-10-02 10:00:30", "action": "name"}


def test_no_dropoff_when_routed_even_if_incomplete(payload_of: Any) -> None:
    """Routed to a dealer (status true) means handed over, not dropped."""
    payload = payload_of(build_call([(*ASK_NAME, 10), ("user", "Talk to agent please", 11)]))
    assert payload["dealer_routing"]["status"] is True
    assert payload["dropoff"] == {"time": "", "action": ""}


# --- confusion: one scan == one search per message ----------------------------


_PHRASE_TEXT = st.lists(
    st.sampled_from(
        ["sorry", "Pardon", "did not  understand", "phir se", "so", "rry", "x", " ", "\n"]
    ),
    max_size=6,
).map("".join)


@given(turns=st.lists(st.tuples(st.sampled_from(["assistant", "user"]), _PHRASE_TEXT), max_size=8))
def test_confused_messages_equal_a_search_per_message(
    turns: list[tuple[str, str]], config: AnalysisConfig
) -> None:
    """One scan of all assistant messages finds the same messages as one search each."""
    start = datetime(2025, 10, 2, tzinfo=UTC)
    messages = [Message(role, text, start) for role, text in turns]  # type: ignore[arg-type]
    transcript = build_transcript("c1", "v", "", start, start, messages)
    expected = tuple(
        index
        for index, message in enumerate(transcript.messages)
        if message.role == "assistant"
        and config.confusion_matcher.search(message.text.lower()) is not None
    )
    assert _confused_messages(transcript, config) == expected


# --- dealer requests: one scan of all replies == a search per reply ------------

_DEALER_TEXT = st.lists(
    st.sampled_from(
        ["dealer", "Dealers", "talk", "baat", "real", "person", "salesperson", "İ", "Σ", " ", "\n"]
    ),
    max_size=6,
).map("".join)


@given(turns=st.lists(st.tuples(st.sampled_from(["assistant", "user"]), _DEALER_TEXT), max_size=8))
def test_dealer_request_equals_a_search_per_reply(
    turns: list[tuple[str, str]], config: AnalysisConfig
) -> None:
    """The first reply holding a noun and a verb, as searching each reply alone finds it."""
    start = datetime(2025, 10, 2, tzinfo=UTC)
    messages = [Message(role, text, start) for role, text in turns]  # type: ignore[arg-type]
    transcript = build_transcript("c1", "v", "", start, start, messages)
    expected = None
    for index, message in enumerate(transcript.messages):
        lowered = message.text.lower()
        noun = config.dealer_noun_matcher.search(lowered)
        verb = config.dealer_verb_matcher.search(lowered)
        if message.role == "user" and noun is not None and verb is not None:
            expected = (index, noun.group(), verb.group())
            break
    found = _dealer_request(transcript, config)
    assert (found and (found.message_index, found.noun, found.verb)) == expected
