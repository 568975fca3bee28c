"""The Faust app of one stage: a consumer group and one agent around a Processor.

Values cross Faust as raw bytes and are (de)serialized by the processor with
the registry's Avro serde. That is deliberate: a record that cannot be
decoded must reach the dead-letter topic with its original bytes, and a Faust
codec error would only be logged and skipped.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import faust

from callpipe import metrics
from callpipe.settings import Settings
from streams.messages import Consumed
from streams.processors import Processor

log = logging.getLogger(__name__)


def broker_url(settings: Settings) -> str:
    return ";".join(f"kafka://{host}" for host in settings.kafka_bootstrap_servers.split(","))


def create_app(settings: Settings, processor: Processor) -> faust.App:
    stage = processor.stage
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
        broker_commit_every=1000,
        broker_commit_interval=1.0,
        stream_buffer_maxsize=4096,
        # Topics are created by connectors.kafka.admin.ensure_topics with our partitions.
        topic_allow_declare=True,
    )
    source = app.topic(settings.topic(processor.source), key_serializer="raw",
                       value_serializer="raw")
    sinks = {
        name: app.topic(settings.topic(name), key_serializer="raw", value_serializer="raw")
        for name in processor.sinks
    }

    @app.agent(source, name=f"callpipe.{stage}", concurrency=processor.concurrency)
    async def agent(stream: Any) -> None:
        async for event in stream.events():
            message = event.message
            consumed = Consumed(message.topic, message.partition, message.offset,
                                message.key, message.value)
            metrics.RECORDS_IN.labels(stage).inc()
            started = time.perf_counter()
            outputs = await processor.process(consumed)
            for output in outputs:
                await sinks[output.topic].send(
                    key=output.key, value=output.value, headers=list(output.headers)
                )
            metrics.PROCESSING_SECONDS.labels(stage).observe(time.perf_counter() - started)
            metrics.RECORDS_OUT.labels(stage).inc(len(outputs))

    return app
