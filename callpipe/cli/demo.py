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
    demo = _Demo(run_id, Path(tempfile.mkdtemp(prefix="callpipe-demo-")), _free_port())
    print(f"demo: topics demo-{run_id}.*, receiver {demo.api}, logs in {demo.workdir}")
    try:
        demo.spawn("receiver", "receiver", "--port", str(demo.port), "--db", "receiver.db")
        demo.spawn("worker", "worker")
        print("demo: receiver and workers (extraction, analysis, delivery, retry) starting ...")
        if not demo.publish([path for path, _ in examples]):
            print("demo: publishing failed", file=sys.stderr)
            return 1
        stored = demo.wait_for_payloads([expected["call_ref_id"] for _, expected in examples])
        return _report(examples, stored)
    finally:
        demo.stop()
        print(
            "demo: receiver and workers stopped (Kafka and the registry keep running: "
            "`callpipe local down` stops them)"
        )


class _Demo:
    """The processes of one demo run, on topics and groups of their own."""

    def __init__(self, run_id: str, workdir: Path, port: int) -> None:
        self.workdir = workdir
        self.port = port
        self.api = f"http://127.0.0.1:{port}/api/webhooks/singleinterface"
        self.env = {
            **os.environ,
            "TOPIC_PREFIX": f"demo-{run_id}.",
            "CONSUMER_GROUP_PREFIX": f"demo-{run_id}",
            "WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}",
            "FAUST_DATA_DIR": str(workdir / "faust"),
            "LOG_FORMAT": "text",
        }
        self.started: list[subprocess.Popen[bytes]] = []

    def spawn(self, name: str, *args: str) -> None:
        with (self.workdir / f"{name}.log").open("wb") as log:
            self.started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "callpipe", *args],
                    env=self.env,
                    cwd=self.workdir,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    def publish(self, transcripts: list[Path]) -> bool:
        argv = [
            sys.executable,
            "-m",
            "callpipe",
            "publish",
            *(str(p.absolute()) for p in transcripts),
        ]
        return subprocess.run(argv, env=self.env, check=False).returncode == 0

    def wait_for_payloads(self, call_ids: list[str], timeout_s: float = 120) -> dict[str, Any]:
        """call_ref_id -> the first payload the receiver stored, for those that arrived."""
        deadline = time.monotonic() + timeout_s
        stored: dict[str, Any] = {}
        while time.monotonic() < deadline and len(stored) < len(call_ids):
            time.sleep(0.5)
            for call_id in call_ids:
                try:
                    body = httpx.get(f"{self.api}/calls/{call_id}", timeout=2).json()
                except httpx.HTTPError:
                    continue
                if body.get("payloads"):
                    stored[call_id] = body["payloads"][0]["payload"]
        return stored

    def stop(self) -> None:
        for process in reversed(self.started):
            process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def _report(examples: list[tuple[Path, dict[str, Any]]], stored: dict[str, Any]) -> int:
    """Prints each received payload beside the verdict; 0 when all arrived equal."""
    all_equal = True
    for path, expected in examples:
        got = stored.get(expected["call_ref_id"])
        equal = got == expected
        all_equal &= equal
        verdict = "equal to the contract payload" if equal else "DIFFERS from the contract"
        print(f"\n=== {path.name}: webhook received by the receiver ({verdict})")
        print(json.dumps(got, indent=2, ensure_ascii=False) if got else "(nothing arrived)")
    summary = "all equal to the contract" if all_equal else "NOT all equal"
    print(f"\ndemo: {len(stored)}/{len(examples)} webhooks delivered, {summary}")
    return 0 if all_equal and len(stored) == len(examples) else 1


if __name__ == "__main__":
    sys.exit(main())
