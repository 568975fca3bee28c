"""The truth file of a labelled call: what a careful human would type into the CRM.

```json
{"call_ref_id": "corpus-a001", "name": "Dinesh Rao", "model": "Kia Sonet",
 "email": "dinesh.rao77@gmail.com", "language": "hindi",
 "routing": {"status": true, "reason": "All data collected - routing to dealer"},
 "dropoff_action": "", "categories": ["correction"], "why": "..."}
```

``name``, ``model``, ``email`` are ``""`` when no value can be read with
confidence (or the field was never asked); ``call_ref_id``, ``categories``
and ``why`` are optional. Other keys are allowed and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class TruthError(ValueError):
    """A truth file does not have the documented shape."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Truth:
    name: str
    model: str
    email: str
    language: str
    routing_status: bool
    routing_reason: str
    dropoff_action: str
    call_ref_id: str | None = None
    categories: tuple[str, ...] = ()
    why: str = ""


def read_truth(data: object) -> Truth:
    """The `Truth` in decoded JSON; TruthError naming the key when malformed."""
    if not isinstance(data, dict):
        raise TruthError("truth", f"expected an object, got {type(data).__name__}")
    routing = _required(data, "routing")
    if not isinstance(routing, dict):
        raise TruthError("routing", "expected an object with status and reason")
    status = _required(routing, "status", "routing.")
    if not isinstance(status, bool):
        raise TruthError("routing.status", "expected true or false")
    categories = data.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise TruthError("categories", "expected a list of strings")
    call_ref_id = data.get("call_ref_id")
    if call_ref_id is not None and not isinstance(call_ref_id, str):
        raise TruthError("call_ref_id", "expected a string")
    return Truth(
        name=_text(data, "name"),
        model=_text(data, "model"),
        email=_text(data, "email"),
        language=_text(data, "language"),
        routing_status=status,
        routing_reason=_text(routing, "reason", "routing."),
        dropoff_action=_text(data, "dropoff_action"),
        call_ref_id=call_ref_id,
        categories=tuple(categories),
        why=str(data.get("why", "")),
    )


def _required(data: dict[str, Any], key: str, parent: str = "") -> object:
    if key not in data:
        raise TruthError(parent + key, "required key is missing")
    return data[key]


def _text(data: dict[str, Any], key: str, parent: str = "") -> str:
    value = _required(data, key, parent)
    if not isinstance(value, str):
        raise TruthError(parent + key, f"expected a string, got {type(value).__name__}")
    return value
