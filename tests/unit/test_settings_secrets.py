"""WEBHOOK_SIGNING_SECRET and INGEST_API_KEYS: parsed, refused in one line, never printed."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from callpipe.settings import Settings, api_keys, describe_settings_error, is_settings_error

REPO = Path(__file__).resolve().parents[2]
GOOD_SECRET = "whsec_" + base64.b64encode(b"g" * 32).decode()
MALFORMED_SECRETS = [
    "not-a-whsec-secret-at-all",
    "whsec_c2hvcnQ=",  # base64 of "short": 5 bytes
    "whsec_????????????????????????????????",
    f"{GOOD_SECRET} whsec_",
]


def encoded_parts(secret: str) -> list[str]:
    """The secret text of each entry (what must never be printed)."""
    return [part.removeprefix("whsec_") for part in secret.split() if part != "whsec_"]


def run_callpipe(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process (a start that is not refused would hang: timeout)."""
    return subprocess.run(
        [sys.executable, "-m", "callpipe", *args],
        cwd=REPO,
        env={**os.environ, "LOG_FORMAT": "text", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("secret", MALFORMED_SECRETS)
def test_a_malformed_signing_secret_stops_the_delivery_worker_in_one_line(secret: str) -> None:
    """Exit 2 before anything starts; stderr is one line naming the variable, not its value."""
    done = run_callpipe(["worker", "--stage", "delivery"], WEBHOOK_SIGNING_SECRET=secret)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("callpipe worker: configuration error: WEBHOOK_SIGNING_SECRET: ")
    for encoded in encoded_parts(secret):
        assert encoded not in done.stderr


def test_a_malformed_signing_secret_stops_the_receiver_too(tmp_path: Path) -> None:
    """The receiver reads the same variable by default: refused the same way."""
    done = run_callpipe(
        ["receiver", "--port", "0", "--db", str(tmp_path / "r.db")],
        WEBHOOK_SIGNING_SECRET=MALFORMED_SECRETS[1],
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "callpipe receiver: configuration error: WEBHOOK_SIGNING_SECRET: the secret decodes "
        "to 5 bytes; the spec wants 24 to 64"
    ]


@pytest.mark.parametrize("secret", MALFORMED_SECRETS)
def test_the_validation_error_itself_does_not_hold_the_secret(secret: str) -> None:
    """Even printed whole (as a traceback would), the error hides the refused value."""
    with pytest.raises(ValidationError) as caught:
        Settings(webhook_signing_secret=secret)
    assert is_settings_error(caught.value)
    for encoded in encoded_parts(secret):
        assert encoded not in str(caught.value)
        assert encoded not in describe_settings_error(caught.value)


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_signing_secret_means_unset(value: str) -> None:
    """docker compose passes an unset variable as "": no signing, no error."""
    assert Settings(webhook_signing_secret=value).webhook_signing_secret is None


def test_signing_secrets_are_kept_secret_in_settings() -> None:
    """A valid list is kept whole (rotation) and shown as stars."""
    settings = Settings(webhook_signing_secret=f"{GOOD_SECRET} {GOOD_SECRET}")
    assert settings.webhook_signing_secret is not None
    assert settings.webhook_signing_secret.get_secret_value().split() == [GOOD_SECRET] * 2
    assert GOOD_SECRET not in repr(settings)


@pytest.mark.parametrize(
    ("value", "keys"),
    [
        ("k-live-1", ("k-live-1",)),
        ("k1,k2", ("k1", "k2")),
        (" k1 , k2\tk3 ", ("k1", "k2", "k3")),
        ("abc.DEF_~+/==", ("abc.DEF_~+/==",)),
    ],
)
def test_ingest_keys_split_on_commas_and_spaces(value: str, keys: tuple[str, ...]) -> None:
    """INGEST_API_KEYS is a list; each entry is one bearer token."""
    assert api_keys(Settings(ingest_api_keys=value).ingest_api_keys) == keys


@pytest.mark.parametrize("value", ["", " , ,"])
def test_ingest_keys_without_a_key_mean_unset(value: str) -> None:
    """Only separators: no key configured."""
    settings = Settings(ingest_api_keys=value)
    assert settings.ingest_api_keys is None
    assert api_keys(settings.ingest_api_keys) == ()


@pytest.mark.parametrize("value", ['k1,se"cret', "k1 clé-secrète", "k1,a=b"])
def test_an_ingest_key_a_bearer_header_cannot_carry_is_refused(value: str) -> None:
    """RFC 6750 token characters only; the refusal names the key's position, not the key."""
    with pytest.raises(ValidationError) as caught:
        Settings(ingest_api_keys=value)
    line = describe_settings_error(caught.value)
    assert line.startswith("INGEST_API_KEYS: key 2 of 2 has a character")
    assert value.split(",")[-1].split()[-1] not in line
    assert value.split(",")[-1].split()[-1] not in str(caught.value)


def test_several_refusals_make_one_line() -> None:
    """Every refused variable is named, on one line."""
    with pytest.raises(ValidationError) as caught:
        Settings(webhook_signing_secret="nope", ingest_api_keys="bad key!", event_loop="trio")
    line = describe_settings_error(caught.value)
    assert "\n" not in line
    assert [part.split(":")[0] for part in line.split("; ")] == [
        "EVENT_LOOP",
        "WEBHOOK_SIGNING_SECRET",
        "INGEST_API_KEYS",
    ]
