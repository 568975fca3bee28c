"""`callpipe worker [--stage S]`: run pipeline stages.

Without --stage it runs every stage, each in its own process (a stage is its
own consumer group and Faust app, and separate processes use both cores);
with --stage it runs that one, which is how a stage scales: start more.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from callpipe.settings import STAGES, load_settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("worker", help="run the pipeline's Faust agents")
    parser.add_argument("--stage", choices=STAGES, help="run one stage (default: all three)")
    parser.add_argument("--metrics-port", type=int,
                        help="Prometheus port (default METRICS_PORT; 0 = off). "
                        "Without --stage the stages use this port, +1 and +2.")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    overrides = {} if args.metrics_port is None else {"metrics_port": args.metrics_port}
    settings = load_settings(**overrides)
    if args.stage:
        from streams.worker import run_stage

        return run_stage(settings, args.stage)
    return _supervise(settings.metrics_port)


def _supervise(base_port: int) -> int:
    """Runs one child per stage; stops all when one dies or on SIGTERM/SIGINT."""
    children: list[subprocess.Popen[bytes]] = []
    for index, stage in enumerate(STAGES):
        port = base_port + index if base_port else 0
        env = {**os.environ, "METRICS_PORT": str(port)}
        children.append(subprocess.Popen(
            [sys.executable, "-m", "callpipe", "worker", "--stage", stage], env=env))

    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.2)
    stop(signal.SIGTERM, None)
    for child in children:
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
    codes = [child.returncode for child in children]
    return 0 if stopping else next((c for c in codes if c), 1)
