"""The benchmark report: targets checked against the figures, and the printed table (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

TARGET_CALLS_PER_S = 1000.0
TARGET_P99_MS = {50.0: 250.0, 200.0: 1000.0}
TARGET_POLLING_RATIO = 50.0


def rate_key(rate: float) -> str:
    """``50`` for 50.0, ``12.5`` for 12.5: the key of a rate in the report."""
    return str(int(rate)) if float(rate).is_integer() else str(rate)


def evaluate_targets(report: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target with its figure, its threshold and whether it is met (None: not measured)."""
    targets: dict[str, dict[str, Any]] = {}
    pipeline = _get(report, "pipeline", "calls_per_s")
    targets["pipeline_calls_per_s"] = _at_least(pipeline, TARGET_CALLS_PER_S)
    limits = [
        _get(report, "limits", "kafka_calls_per_s"),
        _get(report, "limits", "receiver_posts_per_s"),
    ]
    known = [value for value in limits if value]
    half = min(known) / 2 if len(known) == 2 else None
    targets["pipeline_vs_half_lower_limit"] = _at_least(pipeline, half)
    for rate, ceiling in TARGET_P99_MS.items():
        p99 = _get(report, "open_loop", rate_key(rate), "latency_ms", "p99")
        targets[f"open_loop_{rate_key(rate)}_p99_ms"] = {
            "value": p99,
            "threshold": ceiling,
            "op": "<",
            "met": None if p99 is None else p99 < ceiling,
        }
    polling_p50 = _get(report, "polling", "latency_ms", "p50")
    polling_rate = _get(report, "polling", "arrivals", "rate")
    pipeline_p50 = (
        _get(report, "open_loop", rate_key(polling_rate), "latency_ms", "p50")
        if polling_rate is not None
        else None
    )
    ratio = (
        round(polling_p50 / pipeline_p50, 1) if polling_p50 is not None and pipeline_p50 else None
    )
    targets["polling_p50_over_pipeline_p50"] = _at_least(ratio, TARGET_POLLING_RATIO)
    return targets


def _at_least(value: float | None, threshold: float | None) -> dict[str, Any]:
    met = None if value is None or threshold is None else value >= threshold
    return {"value": value, "threshold": threshold, "op": ">=", "met": met}


def _get(data: Mapping[str, Any], *path: str) -> Any:
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _num(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    if digits == 0:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


class Figure(NamedTuple):
    """One row of the report's tables: a rate and the latency percentiles, if any."""

    name: str
    per_s: Any
    latency_ms: Mapping[str, Any]
    detail: bool = False  # a breakdown of the row above it (shown indented)


def figures(report: Mapping[str, Any]) -> list[Figure]:
    """The report's figures in table order (both renderings show these rows)."""
    rows: list[Figure] = []

    def add(name: str, node: Any, per_s: Any = None, detail: bool = False) -> None:
        lat = _get(node, "latency_ms") if isinstance(node, Mapping) else None
        rate = per_s if per_s is not None else _get(node, "calls_per_s")
        rows.append(Figure(name, rate, lat if isinstance(lat, Mapping) else {}, detail))

    pipe = report.get("pipeline")
    if pipe:
        add(f"pipeline, backlog of {pipe.get('calls')} calls, 1 worker per stage", pipe)
    for key, node in (report.get("open_loop") or {}).items():
        add(f"pipeline, open loop {key} calls/s for {_num(node.get('duration_s'))} s", node)
        for hop, lat in (node.get("hops_ms") or {}).items():
            if lat:
                add(f"of which the {hop} hop", {"latency_ms": lat}, "", detail=True)
    for key, node in (report.get("scaling") or {}).items():
        add(f"scaling: {key} worker(s) per stage, backlog", node)
    limits = report.get("limits") or {}
    if "kafka_calls_per_s" in limits:
        add(
            "limit: plain confluent-kafka through 3 topics (records/s)",
            None,
            limits["kafka_calls_per_s"],
        )
    if "receiver_posts_per_s" in limits:
        add(
            "limit: reference receiver, plain aiohttp client (POSTs/s)",
            None,
            limits["receiver_posts_per_s"],
        )
    floor = limits.get("stage_floor")
    if isinstance(floor, Mapping):
        add(
            f"limit: one Faust stage with no work (records/s; "
            f"{_num(floor.get('worker_us_per_record'))} us of CPU per record)",
            None,
            floor.get("records_per_s"),
        )
    polling = report.get("polling")
    if polling:
        add(
            f"polling design, backlog of {_num(_get(polling, 'backlog', 'calls'))} files",
            polling.get("backlog"),
        )
        arrivals = polling.get("arrivals") or {}
        add(
            f"polling design, {_num(arrivals.get('rate'))} calls/s for "
            f"{_num(arrivals.get('duration_s'))} s",
            arrivals,
        )
    return rows


def render_table(report: Mapping[str, Any]) -> str:
    """The human summary: one row per figure, then the targets."""
    rows = [("figure", "calls/s", "p50 ms", "p99 ms", "max ms")]
    for figure in figures(report):
        lat = figure.latency_ms
        rows.append(
            (
                ("  " if figure.detail else "") + figure.name,
                _rate(figure.per_s),
                _num(lat.get("p50"), 1),
                _num(lat.get("p99"), 1),
                _num(lat.get("max"), 1),
            )
        )
    width = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(
            cell.ljust(width[0]) if i == 0 else cell.rjust(width[i]) for i, cell in enumerate(row)
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    targets = report.get("targets") or {}
    if targets:
        lines.append("")
        lines.append("targets:")
        for name, target in targets.items():
            verdict = {True: "met", False: "NOT met", None: "not measured"}[target["met"]]
            threshold = target["threshold"]
            lines.append(
                f"  {name}: {_num(target['value'], 1)} {target['op']} "
                f"{_num(threshold, 1)}  -> {verdict}"
            )
    return "\n".join(lines)


def render_markdown(report: Mapping[str, Any]) -> str:
    """The figures as a Markdown table (for docs/performance.md and the README)."""
    lines = [
        "| figure | calls/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for figure in figures(report):
        name = ("&nbsp;&nbsp;" if figure.detail else "") + figure.name
        cells = [_rate(figure.per_s)] + [
            _num(figure.latency_ms.get(k), 1) for k in ("p50", "p95", "p99", "max")
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _rate(value: Any) -> str:
    # "" marks a breakdown row, which has latencies but no rate of its own.
    return "" if value == "" else _num(value)


def main(argv: list[str] | None = None) -> int:
    """``python -m callpipe.bench.report REPORT.json``: the report's figures as Markdown."""
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m callpipe.bench.report REPORT.json", file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as handle:
        print(render_markdown(json.load(handle)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
