"""What the broker and plain confluent-kafka allow on this machine: no Faust, no Avro,
no HTTP.

The same records (the pipeline's own encoded transcripts, so the same sizes)
go through three topics the way the pipeline's stages move them: a producer
writes topic 1; hop 1 consumes it and produces every record to topic 2; hop
2 does the same to topic 3; hop 3 consumes topic 3 (as the delivery stage
consumes the last topic). Each hop is its own process, as each stage is,
and commits its offsets like a stage does (auto-commit every second).

A few hundred warm-up records go through first (connections, offsets and
fetch sessions set up, as in a running pipeline). Then ``rounds`` times: the
N records are produced at once and the round lasts from the first produce to
the last record consumed by hop 3 (measured as the pipeline's figure is).
The machine is shared and a round is short, so the best round is the
headline (a ceiling, as `timeit` reports) and the median is kept beside it.

A hop is `python -m callpipe.bench.kafka_limit --src T [--dst T] --group G --mark C ...`;
it prints a JSON line when it is assigned and one each time it has consumed
C records in all (``{"event": "mark", "count": C, "at": epoch_s}``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from subprocess import PIPE, Popen
from typing import Any

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from callpipe.bench.procs import BenchError, read_event
from callpipe.settings import Settings

PRODUCER_CONF: dict[str, Any] = {
    "acks": "all",  # as every producer of the pipeline
    "enable.idempotence": True,
    "linger.ms": 5,
}


def create_topics(settings: Settings, names: Sequence[str]) -> None:
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers})
    futures = admin.create_topics(
        [NewTopic(name, settings.topic_partitions, settings.topic_replication) for name in names]
    )
    for future in futures.values():
        future.result(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # metadata of new topics settles a moment later
        topics = admin.list_topics(timeout=10).topics
        if all(
            name in topics and len(topics[name].partitions) == settings.topic_partitions
            for name in names
        ):
            return
        time.sleep(0.2)
    raise BenchError(f"topics {names} did not appear")


def delete_topics(settings: Settings, names: Sequence[str]) -> None:
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers})
    for future in admin.delete_topics(list(names), operation_timeout=30).values():
        with contextlib.suppress(Exception):  # already gone, or the broker is slow
            future.result(timeout=30)


def run_kafka_limit(
    settings: Settings,
    records: Sequence[tuple[bytes, bytes]],
    tag: str,
    workdir: Path,
    *,
    warmup: int = 200,
    rounds: int = 3,
) -> dict[str, Any]:
    """Pushes ``records`` (key, value) through three topics ``rounds`` times."""
    topics = [settings.topic(f"bench.{tag}.hop{i}") for i in (1, 2, 3)]
    n = len(records)
    marks = [warmup + r * n for r in range(rounds + 1)]
    create_topics(settings, topics)
    hops: list[Popen[str]] = []
    seconds: list[float] = []
    try:
        for index, src in enumerate(topics):
            dst = topics[index + 1] if index + 1 < len(topics) else None
            group = f"{settings.consumer_group_prefix}-{tag}-hop{index + 1}"
            hops.append(_start_hop(settings, src, dst, group, marks, workdir, index + 1))
        for hop in hops:
            read_event(hop, "ready", 60)
        producer = Producer(
            {"bootstrap.servers": settings.kafka_bootstrap_servers, **PRODUCER_CONF}
        )
        _produce(producer, topics[0], [records[i % n] for i in range(warmup)])
        for hop in hops:
            read_event(hop, "mark", 60)
        for _ in range(rounds):
            first = time.time()
            _produce(producer, topics[0], records)
            mark = read_event(hops[-1], "mark", 120)
            seconds.append(float(mark["at"]) - first)
    finally:
        for hop in hops:
            if hop.poll() is None:
                hop.terminate()
            try:
                hop.wait(10)
            except Exception:
                hop.kill()
        delete_topics(settings, topics)
    size = sum(len(value) for _, value in records) / max(1, n)
    best = min(seconds)
    return {
        "records": n,
        "record_bytes_mean": round(size),
        "topics": 3,
        "rounds": [round(s, 3) for s in seconds],
        "seconds": round(best, 3),
        "calls_per_s": round(n / best, 1),
        "calls_per_s_median": round(n / statistics.median(seconds), 1),
    }


def _produce(producer: Producer, topic: str, records: Sequence[tuple[bytes, bytes]]) -> None:
    for key, value in records:
        while True:
            try:
                producer.produce(topic, value=value, key=key)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    producer.flush(30)


def _start_hop(
    settings: Settings,
    src: str,
    dst: str | None,
    group: str,
    marks: list[int],
    workdir: Path,
    number: int,
) -> Popen[str]:
    argv = [
        sys.executable,
        "-m",
        "callpipe.bench.kafka_limit",
        "--bootstrap",
        settings.kafka_bootstrap_servers,
        "--src",
        src,
        "--group",
        group,
    ]
    for mark in marks:
        argv += ["--mark", str(mark)]
    if dst:
        argv += ["--dst", dst]
    log = (workdir / f"kafka-hop{number}.log").open("ab")
    try:
        return Popen(argv, stdout=PIPE, stderr=log, text=True)
    finally:
        log.close()


def hop(bootstrap: str, src: str, dst: str | None, group: str, marks: Sequence[int]) -> int:
    """Consumes ``src`` (from the start), produces each record to ``dst``, reports marks."""
    assigned: list[int] = []
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": True,
            "auto.commit.interval.ms": 1000,
        }
    )
    consumer.subscribe(
        [src], on_assign=lambda _c, parts: assigned.extend(p.partition for p in parts)
    )
    producer = Producer({"bootstrap.servers": bootstrap, **PRODUCER_CONF}) if dst else None
    pending = sorted(marks)
    seen = 0
    ready = False
    try:
        while pending:
            batch = consumer.consume(num_messages=1000, timeout=0.05)
            if not ready and assigned:
                ready = True
                _say({"event": "ready", "partitions": len(assigned)})
            for message in batch:
                if message.error() is not None:
                    continue
                seen += 1
                if producer is not None and dst is not None:
                    while True:
                        try:
                            producer.produce(dst, value=message.value(), key=message.key())
                            break
                        except BufferError:
                            producer.poll(0.05)
            if not batch:
                continue
            at = time.time()
            if producer is not None:
                producer.poll(0)
            while pending and seen >= pending[0]:
                _say({"event": "mark", "count": pending.pop(0), "at": at})
        if producer is not None:
            producer.flush(30)
    finally:
        consumer.close()
    return 0


def _say(message: dict[str, Any]) -> None:
    print(json.dumps(message), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m callpipe.bench.kafka_limit")
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--src", required=True)
    parser.add_argument("--dst")
    parser.add_argument("--group", required=True)
    parser.add_argument("--mark", type=int, action="append", required=True)
    args = parser.parse_args(argv)
    return hop(args.bootstrap, args.src, args.dst, args.group, args.mark)


if __name__ == "__main__":
    sys.exit(main())
