"""Standard Webhooks signatures, checked with the `standardwebhooks` package, not our code."""

from __future__ import annotations

import base64
import os
import string
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook, WebhookVerificationError

from callpipe.connectors.webhook import (
    SigningSecretError,
    WebhookSigner,
    idempotency_key,
    parse_secrets,
    webhook_id,
)
from callpipe.connectors.webhook.signing import parse_secret

SECRET_A = "whsec_" + base64.b64encode(b"A" * 24).decode()
SECRET_B = "whsec_" + base64.b64encode(bytes(range(32))).decode()
BODY = b'{"call_ref_id":"18882175837982272","duration":80}'
KEY = "bot_18882175837982272-3f2a9c0d1e4b5a6c"


def now() -> datetime:
    return datetime.now(UTC)


def secrets_of(key_bytes: bytes) -> str:
    return "whsec_" + base64.b64encode(key_bytes).decode()


random_secrets = st.binary(min_size=24, max_size=64).map(secrets_of)
# The sender's keys are printable ASCII (they travel as headers); dots included.
idempotency_keys = st.text(alphabet=string.printable.strip() + " ", min_size=1, max_size=80)


def verify(secret: str, body: bytes, headers: dict[str, str]) -> None:
    """The customer's check: raises WebhookVerificationError unless the headers match."""
    Webhook(secret).verify(body, headers, json_parse=False)


def test_signed_headers_verify_with_the_reference_library() -> None:
    """webhook-id, webhook-timestamp and webhook-signature as a customer's library wants them."""
    headers = WebhookSigner.from_secrets(SECRET_A, clock=now).headers(KEY, BODY)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-id"] == KEY
    assert headers["webhook-timestamp"].isdigit()
    assert headers["webhook-signature"].startswith("v1,")
    verify(SECRET_A, BODY, headers)


def test_the_timestamp_is_the_clocks_integer_seconds() -> None:
    """Floored Unix seconds of the injected clock, not of the wall clock."""
    moment = datetime(2025, 10, 2, 9, 0, 0, 999_000, tzinfo=UTC)
    headers = WebhookSigner.from_secrets(SECRET_A, clock=lambda: moment).headers(KEY, BODY)
    assert headers["webhook-timestamp"] == str(int(moment.timestamp()))
    assert headers["webhook-timestamp"] == "1759395600"


def test_the_signature_equals_the_reference_librarys_at_any_moment() -> None:
    """At a moment long past (where verify would refuse it as stale) the bytes still agree."""
    moment = datetime(2021, 1, 1, 0, 0, 7, tzinfo=UTC)
    headers = WebhookSigner.from_secrets(SECRET_B, clock=lambda: moment).headers(KEY, BODY)
    expected = Webhook(SECRET_B).sign(KEY, moment, BODY.decode())
    assert headers["webhook-signature"] == expected


def test_rotation_signs_with_each_secret_and_each_verifies() -> None:
    """Two secrets: two v1 entries, space-separated; a receiver knowing either one accepts."""
    headers = WebhookSigner.from_secrets(f"{SECRET_A} {SECRET_B}", clock=now).headers(KEY, BODY)
    entries = headers["webhook-signature"].split(" ")
    assert len(entries) == 2
    assert all(entry.startswith("v1,") for entry in entries)
    verify(SECRET_A, BODY, headers)
    verify(SECRET_B, BODY, headers)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        verify(secrets_of(os.urandom(32)), BODY, headers)


def _other_body(body: bytes, headers: dict[str, str]) -> bytes:
    return body.replace(b"80", b"81")


def _other_id(body: bytes, headers: dict[str, str]) -> bytes:
    headers["webhook-id"] = "bot_18882175837982273-3f2a9c0d1e4b5a6c"
    return body


def _other_timestamp(body: bytes, headers: dict[str, str]) -> bytes:
    headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 1)
    return body


@pytest.mark.parametrize("tamper", [_other_body, _other_id, _other_timestamp])
def test_a_changed_body_id_or_timestamp_fails_verification(
    tamper: Callable[[bytes, dict[str, str]], bytes],
) -> None:
    """The signature covers the id, the timestamp and every byte of the body."""
    headers = WebhookSigner.from_secrets(SECRET_A, clock=now).headers(KEY, BODY)
    body = tamper(BODY, headers)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        verify(SECRET_A, body, headers)


@pytest.mark.parametrize(
    ("offset", "reason"),
    [(timedelta(minutes=-6), "too old"), (timedelta(minutes=6), "too new")],
)
def test_a_clock_off_by_more_than_five_minutes_is_refused(offset: timedelta, reason: str) -> None:
    """The library's 5-minute tolerance applies to our timestamps, both ways."""
    signer = WebhookSigner.from_secrets(SECRET_A, clock=lambda: now() + offset)
    with pytest.raises(WebhookVerificationError, match=reason):
        verify(SECRET_A, BODY, signer.headers(KEY, BODY))


def test_a_clock_four_minutes_behind_is_still_accepted() -> None:
    """Inside the tolerance the signature verifies."""
    signer = WebhookSigner.from_secrets(SECRET_A, clock=lambda: now() - timedelta(minutes=4))
    verify(SECRET_A, BODY, signer.headers(KEY, BODY))


