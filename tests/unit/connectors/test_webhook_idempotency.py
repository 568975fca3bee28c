"""Idempotency keys: bot_<call_ref_id>-<hash>, stable for the same payload."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callpipe.connectors.webhook.errors import PayloadError, WebhookError
from callpipe.connectors.webhook.idempotency import canonical_json, content_hash, idempotency_key
from tests.payload_support import EXAMPLES

KEY_SHAPE = re.compile(r"bot_[A-Za-z0-9._:~%-]+-[0-9a-f]{16}")


def _payload(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "bot_18882175837982271",
        "call_ref_id": "18882175837982271",
        "language": {"welcome": "english", "conversational": "hindi"},
        "response_data": [{"key_value": "name", "key_response": "राहुल"}],
    }
    base.update(changes)
    return base


def test_key_is_bot_call_ref_id_and_a_short_hash() -> None:
    """The key names the call and ends in 16 hex digits."""
    key = idempotency_key(_payload())
    assert key.startswith("bot_18882175837982271-")
    assert KEY_SHAPE.fullmatch(key)


def test_hash_is_sha256_of_sorted_compact_unicode_json() -> None:
    """The hash is computed exactly as documented (checked independently here)."""
    payload = _payload()
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    assert idempotency_key(payload) == f"bot_18882175837982271-{expected}"


def test_canonical_json_keeps_unicode_and_has_no_whitespace() -> None:
    """ensure_ascii=False and compact separators."""
    text = canonical_json({"b": 1, "a": "राहुल"})
    assert text == '{"a":"राहुल","b":1}'


def test_same_payload_gives_same_key_whatever_the_key_order() -> None:
    """Retries and reprocessing of equal payloads carry one key."""
    payload = _payload()
    reordered = dict(reversed(list(payload.items())))
    assert idempotency_key(payload) == idempotency_key(reordered)


def test_changed_payload_gives_a_new_key() -> None:
    """A corrected analysis is a different delivery."""
    assert idempotency_key(_payload()) != idempotency_key(_payload(duration=151))


@pytest.mark.parametrize(
    ("call_ref_id", "prefix"),
    [("abc-123_X.y:z", "bot_abc-123_X.y:z-"), ("a b/c\n", "bot_a%20b%2Fc%0A-")],
)
def test_unsafe_id_characters_are_percent_encoded(call_ref_id: str, prefix: str) -> None:
    """The key is always a safe header value."""
    assert idempotency_key(_payload(call_ref_id=call_ref_id)).startswith(prefix)


@pytest.mark.parametrize("call_ref_id", [None, "", 123, ["x"]])
def test_missing_call_ref_id_is_a_payload_error(call_ref_id: object) -> None:
    """No key without a call_ref_id string."""
    with pytest.raises(PayloadError) as info:
        idempotency_key(_payload(call_ref_id=call_ref_id))
    assert info.value.field == "call_ref_id"
    assert isinstance(info.value, WebhookError)


@pytest.mark.parametrize("bad", [{1, 2}, float("nan"), object()])
def test_unserialisable_payload_is_a_payload_error(bad: object) -> None:
    """Sets, NaN and objects are not JSON."""
    with pytest.raises(PayloadError, match="not JSON-serialisable"):
        content_hash(_payload(extra=bad))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.payload.json")), ids=lambda p: p.name)
def test_contract_examples_get_stable_keys(path: Path) -> None:
    """Loading the same file twice gives the same key."""
    first = idempotency_key(json.loads(path.read_text()))
    second = idempotency_key(json.loads(path.read_text()))
    assert first == second
    assert KEY_SHAPE.fullmatch(first)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@settings(max_examples=50)
@given(extra=st.dictionaries(st.text(), json_values, max_size=6), data=st.data())
def test_key_ignores_dict_insertion_order(extra: dict[str, Any], data: st.DataObject) -> None:
    """Any JSON payload gives one key whatever the insertion order of its fields."""
    payload = {**extra, "call_ref_id": "42"}
    order = data.draw(st.permutations(list(payload)))
    shuffled = {name: payload[name] for name in order}
    assert idempotency_key(payload) == idempotency_key(shuffled)
