"""The small HTTP server on a worker's metrics port: /metrics, /healthz, /readyz.

prometheus_client's own server answers 200 with the metrics to any path, so
a probe of /healthz on it passed even when nothing was healthy. This one
serves exactly three paths and 404 elsewhere (405 for methods other than
GET and HEAD). It runs in its own threads, beside the worker's event loop,
so a scrape never waits for a record and a stalled loop shows as a failing
/healthz instead of a scrape timeout.
"""

from __future__ import annotations

import errno
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from callpipe.health import Liveness, Readiness, liveness_report, readiness_report

Report = Callable[[], tuple[int, dict[str, Any]]]


class MetricsPortBusy(OSError):
    """Another process listens on the metrics port."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            errno.EADDRINUSE,
            f"cannot serve metrics on {host}:{port}: the port is in use (METRICS_PORT)",
        )
        self.host = host
        self.port = port

    def __str__(self) -> str:
        return str(self.strerror)


class HealthServer:
    """Serves a registry's metrics and the process's health until `stop()`."""

    def __init__(
        self,
        host: str,
        port: int,
        registry: CollectorRegistry,
        liveness: Liveness,
        readiness: Readiness,
    ) -> None:
        routes: dict[str, Callable[[], tuple[int, str, bytes]]] = {
            # The classic text format: what every Prometheus 2.x (Debian's too) reads.
            "/metrics": lambda: (200, CONTENT_TYPE_PLAIN_0_0_4, generate_latest(registry)),
            "/healthz": lambda: _json(liveness_report(liveness.check())),
            "/readyz": lambda: _json(readiness_report(readiness.evaluate())),
        }
        try:
            self._server = ThreadingHTTPServer((host, port), _handler(routes))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise MetricsPortBusy(host, port) from exc
            raise
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="health-http", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)


def _json(report: tuple[int, dict[str, Any]]) -> tuple[int, str, bytes]:
    status, body = report
    return status, "application/json", json.dumps(body).encode()


def _handler(
    routes: dict[str, Callable[[], tuple[int, str, bytes]]],
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            route = routes.get(urlsplit(self.path).path)
            if route is None:
                status, kind, body = 404, "text/plain", b"not found: /metrics, /healthz, /readyz\n"
            else:
                status, kind, body = route()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def _not_allowed(self) -> None:
            self.send_response(405)
            self.send_header("Allow", "GET, HEAD")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_PUT = do_DELETE = do_PATCH = _not_allowed

        def log_message(self, format: str, *args: Any) -> None:
            """Scrapes and probes every few seconds are not worth a log line each."""

    return Handler
