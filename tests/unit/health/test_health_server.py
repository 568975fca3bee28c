"""The worker's metrics port: /metrics, /healthz, /readyz, 404 elsewhere (a real socket)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client import CollectorRegistry, Counter

from callpipe.connectors.health_http import HealthServer, MetricsPortBusy
from callpipe.health import CheckResult, Liveness, Readiness


@pytest.fixture
def parts() -> tuple[CollectorRegistry, Liveness, Readiness]:
    registry = CollectorRegistry()
    Counter("callpipe_test_total", "A test counter.", registry=registry).inc(3)
    return registry, Liveness(stale_after_s=30), Readiness()


@pytest.fixture
def server(parts: tuple[CollectorRegistry, Liveness, Readiness]) -> Iterator[HealthServer]:
    running = HealthServer("127.0.0.1", 0, *parts)
    running.start()
    yield running
    running.stop()


def _get(server: HealthServer, path: str) -> httpx.Response:
    return httpx.get(f"http://127.0.0.1:{server.port}{path}", timeout=5)


def test_metrics_are_the_registrys_in_prometheus_text(server: HealthServer) -> None:
    """/metrics serves the given registry, nothing else."""
    response = _get(server, "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "callpipe_test_total 3.0" in response.text


def test_healthz_and_readyz_answer_json(
    server: HealthServer, parts: tuple[CollectorRegistry, Liveness, Readiness]
) -> None:
    """Alive and not ready: 200 on /healthz, 503 on /readyz naming the failing check."""
    _, liveness, readiness = parts
    liveness.beat()
    readiness.register("producer", lambda: CheckResult(False, "no broker reachable"))
    assert _get(server, "/healthz").json() == {"status": "alive", "detail": "alive"}
    response = _get(server, "/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["producer"] == {"ok": False, "detail": "no broker reachable"}


@pytest.mark.parametrize("path", ["/", "/metrics/extra", "/health", "/readyz/"])
def test_any_other_path_is_404(server: HealthServer, path: str) -> None:
    """prometheus_client's server answered 200 everywhere; this one does not."""
    assert _get(server, path).status_code == 404


def test_query_strings_do_not_change_the_route(server: HealthServer) -> None:
    """/readyz?verbose=1 is /readyz."""
    assert _get(server, "/readyz?verbose=1").status_code == 200


def test_only_get_and_head_are_allowed(server: HealthServer) -> None:
    """POST to /metrics is 405 with Allow; HEAD answers without a body."""
    url = f"http://127.0.0.1:{server.port}/metrics"
    response = httpx.post(url, timeout=5)
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"
    head = httpx.head(url, timeout=5)
    assert head.status_code == 200 and head.content == b""


def test_a_busy_port_is_one_error_naming_it(
    parts: tuple[CollectorRegistry, Liveness, Readiness],
) -> None:
    """Another listener on the port: MetricsPortBusy, whose message names host, port and
    the setting."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(MetricsPortBusy) as raised:
            HealthServer("127.0.0.1", port, *parts)
    assert str(raised.value) == (
        f"cannot serve metrics on 127.0.0.1:{port}: the port is in use (METRICS_PORT)"
    )
