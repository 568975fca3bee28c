"""The ingest's credentials rules, pure: bearer header parsing, key checks, loopback."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callpipe.connectors.sources import Access, BearerKeys, is_loopback
from callpipe.connectors.sources.bearer import bearer_token

# RFC 6750 b64token characters.
TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/"
tokens = st.text(alphabet=TOKEN_CHARS, min_size=1, max_size=40)
schemes = st.sampled_from(["Bearer", "bearer", "BEARER", "bEaReR"])


@given(scheme=schemes, token=tokens, spaces=st.integers(min_value=1, max_value=3))
def test_the_token_of_any_bearer_header_is_read_back(scheme: str, token: str, spaces: int) -> None:
    """Hypothesis: 'Bearer <token>' in any case, with one or more spaces, gives the token."""
    assert bearer_token(f"{scheme}{' ' * spaces}{token}") == token


@pytest.mark.parametrize(
    "value", [None, "", "Bearer", "Bearer   ", "Basic abc", "Bearerabc", "Token x"]
)
def test_headers_without_a_bearer_token_give_none(value: str | None) -> None:
    """Missing header, another scheme, or no token at all."""
    assert bearer_token(value) is None


@given(keys=st.lists(tokens, min_size=1, max_size=4), guess=tokens)
def test_a_token_is_granted_exactly_when_it_is_one_of_the_keys(keys: list[str], guess: str) -> None:
    """Hypothesis: GRANTED iff the token equals a key, WRONG otherwise."""
    expected = Access.GRANTED if guess in keys else Access.WRONG
    assert BearerKeys(keys).check(f"Bearer {guess}") is expected


@given(keys=st.lists(tokens, min_size=1, max_size=4))
def test_every_key_is_granted(keys: list[str]) -> None:
    """Hypothesis: each configured key opens the door."""
    bearer = BearerKeys(keys)
    assert all(bearer.check(f"Bearer {key}") is Access.GRANTED for key in keys)


def test_without_keys_everything_is_granted_and_with_keys_nothing_is_by_default() -> None:
    """No keys: open (loopback only, enforced elsewhere); keys: a missing header is MISSING."""
    assert BearerKeys([]).check(None) is Access.GRANTED
    assert BearerKeys(["k"]).check(None) is Access.MISSING
    assert BearerKeys(["k"]).check("Bearer \udcff") is Access.WRONG


def test_keys_are_not_shown() -> None:
    """repr counts keys, never shows them."""
    assert repr(BearerKeys(["secret-1", "secret-2"])) == "BearerKeys(2 key(s))"


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_an_ipv4_address_is_loopback_exactly_inside_127_slash_8(number: int) -> None:
    """Hypothesis: 127.0.0.0/8 and nothing else, also written as an IPv4-mapped IPv6 address."""
    address = ipaddress.IPv4Address(number)
    inside = address in ipaddress.ip_network("127.0.0.0/8")
    assert is_loopback(str(address)) is inside
    assert is_loopback(f"::ffff:{address}") is inside


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("localhost.", True),
        ("::1", True),
        ("[::1]", True),
        ("0:0:0:0:0:0:0:1", True),
        ("::", False),
        ("0.0.0.0", False),
        ("", False),
        ("localhost.example", False),
        ("fe80::1", False),
        ("my-laptop", False),
    ],
)
def test_named_and_ipv6_hosts(host: str, expected: bool) -> None:
    """localhost and ::1 are loopback; wildcards, other names and addresses are not."""
    assert is_loopback(host) is expected
