"""Fetching Kafka and Apicurio Registry from Maven Central into a cache folder.

Maven is the one tool that reaches Maven Central here, and it resolves
Kafka's runtime dependencies for us; the cache makes the second `up` instant.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from importlib import resources
from pathlib import Path

from callpipe.cli.local.errors import LocalInfraError, MissingToolError

APICURIO_ARTIFACT = "io.apicurio:apicurio-registry-app:{version}:tar.gz:all"


def _mvn() -> str:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise MissingToolError("`mvn` not found: install Maven (apt-get install maven)")
    return mvn


def _run_maven(argv: list[str], what: str) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        raise LocalInfraError(f"maven could not fetch {what}: " + " | ".join(tail))


def kafka_lib_dir(cache: Path, version: str) -> Path:
    """The folder of Kafka's jars, fetched on first use."""
    lib = cache / f"kafka-{version}" / "lib"
    if (lib / f"kafka_2.13-{version}.jar").exists():
        return lib
    pom = resources.files("callpipe.cli.local") / "maven" / "kafka-pom.xml"
    with resources.as_file(pom) as pom_path:
        _run_maven(
            [
                _mvn(),
                "-q",
                "-B",
                "-f",
                str(pom_path),
                "dependency:copy-dependencies",
                f"-Dkafka.version={version}",
                f"-DoutputDirectory={lib}",
                "-DincludeScope=runtime",
            ],
            f"Apache Kafka {version}",
        )
    return lib


def apicurio_dir(cache: Path, version: str) -> Path:
    """The unpacked Apicurio Registry (a Quarkus fast-jar), fetched on first use."""
    home = cache / f"apicurio-registry-{version}"
    if (home / "quarkus-run.jar").exists():
        return home
    download = cache / "downloads"
    _run_maven(
        [
            _mvn(),
            "-q",
            "-B",
            "dependency:copy",
            f"-Dartifact={APICURIO_ARTIFACT.format(version=version)}",
            f"-DoutputDirectory={download}",
        ],
        f"Apicurio Registry {version}",
    )
    archive = download / f"apicurio-registry-app-{version}-all.tar.gz"
    partial = home.with_name(home.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(partial, filter="data")
    # The archive may hold the app at its root or inside one folder.
    roots = [p.parent for p in partial.rglob("quarkus-run.jar")]
    if not roots:
        raise LocalInfraError(f"{archive} holds no quarkus-run.jar")
    shutil.rmtree(home, ignore_errors=True)
    roots[0].rename(home)
    shutil.rmtree(partial, ignore_errors=True)
    archive.unlink(missing_ok=True)
    return home
