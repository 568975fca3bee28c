"""The polling design's phase of `callpipe bench`: a backlog, then files arriving at a rate.

It drives the poller of `callpipe.bench.polling` as a child process and
times each call from the moment its file lands in the folder to its receipt.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from callpipe.bench.config import BenchConfig, Say
from callpipe.bench.pipeline import wait_received
from callpipe.bench.polling import write_arrival
from callpipe.bench.procs import ReceiverProcess, child_env, read_event
from callpipe.bench.report import rate_key
from callpipe.bench.stats import Timings, require_complete
from callpipe.bench.workload import Call, make_calls, paced, phase_prefix
from callpipe.settings import Settings


def run_polling_phase(
    config: BenchConfig,
    settings: Settings,
    receiver: ReceiverProcess,
    run_id: str,
    workdir: Path,
    tz: ZoneInfo,
    say: Say,
) -> dict[str, Any]:
    rate = config.rates[0] if config.rates else 50.0
    say(f"polling design: backlog of {config.calls} files, one at a time ...")
    backlog_calls = make_calls(config.calls, config.seed, phase_prefix(run_id, "pollb"), tz)
    backlog = _poll_run(
        settings,
        receiver,
        workdir / "poll-backlog",
        backlog_calls,
        phase_prefix(run_id, "pollb"),
        None,
        config.poll_interval_s,
    )
    say(f"  {backlog['calls_per_s']:,.0f} calls/s")
    count = max(1, round(rate * config.duration_s))
    say(
        f"polling design: {rate_key(rate)} calls/s for {config.duration_s:g} s, "
        f"polled every {config.poll_interval_s:g} s ..."
    )
    spread_calls = make_calls(count, config.seed + 10, phase_prefix(run_id, "polls"), tz)
    arrivals = _poll_run(
        settings,
        receiver,
        workdir / "poll-arrivals",
        spread_calls,
        phase_prefix(run_id, "polls"),
        rate,
        config.poll_interval_s,
    )
    arrivals = {"rate": rate, "duration_s": config.duration_s, **arrivals}
    lat = arrivals["latency_ms"]
    say(f"  p50 {lat['p50']:,.0f} ms, p99 {lat['p99']:,.0f} ms")
    return {
        "calls_per_s": backlog["calls_per_s"],
        "latency_ms": lat,
        "interval_s": config.poll_interval_s,
        "backlog": backlog,
        "arrivals": arrivals,
    }


def _poll_run(
    settings: Settings,
    receiver: ReceiverProcess,
    folder: Path,
    calls: Sequence[Call],
    prefix: str,
    rate: float | None,
    interval_s: float,
) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    env = child_env(settings)
    log = (folder.parent / f"{folder.name}.log").open("ab")
    poller = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "callpipe.bench.polling",
            "--folder",
            str(folder),
            "--interval",
            str(interval_s),
            "--expect",
            str(len(calls)),
        ],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    log.close()
    sent: dict[str, float] = {}
    try:
        read_event(poller, "ready", 60)
        assert poller.stdin is not None
        if rate is None:  # a backlog: every file is there before the first round
            for call in calls:
                sent[call.call_ref_id] = write_arrival(folder, call.call_ref_id, call.data)
            poller.stdin.write("go\n")
            poller.stdin.flush()
        else:
            poller.stdin.write("go\n")
            poller.stdin.flush()
            for index in paced(len(calls), rate, time.monotonic()):
                call = calls[index]
                sent[call.call_ref_id] = write_arrival(folder, call.call_ref_id, call.data)
        done = read_event(poller, "done", 600)
        wait_received(receiver, prefix, len(calls))
    finally:
        if poller.poll() is None:
            poller.terminate()
        poller.wait(10)
    timings = Timings(sent, receiver.received(prefix))
    require_complete(timings, "polling")
    return {**timings.summary(), "rounds": done.get("rounds"), "failed": done.get("failed")}
