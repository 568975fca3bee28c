"""`callpipe status`: the pipeline's backlog and workers on one screen, read from Kafka.

Per stage: its consumer group's members (which worker holds which
partitions) and state, the lag of every partition of its source topic and
in total, and the age of the oldest record waiting; then the records on each
dead-letter topic. It reads offsets and never moves them, so it answers
while a stage is stopped, which is when its backlog grows.

Exit codes: 0 shown; 1 Kafka unreachable or the pipeline's topics missing
(one line on stderr saying which).
"""

from __future__ import annotations

import argparse

from callpipe.cli.commands._startup import fail
from callpipe.settings import load_settings
from callpipe.topics import CALLS_DEAD_LETTER, WEBHOOKS_DEAD_LETTER

EXIT_KAFKA_UNREACHABLE = 1
"""Also when the topics do not exist yet: there is no pipeline to show."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "status",
        help="each stage's workers, lag and oldest waiting record; dead-letter counts",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how long to wait for Kafka (default 5)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from callpipe.cli.status_view import render
    from callpipe.connectors.kafka.lag import LagUnavailable, stage_sources
    from callpipe.connectors.kafka.status import read_status
    from callpipe.edges import kafka_config

    settings = load_settings()
    dead_letter_topics = [settings.topic(t) for t in (CALLS_DEAD_LETTER, WEBHOOKS_DEAD_LETTER)]
    try:
        status = read_status(
            settings.kafka_bootstrap_servers,
            stage_sources(kafka_config(settings)),
            dead_letter_topics,
            args.timeout,
        )
    except LagUnavailable as exc:
        fail("status", exc)
        return EXIT_KAFKA_UNREACHABLE
    print(render(status, settings.kafka_bootstrap_servers))
    return 0