def test_each_call_reads_the_clock_again() -> None:
    """One signer, two attempts an hour apart: two timestamps, two signatures."""
    moments = iter(
        [datetime(2025, 10, 2, 9, 0, tzinfo=UTC), datetime(2025, 10, 2, 10, 0, tzinfo=UTC)]
    )
    signer = WebhookSigner.from_secrets(SECRET_A, clock=lambda: next(moments))
    first, second = signer.headers(KEY, BODY), signer.headers(KEY, BODY)
    assert int(second["webhook-timestamp"]) - int(first["webhook-timestamp"]) == 3600
    assert first["webhook-signature"] != second["webhook-signature"]


@given(
    secret=random_secrets,
    key=idempotency_keys,
    body=st.text(max_size=400).map(lambda text: text.encode("utf-8")),
)
def test_any_body_and_id_verify_with_the_reference_library(
    secret: str, key: str, body: bytes
) -> None:
    """Hypothesis: whatever the (UTF-8) body and printable key, the customer's library accepts."""
    headers = WebhookSigner.from_secrets(secret, clock=now).headers(key, body)
    verify(secret, body, headers)
    assert "." not in headers["webhook-id"]


@given(
    secrets=st.lists(random_secrets, min_size=1, max_size=3),
    key=idempotency_keys,
    body=st.text(max_size=200).map(lambda text: text.encode("utf-8")),
    seconds=st.integers(min_value=0, max_value=4_102_444_800),
)
def test_every_entry_equals_the_reference_signature(
    secrets: list[str], key: str, body: bytes, seconds: int
) -> None:
    """Hypothesis: entry n is the library's own signature with secret n, at any time."""
    moment = datetime.fromtimestamp(seconds, UTC)
    headers = WebhookSigner.from_secrets(" ".join(secrets), clock=lambda: moment).headers(key, body)
    expected = [Webhook(s).sign(headers["webhook-id"], moment, body.decode()) for s in secrets]
    assert headers["webhook-signature"].split(" ") == expected
    assert headers["webhook-timestamp"] == str(seconds)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("bot_18882175837982272-3f2a9c0d1e4b5a6c", "bot_18882175837982272-3f2a9c0d1e4b5a6c"),
        ("bot_call.7.b-00ff", "bot_call%2E7%2Eb-00ff"),
    ],
)
def test_webhook_id_is_the_key_with_dots_encoded(key: str, expected: str) -> None:
    """The spec forbids '.' in the id (the signed content is dot-delimited)."""
    assert webhook_id(key) == expected


@given(st.text(min_size=1, max_size=40))
def test_the_senders_keys_never_hold_the_dots_escape(call_ref_id: str) -> None:
    """Hypothesis: idempotency_key writes '%' as '%25', so '%2E' in an id always was a dot."""
    assert "%2E" not in idempotency_key({"call_ref_id": call_ref_id})


@given(idempotency_keys.filter(lambda key: "%2E" not in key))
def test_webhook_id_is_reversible_so_distinct_keys_keep_distinct_ids(key: str) -> None:
    """Hypothesis: replacing '%2E' back gives the key, so two keys never share an id."""
    assert webhook_id(key).replace("%2E", ".") == key


@pytest.mark.parametrize("pad", [True, False])
def test_a_secret_decodes_to_its_key_bytes(pad: bool) -> None:
    """whsec_ + base64 of the key; '=' padding may be left off, as the libraries allow."""
    raw = bytes(range(40))  # 40 bytes: base64 ends in '='
    text = "whsec_" + base64.b64encode(raw).decode()
    assert text.endswith("=")
    assert parse_secret(text if pad else text.rstrip("=")) == raw


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "holds no secret"),
        ("   ", "holds no secret"),
        (base64.b64encode(b"k" * 32).decode(), "does not start with whsec_"),
        ("whsec_", "decodes to 0 bytes"),
        ("whsec_not*base64*at*all", "not valid base64"),
        ("whsec_" + base64.urlsafe_b64encode(b"\xfb\xff" * 16).decode(), "not valid base64"),
        ("whsec_" + base64.b64encode(b"k" * 23).decode(), "decodes to 23 bytes"),
        ("whsec_" + base64.b64encode(b"k" * 65).decode(), "decodes to 65 bytes"),
        (f"{SECRET_A} whsec_%%%", "secret 2 of 2 is not valid base64"),
    ],
)
def test_malformed_secrets_are_refused_without_quoting_them(text: str, problem: str) -> None:
    """Each refusal says what is wrong and never repeats the secret."""
    with pytest.raises(SigningSecretError, match=problem) as caught:
        parse_secrets(text)
    encoded_parts = [part.removeprefix("whsec_") for part in text.split()]
    assert not any(part and part in str(caught.value) for part in encoded_parts)


def test_the_signer_never_shows_its_keys() -> None:
    """repr names how many secrets, not what they are."""
    signer = WebhookSigner.from_secrets(f"{SECRET_A} {SECRET_B}")
    assert repr(signer) == "WebhookSigner(2 secret(s))"
    assert SECRET_A.removeprefix("whsec_") not in repr(signer)
