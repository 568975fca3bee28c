"""Running one stage: topics, schemas, metrics endpoint, then the Faust worker.

Start-up order matters: topics must exist before Faust subscribes (a topic
created later is ignored until a restart), and schemas are registered before
the first record so an incompatible schema stops the worker at once.
"""

from __future__ import annotations

import logging

import faust
from prometheus_client import start_http_server

from callpipe.eventloop import new_event_loop
from callpipe.logs import configure_logging
from callpipe.settings import Settings, Stage
from connectors.kafka.admin import ensure_topics
from connectors.registry import SerdeFactory
from streams.app import create_app
from streams.wiring import build_processor

log = logging.getLogger("callpipe.worker")


def run_stage(settings: Settings, stage: Stage) -> int:
    configure_logging(settings.log_level, settings.log_format)
    created = ensure_topics(settings)
    serdes = SerdeFactory(settings)
    ids = serdes.register_all()
    processor = build_processor(settings, stage, serdes)
    if settings.metrics_port:
        start_http_server(settings.metrics_port, settings.metrics_host)
    log.info(
        "worker starting",
        extra={"fields": {
            "stage": stage, "group": f"{settings.consumer_group_prefix}-{stage}",
            "source": settings.topic(processor.source),
            "sinks": [settings.topic(s) for s in processor.sinks],
            "topics_created": created, "schema_ids": ids,
            "metrics": f"http://{settings.metrics_host}:{settings.metrics_port}/metrics"
            if settings.metrics_port else None,
        }},
    )
    app = create_app(settings, processor)
    loop = new_event_loop(settings.event_loop)
    loop.run_until_complete(processor.start())
    worker = faust.Worker(
        app,
        loop=loop,
        loglevel=settings.log_level,
        override_logging=False,   # keep our JSON logs
        redirect_stdouts=False,
        quiet=True,
    )
    worker.execute_from_commandline()  # returns only by SystemExit
    return 0  # pragma: no cover
