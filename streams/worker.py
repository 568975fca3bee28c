"""Running one stage: topics, schemas, metrics endpoint, then the Faust worker.

Start-up order matters: topics must exist before Faust subscribes (a topic
created later is ignored until a restart), and schemas are registered before
the first record so an incompatible schema stops the worker at once.

Stopping always ends: on SIGTERM/SIGINT, or when the stage fails, the worker
stops the Faust way (in-flight records finish, finished ones are committed),
and a watchdog ends the process after SHUTDOWN_GRACE_S whatever state Faust
is in. Nothing is lost by that: what was not committed is consumed again.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from typing import Any

import faust
from prometheus_client import start_http_server

from callpipe.eventloop import new_event_loop
from callpipe.logs import configure_logging
from callpipe.settings import Settings, Stage
from connectors.kafka.admin import ensure_topics
from connectors.registry import SerdeFactory
from streams.app import create_app
from streams.broker_loss import install_broker_loss_log_filter, install_reconnect_backoff
from streams.wiring import build_processor

log = logging.getLogger(__name__)

EXIT_STAGE_FAILED = 3
"""The stage could not go on (registry unreachable, records failing alike)."""
EXIT_GRACE_EXCEEDED = 4
"""Shutdown took longer than SHUTDOWN_GRACE_S; the watchdog ended the process."""


def run_stage(settings: Settings, stage: Stage) -> int:
    configure_logging(settings.log_level, settings.log_format)
    quiet_library_loggers(settings.log_level)
    install_reconnect_backoff()
    install_broker_loss_log_filter()
    created = ensure_topics(settings)
    serdes = SerdeFactory(settings)
    ids = serdes.register_all()
    processor = build_processor(settings, stage, serdes)
    if settings.metrics_port:
        start_http_server(settings.metrics_port, settings.metrics_host)
    log.info(
        "worker starting",
        extra={
            "fields": {
                "stage": stage,
                "group": f"{settings.consumer_group_prefix}-{stage}",
                "source": settings.topic(processor.source),
                "sinks": [settings.topic(s) for s in processor.sinks],
                "topics_created": created,
                "schema_ids": ids,
                "metrics": f"http://{settings.metrics_host}:{settings.metrics_port}/metrics"
                if settings.metrics_port
                else None,
            }
        },
    )
    loop = new_event_loop(settings.event_loop)
    holder: dict[str, StageWorker] = {}

    def on_stage_failure(exc: BaseException) -> None:
        holder["worker"].fail(exc)

    app = create_app(settings, processor, on_stage_failure)
    loop.run_until_complete(processor.start())
    worker = holder["worker"] = StageWorker(
        app,
        grace_s=settings.shutdown_grace_s,
        loop=loop,
        loglevel=settings.log_level,
        override_logging=False,  # keep our JSON logs
        redirect_stdouts=False,
        quiet=True,
    )
    try:
        worker.execute_from_commandline()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
        return worker.exit_code or code
    return worker.exit_code  # pragma: no cover - execute_from_commandline always exits


LIBRARY_LOGGERS = ("faust", "mode", "aiokafka")


def quiet_library_loggers(level: str) -> None:
    """Faust's, mode's and aiokafka's own info lines (40% of a worker's log) only
    with LOG_LEVEL=debug; their warnings and errors always."""
    if level != "debug":
        for name in LIBRARY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)


class StageWorker(faust.Worker):
    """Faust's worker with a bounded shutdown and an exit code that says why it stopped."""

    def __init__(self, app: faust.App, *, grace_s: float, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.grace_s = grace_s
        self.exit_code = 0
        # A terminal spinner: escape codes in a log file break its JSON lines.
        self.spinner = None
        self._watchdog: threading.Timer | None = None

    async def on_startup_finished(self) -> None:
        await super().on_startup_finished()
        # Faust's own "Ready" is an info line of a quieted library logger.
        log.info("worker ready", extra={"fields": {"group": self.app.conf.id}})

    def fail(self, exc: BaseException) -> None:
        """The stage cannot go on: stop, and exit non-zero."""
        self.exit_code = EXIT_STAGE_FAILED
        self._schedule_shutdown(signal.SIGTERM)

    def _schedule_shutdown(self, signum: signal.Signals) -> None:
        self._arm_watchdog()
        super()._schedule_shutdown(signum)

    def _arm_watchdog(self) -> None:
        if self._watchdog is None:
            log.info("worker stopping", extra={"fields": {"grace_s": self.grace_s}})
            self._watchdog = threading.Timer(self.grace_s, self._grace_exceeded)
            self._watchdog.daemon = True
            self._watchdog.start()

    def _grace_exceeded(self) -> None:
        log.error(
            "shutdown took longer than SHUTDOWN_GRACE_S; exiting without committing "
            "what did not finish (it is consumed again)",
            extra={"fields": {"grace_s": self.grace_s}},
        )
        for handler in logging.getLogger().handlers:
            handler.flush()
        sys.stderr.flush()
        os._exit(self.exit_code or EXIT_GRACE_EXCEEDED)
