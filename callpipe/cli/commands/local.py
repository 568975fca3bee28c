"""`callpipe local up|down|status|logs`: the local Kafka broker and schema registry."""

from __future__ import annotations

import argparse
import subprocess

from callpipe.cli.commands._startup import fail
from callpipe.cli.local.errors import LocalInfraError
from callpipe.cli.local.stack import LocalStack, Say
from callpipe.settings import load_settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("local", help="run a local Kafka + Apicurio Registry (no Docker)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("up", help="fetch (first time), start and wait until both answer")
    actions.add_parser("down", help="stop what `up` started")
    actions.add_parser("status", help="show what runs and where")
    logs = actions.add_parser("logs", help="print a service's log")
    logs.add_argument("service", choices=["kafka", "registry"])
    logs.add_argument("-f", "--follow", action="store_true")
    logs.add_argument("-n", "--lines", type=int, default=50)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    stack = LocalStack(load_settings())
    try:
        if args.action == "up":
            stack.up(Say())
        elif args.action == "down":
            stack.down(Say())
        elif args.action == "status":
            statuses = stack.status()
            for status in statuses:
                state = f"running (pid {status.pid})" if status.running else "stopped"
                print(f"{status.name:<9} {state:<22} {status.address}  log: {status.log_file}")
            return 0 if all(s.running for s in statuses) else 3
        elif args.action == "logs":
            process = stack.kafka if args.service == "kafka" else stack.registry
            if not process.log_file.exists():
                fail("local", f"no log yet at {process.log_file}")
                return 1
            tail = ["tail", "-n", str(args.lines)] + (["-F"] if args.follow else [])
            return subprocess.call([*tail, str(process.log_file)])
    except LocalInfraError as exc:
        fail(f"local {args.action}", exc)
        return 1
    return 0
