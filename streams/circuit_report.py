"""What an operator sees of a circuit: one log line per transition, and its metrics.

Gauges ``callpipe_webhook_circuit_open{destination}`` (0/1) and
``callpipe_webhook_circuit_waiting{destination}``, counter
``callpipe_webhook_circuit_probes_total{destination,result}``. Failed probes
are logged at debug level only: an outage of an hour must not write 360
lines that say the same thing.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from callpipe import metrics
from callpipe.connectors.webhook.gate import CircuitChange

log = logging.getLogger(__name__)


def destination(url: str) -> str:
    """The metric label and log name of a webhook URL: no credentials, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class CircuitReport:
    """A CircuitObserver that logs transitions and keeps the circuit metrics of a stage."""

    def __init__(self, stage: str, label: str) -> None:
        self.stage = stage
        metrics.CIRCUIT_OPEN.labels(label).set(0)  # exported from the start
        metrics.CIRCUIT_WAITING.labels(label).set(0)

    def on_change(self, change: CircuitChange) -> None:
        opened = change.state == "open"
        metrics.CIRCUIT_OPEN.labels(change.destination).set(1 if opened else 0)
        if opened:
            log.warning(
                "webhook circuit opened: the endpoint is failing; nothing is posted but one "
                "probe every interval, calls wait and the stage takes no new records",
                extra={
                    "fields": {
                        "stage": self.stage,
                        "destination": change.destination,
                        "failing_calls": change.failing_calls,
                        "last_error": change.last_error,
                        "next_probe_in_s": change.next_probe_in_s,
                        "waiting": change.waiting,
                    }
                },
            )
        else:
            log.warning(
                "webhook circuit closed: the endpoint answers again; waiting calls go now",
                extra={
                    "fields": {
                        "stage": self.stage,
                        "destination": change.destination,
                        "open_for_s": change.open_for_s,
                        "probes": change.probes,
                        "released": change.waiting,
                    }
                },
            )

    def on_probe(self, destination: str, succeeded: bool) -> None:
        metrics.CIRCUIT_PROBES.labels(destination, "success" if succeeded else "failure").inc()
        log.debug(
            "circuit probe %s",
            "succeeded" if succeeded else "failed",
            extra={"fields": {"stage": self.stage, "destination": destination}},
        )

    def on_waiting(self, destination: str, waiting: int) -> None:
        metrics.CIRCUIT_WAITING.labels(destination).set(waiting)
