"""The Faust app of one stage: a consumer group and one agent around a Processor.

Values cross Faust as raw bytes and are (de)serialized by the processor with
the registry's Avro serde. That is deliberate: a record that cannot be
decoded must reach the dead-letter topic with its original bytes, and a Faust
codec error would only be logged and skipped.

How the agent moves records (docs/performance.md has the measurements):

- **Acks are manual, in offset order, and follow the outputs.** An event is
  acked only after every record its processing asked for was handed to the
  producer, and only after every earlier event of its partition was acked
  (`callpipe.streams.acks`: Faust's own gap check can commit past an unfinished head).
  Faust commits a partition's offset only up to the last contiguous acked
  offset and flushes the producer before every commit. So an offset never
  passes a record whose outputs were not produced.
- **A record never stops a stage** (`callpipe.streams.guard`): whatever one record
  causes becomes its dead letter. A failure of the stage itself (the
  registry unreachable) leaves its event unacked and stops the worker with a
  non-zero exit code, instead of Faust restarting the agent past the record.
- **Outputs go straight to the producer** (`app.producer.send`), not through
  `Topic.send`, whose channel layer cost more per record than the stage's
  own work in a pass-through test.
- **One-at-a-time stages** (extraction, analysis: CPU-bound, concurrency 1)
  handle each event as it comes. Batching with `take_events` was measured
  too: it saved about 3% of a stage's CPU in a backlog but added its
  ``within`` wait to every call's latency at low load and kept idle workers
  waking up hundreds of times a second, so it is not used.
- **Concurrent stages** (delivery: `processor.concurrency` records in
  flight) run a sliding window: each event is processed in its own task as
  soon as a slot is free; tasks finish in any order, acks stay in order.
  Records with the same key (one call) are processed one after the other.
- **Processors that pause their source** (delivery and retry: an open
  circuit; retry: pacing) get a ``callpipe.streams.valve.SourceValve``, which pauses
  partitions through Faust's consumer. When a partition is revoked, the
  window's jobs for it are cancelled (they stay unacked; its new owner
  consumes them again) instead of delivering what is no longer ours.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import faust

from callpipe.settings import Settings
from callpipe.streams.acks import InOrderAcks, Ticket
from callpipe.streams.consumer import ShortPollConsumer
from callpipe.streams.guard import RecordGuard
from callpipe.streams.messages import Consumed
from callpipe.streams.pauses import SourcePauses
from callpipe.streams.processors import Processor
from callpipe.streams.valve import SourceValve
from callpipe.streams.window import SlidingWindow

log = logging.getLogger(__name__)

Handle = Callable[[Any], Awaitable[None]]
StageFailure = Callable[[BaseException], None]


def broker_url(settings: Settings) -> str:
    return ";".join(f"kafka://{host}" for host in settings.kafka_bootstrap_servers.split(","))


def new_app(settings: Settings, stage: str) -> faust.App:
    """The Faust app of one stage (its name is the consumer group id)."""
    datadir = settings.faust_data_dir / stage
    datadir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        f"{settings.consumer_group_prefix}-{stage}",  # also the consumer group id
        broker=broker_url(settings),
        store="memory://",
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        consumer_auto_offset_reset="earliest",
        web_enabled=False,
        datadir=str(datadir),
        producer_acks=-1,
        producer_linger_ms=5,
        broker_session_timeout=settings.consumer_session_timeout_s,
        broker_heartbeat_interval=min(3.0, settings.consumer_session_timeout_s / 3),
        broker_max_poll_interval=settings.consumer_max_poll_interval_s,
        broker_commit_every=1000,
        broker_commit_interval=1.0,
        stream_buffer_maxsize=4096,
        # Topics are created by callpipe.connectors.kafka.admin.ensure_topics with our partitions.
        topic_allow_declare=True,
    )
    # Per app rather than for the whole driver: only our stage's consumer polls faster.
    app.transport.Consumer = ShortPollConsumer  # type: ignore[misc]  # a ClassVar in Faust
    return app


def create_app(
    settings: Settings, processor: Processor, on_stage_failure: StageFailure
) -> faust.App:
    """The stage's app; ``on_stage_failure`` is called once the stage cannot go on."""
    app = new_app(settings, processor.stage)
    source = app.topic(
        settings.topic(processor.source), key_serializer="raw", value_serializer="raw"
    )
    handle = _handler(app, settings, processor)
    pauses: SourcePauses | None = getattr(processor, "pauses", None)
    valve = None
    if pauses is not None:
        valve = SourceValve(app, source.get_topic_name(), pauses)
        app.task(valve.run)

    async def stop_stage(exc: BaseException) -> None:
        """The stage is broken: nothing more is consumed and the worker stops.

        The failed event stays unacked, and so does every later event of its
        partition (acks are in order), so no commit passes it. Faust must not
        wait at shutdown for an event that will never finish.
        """
        log.critical(
            "stage failed; the worker stops without committing the record",
            exc_info=exc,
            extra={"fields": {"stage": processor.stage}},
        )
        if valve is not None:
            valve.frozen = True
        app.conf.stream_wait_empty = False
        on_stage_failure(exc)
        await asyncio.Event().wait()  # cancelled when the worker stops

    if processor.concurrency <= 1:
        _one_by_one_agent(app, source, processor.stage, handle, stop_stage)
    else:
        _windowed_agent(app, source, processor, handle, stop_stage)
    return app


