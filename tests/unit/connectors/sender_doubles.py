"""Doubles for the webhook sender tests: a fake ``Poster`` that answers from a function and
remembers every POST, and a recorder of the sleeps and attempts of a delivery."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from multidict import CIMultiDict, CIMultiDictProxy

from callpipe.connectors.webhook import Attempt, Reply, WebhookConfig
from callpipe.edges import webhook_config
from callpipe.settings import Settings


@dataclass(frozen=True)
class Sent:
    """One POST as the poster received it (headers case-insensitive, as on the wire)."""

    url: str
    body: bytes
    headers: CIMultiDictProxy[str]
    timeout: float

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


Handler = Callable[[Sent], Reply | Awaitable[Reply]]


class FakePoster:
    """Hands each POST to ``handler`` (which returns a Reply or raises PostFailed)."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.sent: list[Sent] = []
        self.closed = 0

    async def post(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout: float
    ) -> Reply:
        sent = Sent(url, body, CIMultiDictProxy(CIMultiDict(headers)), timeout)
        self.sent.append(sent)
        answer = self.handler(sent)
        if inspect.isawaitable(answer):
            return await answer
        return answer

    async def aclose(self) -> None:
        self.closed += 1


def reply(status: int, *, headers: Mapping[str, str] | None = None, text: str = "") -> Reply:
    """A reply with a JSON-ish body, like the reference receiver's."""
    return Reply(status, "", CIMultiDictProxy(CIMultiDict(headers or {})), text.encode())


def config(**settings: Any) -> WebhookConfig:
    """The sender's config from settings values, built as the pipeline builds it."""
    return webhook_config(Settings(**settings))


class Recorder:
    """Injected sleep and observer: remembers delays and attempts instead of waiting."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.attempts: list[Attempt] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def on_attempt(self, attempt: Attempt) -> None:
        self.attempts.append(attempt)
