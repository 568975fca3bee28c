"""Dealer routing (contract section 5) and dropoff (section 6)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from analysis_support import build_call
from hypothesis import given
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig, Message, Transcript, build_transcript
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


DEALER_REQUESTED = "Customer requested to speak with dealer"
ALL_DATA = "All data collected - routing to dealer"
NOT_UNDERSTOOD = "Unable to understand customer responses"
PARTIAL_DATA = "Partial data collected - call ended"
NO_DATA = "No data collected - call failed"

# (call, status, reason, time): the rules are tried in order 1 to 5.
ROUTING_RULES = [
    pytest.param(
        complete_call(("user", "Now let me talk to the dealer", 50, 52)),
        True,
        DEALER_REQUESTED,
        "2025-10-02 10:00:50",
        id="rule 1 beats all data, at the request's timestamp",
    ),
    pytest.param(
        build_call(
            [("user", "Connect me to a real person", 5), ("user", "I want to speak to an agent", 9)]
        ),
        True,
        DEALER_REQUESTED,
        "2025-10-02 10:00:05",
        id="rule 1 at the first of several requests",
    ),
    pytest.param(
        build_call([("assistant", "I will connect you to our dealer", 5)]),
        False,
        NO_DATA,
        "",
        id="rule 1 looks at user messages only",
    ),
    pytest.param(
        complete_call(),
        True,
        ALL_DATA,
        "2025-10-02 10:01:40",
        id="rule 2: all three verified, at the call's end_time",
    ),
    pytest.param(
        complete_call(
            ("assistant", "Sorry", 60), ("assistant", "Sorry", 61), ("assistant", "Sorry", 62)
        ),
        True,
        ALL_DATA,
        "2025-10-02 10:01:40",
        id="rule 2 is tried before rule 3",
    ),
    pytest.param(
        build_call(
            [
                (*ASK_NAME, 10),
                ("user", "hmm", 11, 12),
                ("assistant", "Your name please?", 20),
                ("user", "what", 21, 22),
                ("assistant", "Tell me your name once again?", 30),
                ("user", "Rahul", 31, 33),
            ],
            end=90,
        ),
        True,
        NOT_UNDERSTOOD,
        "2025-10-02 10:00:33",
        id="rule 3: mean attempts over 2, at the last attempt's end",
    ),
    pytest.param(
        build_call(
            [
                (*ASK_NAME, 10),
                ("assistant", "Your name?", 15),
                ("user", "Rahul", 16, 17),
                (*ASK_MODEL, 20),
                ("assistant", "Which car?", 25),
            ]
        ),
        False,
        PARTIAL_DATA,
        "",
        id="rule 3 not at mean attempts of exactly 2",
    ),
    pytest.param(
        build_call(
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
        ),
        True,
        NOT_UNDERSTOOD,
        "2025-10-02 10:00:23",
        id="rule 3: three confused assistant messages, even with few attempts",
    ),
    pytest.param(
        build_call(
            [
                ("assistant", "Pardon?", 5),
                ("assistant", "Sorry, one more time", 10),
                (*ASK_NAME, 20),
            ]
        ),
        False,
        NO_DATA,
        "",
        id="rule 3 not with two confused messages and mean attempts 1",
    ),
    pytest.param(
        build_call(
            [
                ("assistant", "Sorry?", 5),
                ("assistant", "Pardon?", 10),
                ("assistant", "Repeat?", 15),
            ],
            end=30,
        ),
        True,
        NOT_UNDERSTOOD,
        "2025-10-02 10:00:30",
        id="rule 3 with nothing asked, at the call's end_time",
    ),
    pytest.param(
        build_call([(*ASK_NAME, 10), ("user", "Priya", 11, 12), ("assistant", "Bye", 20)]),
        False,
        PARTIAL_DATA,
        "",
        id="rule 4: one field verified",
    ),
    pytest.param(
        build_call([(*ASK_NAME, 10), ("user", "I don't know", 11, 12)]),
        False,
        NO_DATA,
        "",
        id="rule 5: nothing verified",
    ),
]


@pytest.mark.parametrize(("data", "status", "reason", "time"), ROUTING_RULES)
def test_the_first_rule_that_holds_routes_the_call(
    data: dict[str, Any], status: bool, reason: str, time: str, payload_of: Any
) -> None:
    """Its status, reason and time are the routing; a routed call is handed
    over, not dropped, and a call not routed drops off somewhere."""
    payload = payload_of(data)
    assert routing(payload) == {"status": status, "reason": reason, "time": time}
    assert (payload["dropoff"] == {"time": "", "action": ""}) is status


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
    assert (routing(payload)["reason"] == DEALER_REQUESTED) is routed


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


# --- one scan of a call == one search per message ---------------------------


def texts_of(*pieces: str) -> st.SearchStrategy[str]:
    """Texts of up to six of ``pieces`` run together."""
    return st.lists(st.sampled_from(pieces), max_size=6).map("".join)


def turns_of(texts: st.SearchStrategy[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Up to eight (role, text) turns of the assistant and the user."""
    return st.lists(st.tuples(st.sampled_from(["assistant", "user"]), texts), max_size=8)


def transcript_of(turns: list[tuple[str, str]]) -> Transcript:
    """A call of ``turns``, all at one instant, so that they keep their order."""
    start = datetime(2025, 10, 2, tzinfo=UTC)
    messages = [Message(role, text, start) for role, text in turns]  # type: ignore[arg-type]
    return build_transcript("c1", "v", "", start, start, messages)


_PHRASE_TEXT = texts_of(
    "sorry", "Pardon", "did not  understand", "phir se", "so", "rry", "x", " ", "\n"
)


@given(turns=turns_of(_PHRASE_TEXT))
def test_confused_messages_equal_a_search_per_message(
    turns: list[tuple[str, str]], config: AnalysisConfig
) -> None:
    """One scan of all assistant messages finds the same messages as one search each."""
    transcript = transcript_of(turns)
    expected = tuple(
        index
        for index, message in enumerate(transcript.messages)
        if message.role == "assistant"
        and config.confusion_matcher.search(message.text.lower()) is not None
    )
    assert _confused_messages(transcript, config) == expected


_DEALER_TEXT = texts_of(
    "dealer", "Dealers", "talk", "baat", "real", "person", "salesperson", "İ", "Σ", " ", "\n"
)


@given(turns=turns_of(_DEALER_TEXT))
def test_dealer_request_equals_a_search_per_reply(
    turns: list[tuple[str, str]], config: AnalysisConfig
) -> None:
    """The first reply holding a noun and a verb, as searching each reply alone finds it."""
    transcript = transcript_of(turns)
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
