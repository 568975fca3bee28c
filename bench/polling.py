"""A model of the design callpipe replaces: poll a folder every 5 s, one file at a time.

The old service woke up every few seconds, listed its transcripts folder and
handled each file in turn: read, analyse, POST the webhook, move the file
away, then the next. This model does exactly that with today's code, so the
comparison is about the design and not about the code: the same analysis
(`callpipe.analysis.analyze`, rules extractor), the same idempotency key,
the same `WebhookSender` (httpx, retries) and the same receiver.

Rounds start every ``interval`` seconds (a round that overruns is followed
at once by the next); files are taken in name order. A file arrives when the
benchmark renames it into the folder (``*.tmp`` -> ``*.json``, atomic).

As a process: ``python -m callpipe.bench.polling --folder DIR --interval 5 --expect N``
with WEBHOOK_BASE_URL in the environment. It prints ``{"event": "ready"}``,
waits for a line on stdin, runs rounds until N files are handled, prints
``{"event": "done", ...}`` and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from callpipe.analysis import analyze, load_analysis_config
from callpipe.connectors.webhook.idempotency import idempotency_key
from callpipe.connectors.webhook.outcome import DeliveryStatus
from callpipe.connectors.webhook.sender import WebhookSender
from callpipe.edges import webhook_config
from callpipe.settings import Settings, load_settings

PROCESSED = "processed"
FAILED = "failed"


class FolderPoller:
    """The legacy loop: every ``interval`` s, each ``*.json`` in name order, one at a time."""

    def __init__(self, settings: Settings, folder: Path, interval_s: float) -> None:
        self.folder = folder
        self.interval_s = interval_s
        self.config = load_analysis_config(settings.analysis_config_dir)
        self.tz = ZoneInfo(settings.output_timezone)
        self.sender = WebhookSender(webhook_config(settings))
        (folder / PROCESSED).mkdir(parents=True, exist_ok=True)
        (folder / FAILED).mkdir(parents=True, exist_ok=True)
        self.handled = 0
        self.failed = 0
        self.rounds = 0

    async def handle(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        payload = analyze(data, self.config, self.tz)
        outcome = await self.sender.deliver(payload, idempotency_key(payload))
        ok = outcome.status is DeliveryStatus.DELIVERED
        os.replace(path, self.folder / (PROCESSED if ok else FAILED) / path.name)
        self.handled += 1
        self.failed += 0 if ok else 1

    async def run_round(self) -> int:
        self.rounds += 1
        names = sorted(
            entry.name
            for entry in os.scandir(self.folder)
            if entry.is_file() and entry.name.endswith(".json")
        )
        for name in names:
            await self.handle(self.folder / name)
        return len(names)

    async def run(self, expect: int) -> None:
        next_round = time.monotonic()
        while self.handled < expect:
            await self.run_round()
            next_round += self.interval_s
            delay = next_round - time.monotonic()
            if delay > 0 and self.handled < expect:
                await asyncio.sleep(delay)
            elif delay <= 0:
                next_round = time.monotonic()

    async def warm_up(self) -> None:
        """Analyses one transcript so first-call costs are not in the figures (no POST)."""
        from callpipe.bench.synthetic import make_transcripts

        analyze(make_transcripts(1, 0)[0], self.config, self.tz)


def write_arrival(folder: Path, name: str, data: dict[str, Any]) -> float:
    """Puts one transcript into the folder atomically; returns its arrival time (epoch s)."""
    tmp = folder / f".{name}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / f"{name}.json")
    return time.time()


async def _serve(folder: Path, interval_s: float, expect: int) -> dict[str, Any]:
    poller = FolderPoller(load_settings(), folder, interval_s)
    try:
        await poller.warm_up()
        print(json.dumps({"event": "ready"}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        started = time.perf_counter()
        await poller.run(expect)
        return {
            "event": "done",
            "handled": poller.handled,
            "failed": poller.failed,
            "rounds": poller.rounds,
            "seconds": round(time.perf_counter() - started, 3),
        }
    finally:
        await poller.sender.aclose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m callpipe.bench.polling")
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--expect", type=int, required=True)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(_serve(args.folder, args.interval, args.expect))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
