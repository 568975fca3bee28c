"""The reference receiver's own ceiling: POSTs from a plain concurrent aiohttp client.

The payloads are the real ones (the synthetic calls analysed by
`callpipe.analysis.analyze`), each with its own Idempotency-Key, so every
POST is validated and stored. They are encoded before the clock starts. The
client is aiohttp rather than the pipeline's httpx, because httpx 0.28 is
slow under concurrency (see connectors/webhook/aiohttp_transport.py) and would measure itself.
Run in its own process (``python -m callpipe.bench.receiver_limit``) so that it does
not share an interpreter with the benchmark's bookkeeping.

The machine is shared and a round lasts a second or two, so the POSTs are
sent ``rounds`` times (each round with Idempotency-Keys of its own, so every
POST is stored again) and the best round is the headline, the median beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

import aiohttp


async def post_all(
    url: str, bodies: Sequence[tuple[str, bytes]], concurrency: int
) -> dict[str, Any]:
    """POSTs every (idempotency key, body) with ``concurrency`` requests in flight."""
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    for item in bodies:
        queue.put_nowait(item)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            while not queue.empty():
                key, body = queue.get_nowait()
                headers = {"Content-Type": "application/json", "Idempotency-Key": key}
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    ok = statuses.get(200, 0)
    return {
        "posts": len(bodies),
        "ok": ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "concurrency": concurrency,
        "seconds": round(seconds, 3),
        "posts_per_s": round(ok / seconds, 1) if seconds > 0 else 0.0,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Reads ``{"url", "concurrency", "rounds", "warmup": [...], "bodies": [[key, json_text],
    ...]}`` on stdin; the warm-up POSTs open the connections and are not counted."""
    parser = argparse.ArgumentParser(prog="python -m callpipe.bench.receiver_limit")
    parser.parse_args(argv)
    job = json.load(sys.stdin)
    print(json.dumps(asyncio.run(_rounds(job))), flush=True)
    return 0


async def _rounds(job: dict[str, Any]) -> dict[str, Any]:
    concurrency = int(job["concurrency"])
    warmup = [(key, text.encode()) for key, text in job.get("warmup", [])]
    bodies = [(key, text.encode()) for key, text in job["bodies"]]
    if warmup:
        await post_all(job["url"], warmup, concurrency)
    results = []
    for number in range(1, int(job.get("rounds", 1)) + 1):
        keyed = [(f"{key}-r{number}", body) for key, body in bodies]
        results.append(await post_all(job["url"], keyed, concurrency))
    best = max(results, key=lambda r: float(r["posts_per_s"]))
    return {
        **best,
        "rounds": [r["seconds"] for r in results],
        "posts_per_s_median": round(statistics.median(r["posts_per_s"] for r in results), 1),
        "statuses": {
            k: sum(r["statuses"].get(k, 0) for r in results)
            for k in {k for r in results for k in r["statuses"]}
        },
    }


if __name__ == "__main__":
    sys.exit(main())
