"""`callpipe worker [--stage S]`: run pipeline stages.

Without --stage it runs every stage (extraction, analysis, delivery and the
delayed retries), each in its own process (a stage is its own consumer group
and Faust app, and separate processes use both cores);
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
    parser.add_argument("--stage", choices=STAGES, help="run one stage (default: all four)")
    parser.add_argument(
        "--metrics-port",
        type=int,
        help="Prometheus port (default METRICS_PORT; 0 = off). "
        "Without --stage the stages use this port, +1, +2 and +3.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    overrides = {} if args.metrics_port is None else {"metrics_port": args.metrics_port}
    settings = load_settings(**overrides)
    if args.stage:
        from callpipe.streams.worker import run_stage

        return run_stage(settings, args.stage)
    return _supervise(settings.metrics_port, settings.shutdown_grace_s)


def _supervise(base_port: int, grace_s: float) -> int:
    """Runs one child per stage; stops all when one dies or on SIGTERM/SIGINT.

    Exits non-zero when a stage died on its own (so `Restart=on-failure` and
    container restart policies restart the worker), with that stage's code.
    The children get SIGTERM from the kernel when this process dies, however
    it dies (PR_SET_PDEATHSIG), so no stage is left running in its consumer
    group with old settings.
    """
    children: list[subprocess.Popen[bytes]] = []
    for index, stage in enumerate(STAGES):
        port = base_port + index if base_port else 0
        env = {**os.environ, "METRICS_PORT": str(port)}
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "callpipe", "worker", "--stage", stage],
                env=env,
                preexec_fn=_die_with_parent,
            )
        )

    signalled = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal signalled
        signalled = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not signalled and all(child.poll() is None for child in children):
        time.sleep(0.2)
    died = [child for child in children if child.returncode is not None]
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    # Each stage bounds its own shutdown by the grace period; this is the backstop.
    deadline = time.monotonic() + grace_s + 5
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    if died and not signalled:
        return next((child.returncode for child in died if child.returncode), 1)
    return next(
        (
            child.returncode
            for child in children
            if child.returncode not in (0, None) and child.returncode > 0
        ),
        0,
    )


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: the kernel sends SIGTERM when the parent dies."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
