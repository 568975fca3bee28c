"""Each TypedDict of callpipe.record_types has exactly the keys and types of its .avsc."""

from __future__ import annotations

import json
import types
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from callpipe import record_types as rt

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
TYPED = {
    "transcript_saved.avsc": rt.TranscriptSaved,
    "call_extracted.avsc": rt.CallExtracted,
    "call_analyzed.avsc": rt.CallAnalyzed,
    "webhook_delivered.avsc": rt.WebhookDelivered,
    "webhook_retry.avsc": rt.WebhookRetry,
    "dead_letter.avsc": rt.DeadLetter,
    "dlq_replayed.avsc": rt.DeadLetterReplayed,
}
PRIMITIVES: dict[str, type] = {
    "string": str,
    "int": int,
    "long": int,
    "float": float,
    "double": float,
    "boolean": bool,
    "bytes": bytes,
}
TIMESTAMPS = ("timestamp-millis", "timestamp-micros")


def mismatches(schema: Any, hint: Any, path: str, named: dict[str, Any]) -> list[str]:
    """Where ``hint`` is not the type fastavro gives for ``schema`` (empty: none)."""
    if isinstance(schema, str) and schema in named:
        return mismatches(named[schema], hint, path, named)
    if isinstance(schema, str):
        return [] if hint is PRIMITIVES[schema] else [f"{path}: {hint} is not {schema}"]
    if isinstance(schema, list):
        return _union(schema, hint, path, named)
    kind = schema["type"]
    if schema.get("logicalType") in TIMESTAMPS:
        return [] if hint is datetime else [f"{path}: {hint} is not a datetime"]
    if kind == "enum":
        named[schema["name"]] = schema
        ok = get_origin(hint) is Literal and get_args(hint) == tuple(schema["symbols"])
        return [] if ok else [f"{path}: {hint} is not Literal{schema['symbols']}"]
    if kind == "array":
        if get_origin(hint) is not list:
            return [f"{path}: {hint} is not a list"]
        return mismatches(schema["items"], get_args(hint)[0], f"{path}[]", named)
    if kind == "map":
        if get_origin(hint) is not dict or get_args(hint)[0] is not str:
            return [f"{path}: {hint} is not a dict[str, ...]"]
        return mismatches(schema["values"], get_args(hint)[1], f"{path}{{}}", named)
    if kind == "record":
        return _record(schema, hint, path, named)
    return mismatches(kind, hint, path, named)


def _union(schema: list[Any], hint: Any, path: str, named: dict[str, Any]) -> list[str]:
    others = [branch for branch in schema if branch != "null"]
    if "null" not in schema or len(others) != 1:
        return [f"{path}: only [null, X] unions are mapped, not {schema}"]
    args = get_args(hint)
    if get_origin(hint) not in (Union, types.UnionType) or type(None) not in args:
        return [f"{path}: {hint} is not X | None"]
    [inner] = [arg for arg in args if arg is not type(None)]
    return mismatches(others[0], inner, path, named)


def _record(schema: dict[str, Any], hint: Any, path: str, named: dict[str, Any]) -> list[str]:
    named[schema["name"]] = schema
    if not is_typeddict(hint):
        return [f"{path}: {hint} is not a TypedDict"]
    fields = {field["name"]: field["type"] for field in schema["fields"]}
    hints = get_type_hints(hint)
    if set(hints) != set(fields) or set(hint.__required_keys__) != set(fields):
        return [f"{path}: keys {sorted(hints)} are not {sorted(fields)} (all required)"]
    found: list[str] = []
    for name, field_schema in fields.items():
        found += mismatches(field_schema, hints[name], f"{path}.{name}", named)
    return found


def test_every_schema_has_its_typeddict() -> None:
    """A new .avsc without a TypedDict here fails."""
    assert {path.name for path in SCHEMAS.glob("*.avsc")} == set(TYPED)


@pytest.mark.parametrize("name", sorted(TYPED))
def test_the_typeddict_matches_its_schema(name: str) -> None:
    """Keys, nested records, [null, X] unions, arrays, enums and timestamps all agree."""
    schema = json.loads((SCHEMAS / name).read_text())
    assert mismatches(schema, TYPED[name], schema["name"], {}) == []


@pytest.mark.parametrize(
    ("schema", "hint"),
    [
        ("string", int),
        ({"type": "long", "logicalType": "timestamp-millis"}, int),
        (["null", "string"], str),
        (["null", "int"], str | None),
        ({"type": "array", "items": "int"}, list[str]),
        ({"type": "map", "values": "long"}, dict[str, str]),
        ({"type": "enum", "name": "E", "symbols": ["a", "b"]}, Literal["a"]),
        (
            {"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]},
            rt.Language,
        ),
    ],
)
def test_a_wrong_type_is_found(schema: Any, hint: Any) -> None:
    """The walk is not vacuous: each kind of mismatch is reported."""
    assert mismatches(schema, hint, "x", {}) != []
