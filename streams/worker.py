"""Running one stage: metrics port, topics, schemas, then the Faust worker.

Start-up order matters: the metrics port is bound first (a taken port stops
the worker at once, naming it), topics must exist before Faust subscribes (a
topic created later is ignored until a restart), and schemas are registered
before the first record so an incompatible schema stops the worker at once.

The metrics port serves /metrics (what this stage owns, see
callpipe.metrics), /healthz and /readyz (see callpipe.health and
callpipe.streams.monitor); a processor that has readiness checks of its own
(`ReadinessSource`) adds them to /readyz.

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
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

import faust

from callpipe import metrics
from callpipe.connectors.health_http import HealthServer, MetricsPortBusy
from callpipe.connectors.kafka.admin import ensure_topics
from callpipe.connectors.kafka.lag import LagReader, stage_sources
from callpipe.connectors.registry import SerdeFactory
from callpipe.edges import kafka_config, registry_config
from callpipe.eventloop import new_event_loop
from callpipe.health import Liveness, Readiness, ReadinessCheck
from callpipe.logs import configure_logging
from callpipe.settings import Settings, Stage
from callpipe.streams.app import create_app
from callpipe.streams.broker_loss import install_broker_loss_log_filter, install_reconnect_backoff
from callpipe.streams.lag import LagGauges
from callpipe.streams.monitor import WorkerProbe, install_probe
from callpipe.streams.processors import Processor
from callpipe.streams.wiring import build_processor

log = logging.getLogger(__name__)

EXIT_STAGE_FAILED = 3
"""The stage could not go on (registry unreachable, records failing alike)."""
EXIT_GRACE_EXCEEDED = 4
"""Shutdown took longer than SHUTDOWN_GRACE_S; the watchdog ended the process."""
EXIT_METRICS_PORT_BUSY = 2
"""METRICS_PORT is taken by another process (a configuration problem, like a bad setting)."""


@runtime_checkable
class ReadinessSource(Protocol):
    """A processor with readiness checks of its own (the delivery stage's circuit breaker):
    the worker adds them to /readyz beside its own."""

    def readiness_checks(self) -> Mapping[str, ReadinessCheck]: ...


def run_stage(settings: Settings, stage: Stage) -> int:
    configure_logging(settings.log_level, settings.log_format)
    quiet_library_loggers(settings.log_level)
    liveness = Liveness(stale_after_s=max(60.0, 6 * settings.lag_probe_interval_s))
    readiness = Readiness()
    try:  # bound first, so a taken port stops the worker before it touches Kafka
        server = _bind_health_server(settings, stage, liveness, readiness)
    except MetricsPortBusy as exc:
        print(f"callpipe worker: {exc}", file=sys.stderr)
        return EXIT_METRICS_PORT_BUSY
    install_reconnect_backoff()
    install_broker_loss_log_filter()
    created = ensure_topics(kafka_config(settings))
    serdes = SerdeFactory(registry_config(settings))
    ids = serdes.register_all()
    processor = build_processor(settings, stage, serdes)
    _log_start(settings, stage, processor, created, ids, server)
    loop = new_event_loop(settings.event_loop)
    holder: dict[str, StageWorker] = {}

    def on_stage_failure(exc: BaseException) -> None:
        holder["worker"].fail(exc)

    app = create_app(settings, processor, on_stage_failure)
    lag = LagGauges(
        LagReader(settings.kafka_bootstrap_servers), stage_sources(kafka_config(settings))
    )
    _install_health(app, settings, processor, liveness, readiness, lag)
    if server:
        server.start()
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


def _log_start(
    settings: Settings,
    stage: Stage,
    processor: Processor,
    created: object,
    schema_ids: object,
    server: HealthServer | None,
) -> None:
    metrics = f"http://{settings.metrics_host}:{server.port}/metrics" if server else None
    fields = {
        "stage": stage,
        "group": f"{settings.consumer_group_prefix}-{stage}",
        "source": settings.topic(processor.source),
        "sinks": [settings.topic(s) for s in processor.sinks],
        "topics_created": created,
        "schema_ids": schema_ids,
        "metrics": metrics,
    }
    log.info("worker starting", extra={"fields": fields})


LIBRARY_LOGGERS = ("faust", "mode", "aiokafka")


def quiet_library_loggers(level: str) -> None:
    """Faust's, mode's and aiokafka's own info lines (40% of a worker's log) only
    with LOG_LEVEL=debug; their warnings and errors always."""
    if level != "debug":
        for name in LIBRARY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)


def _bind_health_server(
    settings: Settings, stage: Stage, liveness: Liveness, readiness: Readiness
) -> HealthServer | None:
    """/metrics, /healthz and /readyz on METRICS_PORT (None when it is 0: off)."""
    if not settings.metrics_port:
        return None
    registry = metrics.registry_for(stage)
    return HealthServer(settings.metrics_host, settings.metrics_port, registry, liveness, readiness)


def _install_health(
    app: faust.App,
    settings: Settings,
    processor: Processor,
    liveness: Liveness,
    readiness: Readiness,
    lag: LagGauges | None,
) -> None:
    """The probe behind /healthz, /readyz and the lag gauges (see callpipe.streams.monitor)."""
    probe = WorkerProbe(app, settings.topic(processor.source))
    for name, check in probe.checks().items():
        readiness.register(name, check)
    if isinstance(processor, ReadinessSource):
        for name, check in processor.readiness_checks().items():
            readiness.register(name, check)
    install_probe(app, probe, liveness, lag, settings.lag_probe_interval_s)


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
