"""The report's targets and table (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from callpipe.bench.report import evaluate_targets, rate_key, render_table


def _report(**overrides: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "pipeline": {
            "calls": 3000,
            "calls_per_s": 1200.0,
            "latency_ms": {"p50": 900.0, "p95": 1500.0, "p99": 1700.0, "max": 1800.0},
        },
        "open_loop": {
            "50": {
                "rate": 50.0,
                "duration_s": 10.0,
                "calls_per_s": 50.0,
                "latency_ms": {"p50": 20.0, "p95": 40.0, "p99": 60.0, "max": 70.0},
            },
            "200": {
                "rate": 200.0,
                "duration_s": 10.0,
                "calls_per_s": 199.0,
                "latency_ms": {"p50": 30.0, "p95": 200.0, "p99": 1200.0, "max": 1300.0},
            },
        },
        "limits": {"kafka_calls_per_s": 20000.0, "receiver_posts_per_s": 2000.0},
        "polling": {
            "calls_per_s": 250.0,
            "latency_ms": {"p50": 2500.0, "p95": 4700.0, "p99": 4900.0, "max": 5000.0},
            "backlog": {"calls": 3000, "calls_per_s": 250.0, "latency_ms": None},
            "arrivals": {
                "rate": 50.0,
                "duration_s": 10.0,
                "calls_per_s": 48.0,
                "latency_ms": {"p50": 2500.0, "p99": 4900.0, "max": 5000.0},
            },
        },
        "scaling": {"1": {"calls_per_s": 1200.0}, "2": {"calls_per_s": 1300.0}},
    }
    report.update(overrides)
    return report


@pytest.mark.parametrize(("rate", "key"), [(50.0, "50"), (200, "200"), (12.5, "12.5")])
def test_rate_key(rate: float, key: str) -> None:
    """Whole rates are keyed without a decimal point."""
    assert rate_key(rate) == key


def test_targets_are_checked_against_their_thresholds() -> None:
    """Each target says its value, threshold and whether it is met."""
    targets = evaluate_targets(_report())
    assert targets["pipeline_calls_per_s"] == {
        "value": 1200.0,
        "threshold": 1000.0,
        "op": ">=",
        "met": True,
    }
    assert targets["pipeline_vs_half_lower_limit"]["threshold"] == 1000.0
    assert targets["pipeline_vs_half_lower_limit"]["met"] is True
    assert targets["open_loop_50_p99_ms"]["met"] is True
    assert targets["open_loop_200_p99_ms"]["met"] is False
    assert targets["polling_p50_over_pipeline_p50"]["value"] == 125.0
    assert targets["polling_p50_over_pipeline_p50"]["met"] is True


def test_targets_not_measured_are_none() -> None:
    """A phase that did not run leaves its targets unmeasured rather than failed."""
    targets = evaluate_targets({"limits": {"kafka_calls_per_s": 10.0}})
    assert all(target["met"] is None for target in targets.values())


def test_table_lists_every_figure_and_target() -> None:
    """The printed table has the pipeline, each rate, scaling, limits, polling and targets."""
    report = _report()
    report["targets"] = evaluate_targets(report)
    table = render_table(report)
    for text in (
        "pipeline, backlog of 3000 calls",
        "open loop 50 calls/s",
        "open loop 200",
        "scaling: 2 worker(s)",
        "plain confluent-kafka",
        "receiver, plain aiohttp",
        "polling design, backlog",
        "polling design, 50 calls/s",
        "targets:",
        "NOT met",
        "1,200",
    ):
        assert text in table, text


def test_table_of_a_partial_report() -> None:
    """Only the limits ran: the table still renders."""
    table = render_table({"limits": {"kafka_calls_per_s": 10.0, "receiver_posts_per_s": 5.0}})
    assert "plain confluent-kafka" in table and "pipeline" not in table


def test_table_shows_the_hops_of_an_open_loop_rate() -> None:
    """Per-stage latencies appear under their rate."""
    report = _report()
    report["open_loop"]["50"]["hops_ms"] = {
        "extraction": {"p50": 5.0, "p95": 8.0, "p99": 9.0, "max": 10.0},
        "analysis": None,
        "delivery": {"p50": 7.0, "p95": 9.0, "p99": 12.0, "max": 15.0},
    }
    table = render_table(report)
    assert "of which the extraction hop" in table and "of which the delivery hop" in table
    assert "analysis hop" not in table


def test_markdown_table_has_a_row_per_figure() -> None:
    """The Markdown rendering carries the same figures as the printed table."""
    from callpipe.bench.report import render_markdown

    markdown = render_markdown(_report())
    assert markdown.startswith("| figure | calls/s | p50 ms | p95 ms | p99 ms | max ms |")
    assert "| pipeline, open loop 200 calls/s for 10 s | 199 | 30.0 | 200.0 | 1,200.0 |" in markdown
    assert "limit: reference receiver" in markdown and "polling design, backlog" in markdown


def test_tables_show_the_faust_stage_floor() -> None:
    """The no-work stage's rate and its CPU per record are a limit row in both renderings."""
    from callpipe.bench.report import render_markdown

    report = {"limits": {"stage_floor": {"records_per_s": 2314, "worker_us_per_record": 316}}}
    row = "limit: one Faust stage with no work (records/s; 316 us of CPU per record)"
    assert row in render_table(report)
    assert f"| {row} | 2,314 | - | - | - | - |" in render_markdown(report)
