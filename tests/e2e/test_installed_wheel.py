"""callpipe installed the normal Python way works anywhere, not only in its checkout.

`python -m build` makes the sdist and, from that sdist, the wheel (so the
sdist is proved to build and compile the engine too). The wheel goes into a
fresh virtualenv outside the checkout, and every command below runs from
that virtualenv with a working directory outside the checkout and nothing of
the checkout on the path: the four contract examples are analysed exactly,
`topics create` registers every schema, and a worker, the reference receiver
and `callpipe publish` deliver the four examples exactly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from callpipe.bench.procs import free_port
from callpipe.settings import Settings
from callpipe.topics import TOPICS, subject_for
from tests.e2e.harness import wait_for

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(1500)


@dataclass(frozen=True)
class Installed:
    """A virtualenv holding only the built wheel (and its dependencies)."""

    wheel: Path
    venv: Path
    workdir: Path

    def command(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def env(self, settings: Settings | None = None, **extra: str) -> dict[str, str]:
        """No trace of the checkout or its virtualenv: only this venv's bin on PATH."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP"}
            and not key.startswith(("TOPIC_", "KAFKA_", "SCHEMA_", "WEBHOOK", "LOCAL_"))
        }
        env["PATH"] = f"{self.venv / 'bin'}:/usr/bin:/bin"
        env["LOG_FORMAT"] = "text"
        if settings is not None:
            env.update(
                TOPIC_PREFIX=settings.topic_prefix,
                CONSUMER_GROUP_PREFIX=settings.consumer_group_prefix,
                KAFKA_BOOTSTRAP_SERVERS=settings.kafka_bootstrap_servers,
                SCHEMA_REGISTRY_URL=settings.schema_registry_url,
                TOPIC_PARTITIONS=str(settings.topic_partitions),
                METRICS_PORT="0",
            )
        env.update(extra)
        return env

    def run(
        self, *argv: str, settings: Settings | None = None, timeout: float = 120, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.command("callpipe"), *argv],
            cwd=self.workdir,
            env=self.env(settings, **extra),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _run(argv: list[str], cwd: Path, timeout: float) -> None:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (
        f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("installed")
    assert REPO not in root.parents, "the install must live outside the checkout"
    dist = root / "dist"
    # `python -m build` makes the sdist, then the wheel from that sdist.
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)], root, 1200)
    (wheel,) = dist.glob("callpipe-*.whl")
    assert list(dist.glob("callpipe-*.tar.gz")), "no sdist was built"
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], root, 120)
    _run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-c",
            str(REPO / "constraints.txt"),
            str(wheel),
        ],
        root,
        900,
    )
    workdir = root / "work"
    workdir.mkdir()
    shutil.copytree(REPO / "examples", workdir / "examples")
    yield Installed(wheel=wheel, venv=venv, workdir=workdir)


def test_the_wheel_installs_only_the_callpipe_package(installed: Installed) -> None:
    """The wheel's top-level names are `callpipe` and its dist-info, nothing else."""
    with zipfile.ZipFile(installed.wheel) as wheel:
        top_level = {name.split("/")[0] for name in wheel.namelist()}
    dist_info = {name for name in top_level if name.endswith(".dist-info")}
    assert len(dist_info) == 1 and next(iter(dist_info)).startswith("callpipe-")
    assert top_level - dist_info == {"callpipe"}


def test_the_installed_package_is_the_wheel_with_its_compiled_engine(installed: Installed) -> None:
    """callpipe imports from the virtualenv, and the engine it runs is compiled and current."""
    where = subprocess.run(
        [installed.command("python"), "-c", "import callpipe; print(callpipe.__file__)"],
        cwd=installed.workdir,
        env=installed.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(installed.venv)
    build = subprocess.run(
        [installed.command("python"), "-m", "callpipe.analysis.build", "--require-compiled"],
        cwd=installed.workdir,
        env=installed.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert "stale: none" in build.stdout


def test_analyze_reproduces_the_four_contract_examples(installed: Installed) -> None:
    """`callpipe analyze` from the wheel gives each contract payload exactly."""
    transcripts = sorted((installed.workdir / "examples").glob("*.transcript.json"))
    assert len(transcripts) == 4
    for transcript in transcripts:
        done = installed.run("analyze", str(transcript.relative_to(installed.workdir)))
        assert done.returncode == 0, done.stderr
        expected = _payload_of(transcript)
        assert json.loads(done.stdout) == expected, transcript.name


def test_topics_create_registers_every_schema(installed: Installed, settings: Settings) -> None:
    """`callpipe topics create` finds its schemas in the installed package."""
    done = installed.run("topics", "create", settings=settings)
    assert done.returncode == 0, done.stdout + done.stderr
    registry = settings.schema_registry_url
    for logical_name in TOPICS:
        subject = subject_for(settings, logical_name)
        versions = httpx.get(f"{registry}/subjects/{subject}/versions", timeout=10)
        assert versions.status_code == 200 and versions.json() == [1], subject


def test_a_worker_receiver_and_publish_deliver_the_four_examples(
    installed: Installed, settings: Settings
) -> None:
    """The whole pipeline from the wheel delivers each contract payload exactly."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api/webhooks/singleinterface"
    env = {"WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}"}
    started: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, *argv: str) -> None:
        with (installed.workdir / f"{name}.log").open("ab") as log:
            started.append(
                subprocess.Popen(
                    [installed.command("callpipe"), *argv],
                    cwd=installed.workdir,
                    env=installed.env(settings, **env),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    try:
        spawn("receiver", "receiver", "--port", str(port), "--db", "receiver.sqlite3")
        spawn("worker", "worker")
        transcripts = sorted((installed.workdir / "examples").glob("*.transcript.json"))
        published = installed.run(
            "publish",
            *(str(t.relative_to(installed.workdir)) for t in transcripts),
            settings=settings,
            **env,
        )
        assert published.returncode == 0, published.stdout + published.stderr

        def delivered() -> dict[str, Any] | None:
            stored = {}
            for transcript in transcripts:
                call_id = json.loads(transcript.read_text())["call_ref_id"]
                try:
                    body = httpx.get(f"{api}/calls/{call_id}", timeout=2).json()
                except httpx.HTTPError:
                    return None
                if not body.get("payloads"):
                    return None
                stored[transcript.name] = [entry["payload"] for entry in body["payloads"]]
            return stored

        stored = wait_for(delivered, "the four examples at the receiver", timeout_s=180)
        for transcript in transcripts:
            assert stored[transcript.name] == [_payload_of(transcript)], transcript.name
        assert (installed.workdir / ".local" / "faust").is_dir(), (
            "the worker's state folder belongs under the working directory"
        )
    finally:
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()


def _payload_of(transcript: Path) -> Any:
    payload = transcript.with_name(transcript.name.replace(".transcript", ".payload"))
    return json.loads(payload.read_text(encoding="utf-8"))
