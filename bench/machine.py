"""Facts about the machine and the code a benchmark ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from callpipe.settings import Settings

_PACKAGES = (
    "faust-streaming",
    "aiokafka",
    "confluent-kafka",
    "fastavro",
    "httpx",
    "aiohttp",
    "uvloop",
)


def machine_facts(settings: Settings, root: Path | None = None) -> dict[str, Any]:
    """Cores, CPU, Python, library and server versions, git commit (of the working
    directory's checkout unless `root` names one; none outside a checkout)."""
    import confluent_kafka

    return {
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": _cpu_model(),
        "memory_gb": _memory_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in _PACKAGES},
        "librdkafka": confluent_kafka.libversion()[0],
        "kafka": settings.local_kafka_version,
        "registry": f"apicurio {settings.local_registry_version}",
        "kafka_bootstrap": settings.kafka_bootstrap_servers,
        "topic_partitions": settings.topic_partitions,
        "event_loop": settings.event_loop,
        "git": git_facts(root or Path.cwd()),
    }


def git_facts(root: Path) -> dict[str, Any]:
    """The commit checked out and whether the tree has uncommitted changes."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(status) if status is not None else None,
    }


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except (OSError, ValueError):
        pass
    return None
