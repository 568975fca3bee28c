"""One chat request per call: the prompt, the transcript and its attempt windows (pure).

Only windows with a reply are sent: where the customer said nothing there is
nothing to find, and the answer is checked against exactly this list of
window ids (see `answer`). The call is sent as one JSON document rather than
free text, so customer text can never be mistaken for instructions' layout
(quotes and newlines are escaped) and a server-side test double can read it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from callpipe.analysis.questions import AttemptWindow
from callpipe.analysis.transcript import Transcript
from callpipe.connectors.llm.prompt import Prompt

SCHEMA_NAME = "callpipe_extraction"

ChatRole = Literal["system", "user"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: ChatRole
    content: str


@dataclass(frozen=True, slots=True)
class LlmRequest:
    """Everything one chat completion needs, independent of any SDK.

    ``window_ids`` are the windows asked about, in call order; ``schema`` is
    the JSON schema of the answer for structured output.
    """

    call_ref_id: str
    prompt_version: str
    messages: tuple[ChatMessage, ...]
    window_ids: tuple[str, ...]
    schema: Mapping[str, Any]

    @property
    def digest(self) -> str:
        """sha256 of the messages: the canonical transcript, windows and rendered prompt."""
        canonical = json.dumps(
            [[message.role, message.content] for message in self.messages],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def windows_with_replies(windows: Iterable[AttemptWindow]) -> tuple[AttemptWindow, ...]:
    """The windows worth asking about: those where the customer said something."""
    return tuple(window for window in windows if window.replies)


def build_request(
    prompt: Prompt, transcript: Transcript, windows: Iterable[AttemptWindow]
) -> LlmRequest:
    """The request for ``transcript``; ValueError when no window has a reply."""
    asked = windows_with_replies(windows)
    if not asked:
        raise ValueError("no attempt window has a reply: there is nothing to ask the LLM")
    document = {
        "call_ref_id": transcript.call_ref_id,
        "messages": [
            {"index": index, "role": message.role, "text": message.text}
            for index, message in enumerate(transcript.messages)
        ],
        "windows": [
            {
                "window_id": window.id,
                "field": window.field,
                "question_index": window.question_index,
                "reply": window.reply_text,
            }
            for window in asked
        ],
    }
    user = (
        "The call, as JSON. Answer with the value of every window in `windows`.\n\n"
        + json.dumps(document, ensure_ascii=False)
    )
    window_ids = tuple(window.id for window in asked)
    return LlmRequest(
        call_ref_id=transcript.call_ref_id,
        prompt_version=prompt.version,
        messages=(ChatMessage("system", prompt.text), ChatMessage("user", user)),
        window_ids=window_ids,
        schema=answer_schema(window_ids),
    )


def answer_schema(window_ids: Iterable[str]) -> dict[str, Any]:
    """``{"values": [{"window_id": str, "value": str | null}]}`` in strict-mode form.

    Strict structured output needs every property required and no extra
    ones; the enum keeps a conforming server from naming windows that do not
    exist (the answer is checked all the same: not every server conforms).
    """
    return {
        "type": "object",
        "properties": {
            "values": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "window_id": {"type": "string", "enum": list(window_ids)},
                        "value": {"type": ["string", "null"]},
                    },
                    "required": ["window_id", "value"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["values"],
        "additionalProperties": False,
    }
