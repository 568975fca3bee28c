"""Checking Standard Webhooks signatures the way a customer would.

The reference receiver stands for the customer, so it verifies with the
`standardwebhooks` package (the spec's own Python library), not with
callpipe's signing code: if the sender drifted from the spec, the receiver
would say so. The library checks that ``webhook-id``, ``webhook-timestamp``
and ``webhook-signature`` are present, that the timestamp is within 5 minutes
of now (either way), and compares signatures in constant time.

Several secrets may be configured (rotation): a request is accepted when its
signatures match any one of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from standardwebhooks import Webhook, WebhookVerificationError


class SignatureCheck:
    """Verifies requests against one or more ``whsec_`` secrets."""

    __slots__ = ("_webhooks",)

    def __init__(self, secrets: Sequence[str]) -> None:
        if not secrets:
            raise ValueError("at least one signing secret is needed")
        self._webhooks = tuple(Webhook(secret) for secret in secrets)

    def __repr__(self) -> str:  # never the secrets
        return f"SignatureCheck({len(self._webhooks)} secret(s))"

    def problem(self, body: bytes, headers: Mapping[str, str]) -> str | None:
        """None when the request is signed by one of the secrets; otherwise why not."""
        plain = dict(headers)
        reason = "no matching signature found"
        for webhook in self._webhooks:
            try:
                webhook.verify(body, plain, json_parse=False)
            except WebhookVerificationError as exc:
                reason = str(exc) or reason
            except ValueError:
                # The library raises plain ValueErrors (binascii.Error, UnicodeDecodeError, a
                # failed unpacking) for a signature list or a body it cannot even parse.
                reason = "malformed webhook-signature header or body"
            else:
                return None
        return reason
