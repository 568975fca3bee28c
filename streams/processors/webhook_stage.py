"""What the two webhook stages (delivery, retry) share.

Both post calls.analyzed records with one `WebhookSender`, produce through
one `WebhookOutputs` (delivered, retry, dead letter), pause their source
while calls wait at the destination's open circuit, and stop by closing the
sender's connection pools. Each stage decides what to do with an outcome.
"""

from __future__ import annotations

from callpipe.connectors.registry import SerdeFactory
from callpipe.connectors.webhook.sender import WebhookSender
from callpipe.record_types import CallAnalyzed
from callpipe.streams.observer import NullStageObserver, StageObserver
from callpipe.streams.processors.webhook_outputs import Clock, WebhookOutputs
from callpipe.streams.typed_serde import TypedSerde
from callpipe.topics import ANALYZED, DELIVERED, WEBHOOKS_DEAD_LETTER, WEBHOOKS_RETRY


class WebhookStage:
    """The base of DeliveryProcessor and RetryProcessor; each names its ``stage``."""

    stage: str
    sinks: tuple[str, ...] = (DELIVERED, WEBHOOKS_RETRY, WEBHOOKS_DEAD_LETTER)

    def __init__(
        self,
        serdes: SerdeFactory,
        sender: WebhookSender,
        clock: Clock,
        observer: StageObserver | None,
    ) -> None:
        self.observer = observer or NullStageObserver()
        self._outputs = WebhookOutputs(self.stage, serdes, sender.url, self.observer, clock)
        self.dead_letters = self._outputs.dead_letters
        self._analyzed = TypedSerde.of(serdes, ANALYZED, CallAnalyzed)
        self._sender = sender

    def _circuit_holds_calls(self) -> bool:
        """Whether calls wait at the destination's open circuit (the source is paused then)."""
        gate = self._sender.gate
        return gate is not None and gate.holding

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        await self._sender.aclose()
