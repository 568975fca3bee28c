"""Building the one chat request of a call."""

from __future__ import annotations

import json
from typing import Any

import pytest

from callpipe.analysis import AnalysisConfig, find_attempt_windows
from callpipe.connectors.llm.prompt import Prompt, load_prompt
from callpipe.connectors.llm.request import answer_schema, build_request
from tests.unit.llm.llm_helpers import MakeCall

TURNS: list[tuple[Any, str]] = [
    ("assistant", "Namaste! May I know your name please?"),
    ("user", "राहुल शर्मा"),
    ("user", "no wait, it's Rahul Verma"),
    ("assistant", "Which model are you looking for?"),
    ("assistant", "Hello? Which car do you want?"),
    ("user", 'the "electric" Nexon\nplease'),
    ("assistant", "What is your email id?"),
]


@pytest.fixture(scope="module")
def prompt(config: AnalysisConfig) -> Prompt:
    return load_prompt(config)


def user_document(content: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(content[content.index("{") :])
    return decoded


def test_messages_are_the_prompt_then_the_call(
    config: AnalysisConfig, prompt: Prompt, make_call: MakeCall
) -> None:
    """System message = rendered prompt; user message = the call as one JSON document."""
    call = make_call("call-42", TURNS)
    request = build_request(prompt, call, find_attempt_windows(call, config))
    assert [m.role for m in request.messages] == ["system", "user"]
    assert request.messages[0].content == prompt.text
    document = user_document(request.messages[1].content)
    assert document["call_ref_id"] == "call-42"
    assert [(m["role"], m["text"]) for m in document["messages"]] == TURNS
    assert [m["index"] for m in document["messages"]] == list(range(len(TURNS)))


def test_only_windows_with_a_reply_are_asked(
    config: AnalysisConfig, prompt: Prompt, make_call: MakeCall
) -> None:
    """Each answered window is listed with its id, field, question and reply text."""
    call = make_call("call-42", TURNS)
    request = build_request(prompt, call, find_attempt_windows(call, config))
    windows = user_document(request.messages[1].content)["windows"]
    assert windows == [
        {
            "window_id": "name-1",
            "field": "name",
            "question_index": 0,
            "reply": "राहुल शर्मा\nno wait, it's Rahul Verma",
        },
        {
            "window_id": "model-2",
            "field": "model",
            "question_index": 4,
            "reply": 'the "electric" Nexon\nplease',
        },
    ]
    assert request.window_ids == ("name-1", "model-2")  # model-1 and email-1 had no reply


def test_no_reply_anywhere_is_refused(
    config: AnalysisConfig, prompt: Prompt, make_call: MakeCall
) -> None:
    """Without a single reply there is nothing to ask: building the request is a bug."""
    call = make_call("c", [("assistant", "What's your name?")])
    with pytest.raises(ValueError, match="no attempt window has a reply"):
        build_request(prompt, call, find_attempt_windows(call, config))


def test_schema_is_strict_and_lists_the_window_ids() -> None:
    """The answer schema is the strict-mode {"values": [{window_id, value}]} shape."""
    schema = answer_schema(["name-1", "email-2"])
    assert schema["required"] == ["values"] and schema["additionalProperties"] is False
    item = schema["properties"]["values"]["items"]
    assert item["required"] == ["window_id", "value"]
    assert item["additionalProperties"] is False
    assert item["properties"]["window_id"] == {"type": "string", "enum": ["name-1", "email-2"]}
    assert item["properties"]["value"] == {"type": ["string", "null"]}


def test_digest_is_stable_and_follows_the_transcript(
    config: AnalysisConfig, prompt: Prompt, make_call: MakeCall
) -> None:
    """The same call gives the same digest; one changed character gives another."""
    first = make_call("call-42", TURNS)
    again = make_call("call-42", TURNS)
    changed = make_call("call-42", [*TURNS[:-1], ("assistant", "What is your email id ?")])
    digest = build_request(prompt, first, find_attempt_windows(first, config)).digest
    assert build_request(prompt, again, find_attempt_windows(again, config)).digest == digest
    assert build_request(prompt, changed, find_attempt_windows(changed, config)).digest != digest
