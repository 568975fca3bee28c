"""What one Faust stage costs per record when its own work is nothing.

The floor of the design: a pass-through processor (no decoding, no analysis,
no HTTP; the consumed bytes are produced unchanged to the next topic) runs
in the real agent (`callpipe.streams.app.create_app`: manual acks that follow the
outputs, `app.producer.send`, the short fetch wait) in a worker process of
its own, started the way `callpipe worker` starts a stage. After a warm-up,
N records of the pipeline's own kind (synthetic transcripts as Avro, about
2 kB) are produced at once; the worker's CPU time while it moves them,
divided by N, is what Faust, aiokafka and the event loop cost per record
and stage. The broker's CPU over the same interval is reported beside it.

    python -m callpipe.bench.stage_floor [--records 5000] [--event-loop uvloop|asyncio]

The pipeline has three such stages, so three times this figure plus the
broker's and the receiver's share is spent per call before any of
callpipe's own work (docs/performance.md).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from confluent_kafka import Consumer, Producer, TopicPartition
from fastavro import parse_schema, schemaless_writer

from callpipe.bench.kafka_limit import PRODUCER_CONF, create_topics, delete_topics
from callpipe.bench.procs import BenchError, Child, child_env, cpu_seconds, wait_for
from callpipe.bench.workload import make_calls
from callpipe.eventloop import EventLoopKind
from callpipe.settings import Settings, load_settings
from callpipe.streams.messages import Consumed, Produce
from callpipe.topics import EXTRACTED, TOPICS, TRANSCRIPT_SAVED

WARM_UP = 300


class PassThrough:
    """A Processor that forwards every record unchanged: the stage with no work."""

    stage = "floor"
    source = TRANSCRIPT_SAVED
    sinks: tuple[str, ...] = (EXTRACTED,)
    concurrency = 1
    dead_letters: Any = None  # it never fails a record

    def __init__(self) -> None:
        from callpipe.streams.observer import StageObserver
        from callpipe.streams.prometheus_observer import PrometheusStageObserver

        # Counted like a real stage, so the floor includes the agent loop's metrics.
        self.observer: StageObserver = PrometheusStageObserver(self.stage)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def process(self, consumed: Consumed) -> list[Produce]:
        return [Produce(EXTRACTED, consumed.key, consumed.value or b"")]


def serve(settings: Settings) -> int:
    """The child: one pass-through stage, run like `callpipe.streams.worker.run_stage`."""
    import faust

    from callpipe.eventloop import new_event_loop
    from callpipe.logs import configure_logging
    from callpipe.streams.app import create_app

    configure_logging("warning", "json")
    app = create_app(settings, PassThrough(), on_stage_failure=lambda exc: os._exit(3))
    loop = new_event_loop(settings.event_loop)
    worker = faust.Worker(
        app,
        loop=loop,
        loglevel="warning",
        override_logging=False,
        redirect_stdouts=False,
        quiet=True,
    )
    worker.execute_from_commandline()
    return 0  # pragma: no cover


def run_stage_floor(
    settings: Settings, records: int, event_loop: EventLoopKind, workdir: Path
) -> dict[str, Any]:
    """Measures the pass-through stage; returns its figures (``worker_us_per_record``)."""
    run = uuid.uuid4().hex[:8]
    settings = settings.model_copy(
        update={
            "topic_prefix": f"bench-floor-{run}.",
            "consumer_group_prefix": f"bench-floor-{run}",
            "event_loop": event_loop,
        }
    )
    src, dst = settings.topic(TRANSCRIPT_SAVED), settings.topic(EXTRACTED)
    create_topics(settings, [src, dst])
    values = _encoded_transcripts(WARM_UP + records)
    workdir.mkdir(parents=True, exist_ok=True)
    env = child_env(settings, EVENT_LOOP=event_loop)
    worker = Child(
        "floor-worker",
        [sys.executable, "-m", "callpipe.bench.stage_floor", "--serve"],
        env,
        workdir / f"stage-floor-{run}.log",
    )
    producer = Producer({"bootstrap.servers": settings.kafka_bootstrap_servers, **PRODUCER_CONF})
    # Only reads watermarks; one for the whole run, so polling costs the machine little.
    watermarks = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap_servers,
            "group.id": f"bench-floor-{run}-watermarks",
        }
    )

    def arrived() -> int:
        worker.check()
        return _records_in(watermarks, dst, settings.topic_partitions)

    try:
        _produce(producer, src, values[:WARM_UP])
        wait_for(lambda: arrived() >= WARM_UP, "the warm-up", 120)
        broker = _broker_pid(settings)
        worker_cpu0, broker_cpu0 = cpu_seconds(worker.pid), cpu_seconds(broker)
        started = time.monotonic()
        _produce(producer, src, values[WARM_UP:])
        wait_for(
            lambda: arrived() >= WARM_UP + records,
            f"{records} records through the stage",
            600,
            interval_s=0.05,
        )
        seconds = time.monotonic() - started
        worker_cpu = cpu_seconds(worker.pid) - worker_cpu0
        broker_cpu = cpu_seconds(broker) - broker_cpu0
    finally:
        watermarks.close()
        worker.stop()
        with contextlib.suppress(Exception):
            delete_topics(settings, [src, dst])
    return _figures(
        event_loop, records, values, seconds, worker_cpu, broker_cpu if broker else None
    )


def _figures(
    event_loop: EventLoopKind,
    records: int,
    values: list[bytes],
    seconds: float,
    worker_cpu: float,
    broker_cpu: float | None,
) -> dict[str, Any]:
    return {
        "benchmark": "stage_floor",
        "event_loop": event_loop,
        "records": records,
        "record_bytes": round(sum(map(len, values)) / len(values)),
        "seconds": round(seconds, 3),
        "records_per_s": round(records / seconds),
        "worker_us_per_record": round(worker_cpu * 1e6 / records),
        "broker_us_per_record": round(broker_cpu * 1e6 / records)
        if broker_cpu is not None
        else None,
    }


def _encoded_transcripts(n: int) -> list[bytes]:
    """The pipeline's TranscriptSaved records as Avro bodies (sizes as in the pipeline)."""
    from callpipe.records import transcript_saved_record

    schema = parse_schema(json.loads(TOPICS[TRANSCRIPT_SAVED].schema_str()))
    values = []
    for call in make_calls(n, 1, "floor-", ZoneInfo("Asia/Kolkata")):
        out = io.BytesIO()
        out.write(b"\x00\x00\x00\x00\x01")  # wire-format header; nobody decodes it here
        schemaless_writer(out, schema, transcript_saved_record(call.data, "bench"))
        values.append(out.getvalue())
    return values


def _produce(producer: Producer, topic: str, values: Sequence[bytes]) -> None:
    for index, value in enumerate(values):
        while True:
            try:
                producer.produce(topic, value=value, key=str(index).encode())
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    producer.flush(30)


def _records_in(consumer: Consumer, topic: str, partitions: int) -> int:
    """Records in ``topic`` so far (the sum of its partitions' high watermarks)."""
    return sum(
        consumer.get_watermark_offsets(TopicPartition(topic, partition), 5)[1]
        for partition in range(partitions)
    )


def _broker_pid(settings: Settings) -> int:
    with contextlib.suppress(OSError, ValueError):
        return int((settings.local_home / "run" / "kafka.pid").read_text().strip())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m callpipe.bench.stage_floor",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--records", type=int, default=5000, help="records timed")
    parser.add_argument(
        "--event-loop",
        choices=["uvloop", "asyncio"],
        default=None,
        help="the worker's loop (default: EVENT_LOOP)",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.serve:
        return serve(settings)
    try:
        result = run_stage_floor(
            settings,
            args.records,
            args.event_loop or settings.event_loop,
            settings.local_home / "bench",
        )
    except BenchError as exc:
        print(f"stage floor: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
