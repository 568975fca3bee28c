"""`make demo`: the whole pipeline on the contract's four example calls.

Starts a reference receiver and the stage workers against the local
Kafka and registry (`callpipe local up`), publishes the example transcripts,
waits for the webhooks, prints what the receiver stored next to the
contract's expected payload, and stops what it started.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

EXAMPLES = Path("examples")
"""The contract's four examples, as the repository ships them (run from its top)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _examples(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    return [
        (path, json.loads(path.with_name(path.name.replace(".transcript", ".payload")).read_text()))
        for path in sorted(folder.glob("*.transcript.json"))
    ]


def main(argv: list[str] | None = None) -> int:
    """`python -m callpipe.cli.demo [FOLDER]`: FOLDER holds `*.transcript.json` and
    `*.payload.json` pairs (default: ./examples)."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else EXAMPLES
    examples = _examples(folder)
    if not examples:
        print(
            f"demo: no *.transcript.json in {folder.absolute()}: run it from the "
            "repository's top folder or name a folder of examples",
            file=sys.stderr,
        )
        return 2
    run_id = time.strftime("%Y%m%d%H%M%S")
    workdir = Path(tempfile.mkdtemp(prefix="callpipe-demo-"))
    port = _free_port()
    env = {
        **os.environ,
        "TOPIC_PREFIX": f"demo-{run_id}.",
        "CONSUMER_GROUP_PREFIX": f"demo-{run_id}",
        "WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}",
        "FAUST_DATA_DIR": str(workdir / "faust"),
        "LOG_FORMAT": "text",
    }
    api = f"http://127.0.0.1:{port}/api/webhooks/singleinterface"
    print(f"demo: topics demo-{run_id}.*, receiver {api}, logs in {workdir}")
    started: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, *args: str) -> None:
        log = (workdir / f"{name}.log").open("wb")
        started.append(
            subprocess.Popen(
                [sys.executable, "-m", "callpipe", *args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )

    try:
        spawn("receiver", "receiver", "--port", str(port), "--db", str(workdir / "receiver.db"))
        spawn("worker", "worker")
        print("demo: receiver and workers (extraction, analysis, delivery, retry) starting ...")
        publish = subprocess.run(
            [sys.executable, "-m", "callpipe", "publish", *(str(p) for p, _ in examples)],
            env=env,
            check=False,
        )
        if publish.returncode != 0:
            print("demo: publishing failed", file=sys.stderr)
            return 1
        deadline = time.monotonic() + 120
        stored: dict[str, Any] = {}
        while time.monotonic() < deadline and len(stored) < len(examples):
            time.sleep(0.5)
            for _path, expected in examples:
                call_id = expected["call_ref_id"]
                try:
                    body = httpx.get(f"{api}/calls/{call_id}", timeout=2).json()
                except httpx.HTTPError:
                    continue
                if body.get("payloads"):
                    stored[call_id] = body["payloads"][0]["payload"]
        all_equal = True
        for path, expected in examples:
            got = stored.get(expected["call_ref_id"])
            equal = got == expected
            all_equal &= equal
            print(
                f"\n=== {path.name}: webhook received by the receiver "
                f"({'equal to the contract payload' if equal else 'DIFFERS from the contract'})"
            )
            print(json.dumps(got, indent=2, ensure_ascii=False) if got else "(nothing arrived)")
        print(
            f"\ndemo: {len(stored)}/{len(examples)} webhooks delivered, "
            f"{'all equal to the contract' if all_equal else 'NOT all equal'}"
        )
        return 0 if all_equal and len(stored) == len(examples) else 1
    finally:
        for process in reversed(started):
            process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        print(
            "demo: receiver and workers stopped (Kafka and the registry keep running: "
            "`callpipe local down` stops them)"
        )


if __name__ == "__main__":
    sys.exit(main())
