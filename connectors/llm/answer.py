"""Reading the LLM's answer: JSON in, trusted values per window out (pure, never raises).

The answer is untrusted input. Whatever it holds, `read_answer` returns
either an `Answer` (the usable values, and every piece it dropped with the
reason) or an `UnusableAnswer` (nothing can be taken: the call falls back
to the rules). Pieces are dropped, not trusted, when they:

- name a window that was not asked about in this call (``unknown_window``):
  the LLM must never "find" a value where the question was never asked;
- repeat a window already answered (``duplicate``: the first one counts);
- are not ``{"window_id": str, "value": str | null}`` (``malformed``);
- hold a value the field does not allow (``invalid_value``, see `validation`).

A window the answer leaves out, or answers with null or "", has no value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from callpipe.analysis.fields import Field
from callpipe.connectors.llm.validation import ValueValidator

DropReason = Literal["unknown_window", "duplicate", "malformed", "invalid_value"]
DROP_REASONS: tuple[DropReason, ...] = ("unknown_window", "duplicate", "malformed", "invalid_value")

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Dropped:
    """One piece of the answer that was not used (``window_id`` None when it had none)."""

    window_id: str | None
    reason: DropReason


@dataclass(frozen=True, slots=True)
class Answer:
    """The usable values by window id (only windows asked about), and what was dropped."""

    values: Mapping[str, str | None]
    dropped: tuple[Dropped, ...]


@dataclass(frozen=True, slots=True)
class UnusableAnswer:
    """Nothing in the answer can be used; ``problem`` says why (no answer text in it)."""

    problem: str


def read_answer(
    text: str, asked: Mapping[str, Field], validator: ValueValidator
) -> Answer | UnusableAnswer:
    """The answer ``text`` checked against ``asked`` (window id -> field)."""
    try:
        decoded = json.loads(_without_code_fence(text))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        return UnusableAnswer(f"not JSON ({type(exc).__name__})")
    if not isinstance(decoded, dict):
        return UnusableAnswer(f"expected an object, got {type(decoded).__name__}")
    items = decoded.get("values")
    if not isinstance(items, list):
        return UnusableAnswer("no 'values' array")
    values: dict[str, str | None] = {}
    dropped: list[Dropped] = []
    for item in items:
        entry = _entry(item)
        if isinstance(entry, Dropped):
            dropped.append(entry)
            continue
        window_id, value = entry
        field = asked.get(window_id)
        if field is None:
            dropped.append(Dropped(window_id, "unknown_window"))
        elif window_id in values:
            dropped.append(Dropped(window_id, "duplicate"))
        elif value is None or not value.strip():
            values[window_id] = None
        else:
            checked = validator.check(field, value)
            values[window_id] = checked
            if checked is None:
                dropped.append(Dropped(window_id, "invalid_value"))
    return Answer(values=values, dropped=tuple(dropped))


def _entry(item: object) -> tuple[str, str | None] | Dropped:
    """(window id, value) of one entry of ``values``, or why it is malformed."""
    if not isinstance(item, dict):
        return Dropped(None, "malformed")
    window_id = item.get("window_id")
    if not isinstance(window_id, str):
        return Dropped(None, "malformed")
    value = item.get("value", _MISSING)
    if value is not None and not isinstance(value, str):  # also catches a missing value
        return Dropped(window_id, "malformed")
    return window_id, value


def _without_code_fence(text: str) -> str:
    # Servers without enforced JSON output (json_object mode on small local
    # models) sometimes wrap the object in a Markdown fence.
    stripped = text.strip()
    if not stripped.startswith("```"):
        return stripped
    body = stripped[3:]
    body = body.split("\n", 1)[1] if "\n" in body else ""  # drop the ```json line
    return body[: body.rfind("```")] if "```" in body else body
