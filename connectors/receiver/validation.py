"""Shape of a SingleInterface webhook payload, checked without I/O.

``problems(data)`` lists everything wrong with a decoded JSON body, each
problem naming its field by path (``response_data[1].attempts_details[0].
sequence``); an empty list means the payload is valid. Messages never quote
the offending value (it may be a customer's name or email).

Rules (spec "Complete Webhook Payload Structure", made exact):

- every top-level field is required except ``recording_url`` (the spec's own
  curl sample omits it; when present it must be a string); unknown extra
  fields are allowed, so a newer sender does not break an older receiver;
- ``id`` is ``"bot_" + call_ref_id``; ``duration`` is a number >= 0;
- ``start_time``, ``end_time`` and attempt times are ``YYYY-MM-DD HH:mm:ss``
  (a real date and time); ``dealer_routing.time`` and ``dropoff.time`` may
  also be ``""``;
- ``dropoff.action`` is ``""``, ``ivr``, ``name``, ``model`` or ``email``;
- each ``response_data`` item has ``key_label``, ``key_value`` (``name``,
  ``model`` or ``email``), ``key_response``, ``attempts`` (an integer >= 0
  equal to the number of ``attempts_details``), ``attempts_details`` (each with
  ``start_time``, ``end_time`` and ``sequence`` counting 1, 2, 3 ...) and
  ``remarks`` (``verified``, ``not_available`` or ``not_attempted``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeGuard

from callpipe.jsontypes import json_type_name

_TIME_SHAPE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")

KEY_VALUES = ("name", "model", "email")
REMARKS = ("verified", "not_available", "not_attempted")
DROPOFF_ACTIONS = ("", "ivr", "name", "model", "email")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a payload."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field} {self.message}"


def is_payload_time(value: str) -> bool:
    """True for ``YYYY-MM-DD HH:mm:ss`` naming a real moment (no milliseconds, no zone)."""
    match = _TIME_SHAPE.fullmatch(value)
    if match is None:
        return False
    try:  # datetime() checks the ranges; strptime would too, at 10x the cost
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return True


def problems(data: object) -> list[Problem]:
    """Everything wrong with a decoded payload, in field order; empty when valid."""
    check = _Checker()
    check.payload(data)
    return check.found


Check = Callable[[object, str], None]
"""Checks one value found at a path, recording what is wrong with it."""


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    """Collects problems while walking the payload."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def fail(self, field: str, message: str) -> None:
        self.found.append(Problem(field, message))

    def field(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        check: Check,
        *,
        optional: bool = False,
    ) -> None:
        if key not in obj:
            if not optional:
                self.fail(path + key, "is required")
            return
        check(obj[key], path + key)

    def expect_object(self, value: object, path: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.fail(path, f"must be an object, not {json_type_name(value)}")
        return None

    def object_fields(
        self, value: object, path: str, fields: Mapping[str, Check]
    ) -> dict[str, Any] | None:
        """Checks an object's ``fields`` in order (each is required); returns the object,
        for checks across its fields, or None when it is not one."""
        obj = self.expect_object(value, path)
        if obj is not None:
            for key, check in fields.items():
                self.field(obj, key, path + ".", check)
        return obj

    def expect_array(self, value: object, path: str) -> list[Any] | None:
        if isinstance(value, list):
            return value
        self.fail(path, f"must be an array, not {json_type_name(value)}")
        return None

    def string(self, value: object, path: str) -> None:
        if not isinstance(value, str):
            self.fail(path, f"must be a string, not {json_type_name(value)}")

    def nonempty_string(self, value: object, path: str) -> None:
        if not isinstance(value, str):
            self.fail(path, f"must be a string, not {json_type_name(value)}")
        elif not value:
            self.fail(path, "must not be empty")

    def boolean(self, value: object, path: str) -> None:
        if not isinstance(value, bool):
            self.fail(path, f"must be a boolean, not {json_type_name(value)}")

    def count(self, value: object, path: str, *, minimum: int = 0) -> None:
        if not _is_int(value):
            self.fail(path, f"must be an integer, not {json_type_name(value)}")
        elif value < minimum:
            self.fail(path, f"must be >= {minimum}")

    def duration(self, value: object, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"must be a number, not {json_type_name(value)}")
        elif not math.isfinite(value) or value < 0:
            self.fail(path, "must be a finite number >= 0")

    def time(self, value: object, path: str, *, may_be_empty: bool = False) -> None:
        if not isinstance(value, str):
            self.fail(path, f"must be a string, not {json_type_name(value)}")
        elif value == "" and may_be_empty:
            return
        elif not is_payload_time(value):
            allowed = ' or ""' if may_be_empty else ""
            self.fail(path, f'must be a time "YYYY-MM-DD HH:mm:ss"{allowed}')

    def optional_time(self, value: object, path: str) -> None:
        self.time(value, path, may_be_empty=True)

    def one_of(self, choices: tuple[str, ...]) -> Check:
        def check(value: object, path: str) -> None:
            if not isinstance(value, str):
                self.fail(path, f"must be a string, not {json_type_name(value)}")
            elif value not in choices:
                self.fail(path, "must be one of " + ", ".join(repr(c) for c in choices))

        return check

    def payload(self, data: object) -> None:
        obj = self.expect_object(data, "payload")
        if obj is None:
            return
        self.field(obj, "id", "", self.nonempty_string)
        self.field(obj, "call_ref_id", "", self.nonempty_string)
        ref, ident = obj.get("call_ref_id"), obj.get("id")
        if isinstance(ref, str) and ref and isinstance(ident, str) and ident != f"bot_{ref}":
            self.fail("id", 'must be "bot_" + call_ref_id')
        self.field(obj, "call_vendor", "", self.string)
        self.field(obj, "recording_url", "", self.string, optional=True)
        self.field(obj, "start_time", "", self.time)
        self.field(obj, "end_time", "", self.time)
        self.field(obj, "duration", "", self.duration)
        self.field(obj, "language", "", self.language)
        self.field(obj, "dealer_routing", "", self.dealer_routing)
        self.field(obj, "dropoff", "", self.dropoff)
        self.field(obj, "response_data", "", self.response_data)

    def language(self, value: object, path: str) -> None:
        fields = {"welcome": self.nonempty_string, "conversational": self.nonempty_string}
        self.object_fields(value, path, fields)

    def dealer_routing(self, value: object, path: str) -> None:
        fields = {"status": self.boolean, "reason": self.string, "time": self.optional_time}
        self.object_fields(value, path, fields)

    def dropoff(self, value: object, path: str) -> None:
        fields = {"time": self.optional_time, "action": self.one_of(DROPOFF_ACTIONS)}
        self.object_fields(value, path, fields)

    def response_data(self, value: object, path: str) -> None:
        items = self.expect_array(value, path)
        for index, item in enumerate(items or ()):
            self.data_point(item, f"{path}[{index}]")

    def data_point(self, value: object, path: str) -> None:
        fields = {
            "key_label": self.string,
            "key_value": self.one_of(KEY_VALUES),
            "key_response": self.string,
            "attempts": self.count,
            "attempts_details": self.attempts_details,
            "remarks": self.one_of(REMARKS),
        }
        obj = self.object_fields(value, path, fields)
        if obj is None:
            return
        attempts, details = obj.get("attempts"), obj.get("attempts_details")
        if _is_int(attempts) and isinstance(details, list) and attempts != len(details):
            self.fail(path + ".attempts", "must equal the number of attempts_details")

    def attempts_details(self, value: object, path: str) -> None:
        fields = {"start_time": self.time, "end_time": self.time, "sequence": self.sequence}
        items = self.expect_array(value, path)
        for index, item in enumerate(items or ()):
            item_path = f"{path}[{index}]"
            obj = self.object_fields(item, item_path, fields)
            sequence = None if obj is None else obj.get("sequence")
            if _is_int(sequence) and sequence >= 1 and sequence != index + 1:
                self.fail(item_path + ".sequence", f"must be {index + 1} (1, 2, 3 ... in order)")

    def sequence(self, value: object, path: str) -> None:
        self.count(value, path, minimum=1)
