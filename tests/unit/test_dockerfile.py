"""The Dockerfile builds a wheel with a compiler and ships only the wheel, as a non-root user.

There is no Docker engine on the development machines, so these tests read
the Dockerfile and .dockerignore instead of building the image.
"""

from __future__ import annotations

import inspect
import re
import shlex

import pytest

from callpipe.analysis import build
from tests.unit.container_files import (
    REPO,
    Stage,
    dockerfile_stages,
    dockerignore_excludes,
    dockerignore_patterns,
)

STAGES = dockerfile_stages((REPO / "Dockerfile").read_text(encoding="utf-8"))
BUILDER, RUNTIME = STAGES[0], STAGES[-1]
IGNORED = dockerignore_patterns((REPO / ".dockerignore").read_text(encoding="utf-8"))
COMPILERS = ("gcc", "g++", "clang", "build-essential", "libc6-dev", "apt-get install")


def runs(stage: Stage) -> str:
    """Every RUN of a stage, as one text."""
    return "\n".join(stage.arguments("RUN"))


def commands(stage: Stage) -> list[list[str]]:
    """Every command of every RUN of a stage (split at ``&&``), as words."""
    return [shlex.split(command) for command in re.split(r"&&|\n", runs(stage))]


def test_the_image_has_a_builder_stage_and_a_runtime_stage() -> None:
    """Two stages on Python 3.11: the first is named builder, the last runs callpipe."""
    assert len(STAGES) == 2
    assert BUILDER.name == "builder"
    assert BUILDER.base == RUNTIME.base == "python:3.11-slim"


def test_the_builder_compiles_a_wheel_of_the_whole_project() -> None:
    """The builder installs a C compiler and builds callpipe's wheel, without dependencies."""
    assert "gcc" in runs(BUILDER) and "libc6-dev" in runs(BUILDER)
    assert "COPY . ." in [f"COPY {arguments}" for arguments in BUILDER.arguments("COPY")]
    assert re.search(r"pip wheel .*--no-deps .*-w /wheels \.$", runs(BUILDER), re.M)


def test_the_runtime_installs_the_wheel_and_no_sources() -> None:
    """The runtime copies the wheels from the builder and constraints.txt, nothing else."""
    copies = RUNTIME.arguments("COPY")
    assert "--from=builder /wheels /wheels" in copies
    sources = [c for c in copies if not c.startswith("--from=")]
    assert [shlex.split(c)[:-1] for c in sources] == [["constraints.txt"]]
    installs = [words for words in commands(RUNTIME) if words[:2] == ["pip", "install"]]
    assert len(installs) == 1
    assert installs[0][-1] == "/wheels/*.whl" and "/tmp/constraints.txt" in installs[0]


@pytest.mark.parametrize("stage", STAGES, ids=lambda stage: stage.name or stage.base)
def test_no_stage_installs_callpipe_editable(stage: Stage) -> None:
    """An editable install would tie the image to a source tree; no stage makes one."""
    for words in commands(stage):
        if words[:2] == ["pip", "install"]:
            assert not {"-e", "--editable"} & set(words), words


def test_the_runtime_has_no_compiler() -> None:
    """No package is installed with apt in the runtime stage, and no compiler is named."""
    text = runs(RUNTIME)
    for word in COMPILERS:
        assert word not in text, word


def test_the_image_build_refuses_an_uncompiled_engine() -> None:
    """The runtime checks every engine module is compiled, with the flag build.main knows."""
    check = next(words for words in commands(RUNTIME) if words[:2] == ["python", "-c"])
    assert "from callpipe.analysis.build import main" in check[2]
    assert "sys.exit(main(['--require-compiled']))" in check[2]
    assert "--require-compiled" in inspect.getsource(build.main)


def test_the_runtime_runs_as_a_user_who_owns_its_working_directory() -> None:
    """The last USER is not root; it is created, and owns the WORKDIR (default folders)."""
    user = RUNTIME.arguments("USER")[-1]
    assert user.split(":")[0] not in ("root", "0")
    workdir = RUNTIME.arguments("WORKDIR")[-1]
    assert any(words[0] == "useradd" and words[-1] == user for words in commands(RUNTIME))
    assert ["chown", "-R", f"{user}:{user}", workdir] in commands(RUNTIME)


def test_the_image_exposes_the_ports_callpipe_listens_on() -> None:
    """The worker's metrics port, the receiver's and ingest's ports, and a callpipe CMD."""
    exposed = {int(port) for arguments in RUNTIME.arguments("EXPOSE") for port in arguments.split()}
    assert exposed == {9464, 8080, 8090}
    assert RUNTIME.arguments("CMD")[-1] == '["callpipe", "worker"]'


HOST_BUILT = [
    ".venv",
    ".local",
    "build",
    "dist",
    ".git",
    "callpipe/analysis/times.cpython-311-x86_64-linux-gnu.so",
    "callpipe/analysis/compiled-sources.json",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    "streams/__pycache__/app.cpython-311.pyc",
]


@pytest.mark.parametrize("path", HOST_BUILT)
def test_the_build_context_leaves_out_what_the_host_built(path: str) -> None:
    """The host's virtualenv, builds, compiled engine, git and caches stay out of the image."""
    assert dockerignore_excludes(IGNORED, path)


def test_the_build_context_keeps_everything_the_wheel_is_built_from() -> None:
    """The packaging files, callpipe/ and every folder its symlinks point at are in it."""
    links = [path for path in (REPO / "callpipe").iterdir() if path.is_symlink()]
    assert {link.name for link in links} >= {"streams", "connectors", "schemas", "bench"}
    kept = ["pyproject.toml", "setup.py", "constraints.txt", "README.md", "callpipe"]
    for link in links:
        target = (link.parent / link.readlink()).resolve()
        assert target.parent == REPO, link  # relative links to top-level folders
        kept.append(target.name)
    for path in kept:
        assert not dockerignore_excludes(IGNORED, path), path
    assert not dockerignore_excludes(IGNORED, "callpipe/analysis/data/cues.json")