def _handler(app: faust.App, settings: Settings, processor: Processor) -> Handle:
    sinks = {name: settings.topic(name) for name in processor.sinks}
    observer = processor.observer
    guard = RecordGuard(processor)

    async def handle(event: Any) -> None:
        """Processes one event and hands its outputs to the producer (not yet acked)."""
        message = event.message
        consumed = Consumed(
            message.topic,
            message.partition,
            message.offset,
            message.key,
            message.value,
            message.timestamp,
        )
        observer.on_record_in()
        started = time.perf_counter()
        outputs = await guard.process(consumed)
        send = app.producer.send
        for output in outputs:
            await send(
                sinks[output.topic],
                output.key,
                output.value,
                None,
                None,
                list(output.headers) or None,
            )
        observer.on_record_done(len(outputs), time.perf_counter() - started)

    return handle


def _one_by_one_agent(
    app: faust.App,
    source: Any,
    stage: str,
    handle: Handle,
    stop_stage: Callable[[BaseException], Awaitable[None]],
) -> None:
    @app.agent(source, name=f"callpipe.{stage}")
    async def one_by_one(stream: Any) -> None:
        manual = stream.noack()
        try:
            async for event in manual.events():
                await handle(event)
                await manual.ack(event)
        except Exception as exc:
            await stop_stage(exc)


def _windowed_agent(
    app: faust.App,
    source: Any,
    processor: Processor,
    handle: Handle,
    stop_stage: Callable[[BaseException], Awaitable[None]],
) -> None:
    acks: InOrderAcks | None = None
    window: SlidingWindow | None = None

    @app.agent(source, name=f"callpipe.{processor.stage}")
    async def windowed(stream: Any) -> None:
        nonlocal acks, window
        manual = stream.noack()
        acks = InOrderAcks(manual.ack)
        window = SlidingWindow(processor.concurrency)
        try:
            async for event in manual.events():
                ticket = acks.track(event)
                job = _then_ack(handle, acks, ticket)
                await window.submit(event.message.key, job, event.message.tp)
            await window.drain()
        except Exception as exc:
            await stop_stage(exc)
        finally:
            window.cancel()

    # Faust's stub types the receiver as taking only *args; it is called with the set.
    @app.on_partitions_revoked.connect  # type: ignore[arg-type]
    async def forget_revoked(_app: Any, revoked: Any, **_kwargs: Any) -> None:
        if acks is not None:
            acks.forget(revoked)
        if window is not None:
            cancelled = window.cancel(revoked)
            if cancelled:
                log.info(
                    "partitions revoked: their records in flight are left to the new owner",
                    extra={"fields": {"stage": processor.stage, "cancelled": cancelled}},
                )


def _then_ack(handle: Handle, acks: InOrderAcks, ticket: Ticket) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        await handle(ticket.event)
        await acks.finished(ticket)

    return run
