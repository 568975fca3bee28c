"""Readers for the Dockerfile, .dockerignore and compose values, for tests that check
them by parsing (this machine has no Docker engine to build or run them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, its continuation lines joined."""

    keyword: str
    arguments: str


@dataclass(frozen=True)
class Stage:
    """The instructions from one FROM up to the next."""

    base: str
    name: str | None
    instructions: tuple[Instruction, ...]

    def arguments(self, keyword: str) -> list[str]:
        return [i.arguments for i in self.instructions if i.keyword == keyword]


def dockerfile_stages(text: str) -> list[Stage]:
    """The stages of a Dockerfile, in order (comments and blank lines dropped)."""
    stages: list[Stage] = []
    for instruction in _instructions(text):
        if instruction.keyword == "FROM":
            parts = instruction.arguments.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(parts[0], name, ()))
        elif stages:
            last = stages[-1]
            stages[-1] = Stage(last.base, last.name, (*last.instructions, instruction))
        else:
            raise ValueError(f"{instruction.keyword} before the first FROM")
    return stages


def _instructions(text: str) -> list[Instruction]:
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # comments may sit between continuation lines too
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        raise ValueError("the Dockerfile ends in a continuation line")
    instructions = []
    for line in logical:
        keyword, _, arguments = line.partition(" ")
        instructions.append(Instruction(keyword.upper(), " ".join(arguments.split())))
    return instructions


def dockerignore_excludes(patterns: list[str], path: str) -> bool:
    """Whether Docker leaves ``path`` (relative to the context) out of the build context.

    Docker's rules: patterns are relative to the context root, ``**`` matches
    any number of folders, the last matching pattern wins, ``!`` re-includes,
    and a path is out when a folder above it is.
    """
    parts = path.strip("/").split("/")
    for end in range(1, len(parts) + 1):
        candidate = "/".join(parts[:end])
        excluded = False
        for pattern in patterns:
            negated = pattern.startswith("!")
            body = pattern.removeprefix("!").strip("/")
            if _glob_matches(body, candidate):
                excluded = not negated
        if excluded:
            return True
    return False


def _glob_matches(pattern: str, path: str) -> bool:
    """Go's filepath.Match (``*`` and ``?`` stay within one folder) plus Docker's ``**``."""
    regex, index = "", 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            regex, index = regex + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            regex, index = regex + ".*", index + 2
        elif pattern[index] == "*":
            regex, index = regex + "[^/]*", index + 1
        elif pattern[index] == "?":
            regex, index = regex + "[^/]", index + 1
        else:
            regex, index = regex + re.escape(pattern[index]), index + 1
    return re.fullmatch(regex, path) is not None


def dockerignore_patterns(text: str) -> list[str]:
    """The patterns of a .dockerignore (comments and blank lines dropped)."""
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


_VARIABLE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?::-(?P<default>[^}]*))?\}")


def as_written(value: str) -> str:
    """A compose value with each ``${VAR:-default}`` given its default (VAR unset)."""
    return _VARIABLE.sub(lambda m: m.group("default") or "", value)


@dataclass(frozen=True)
class PublishedPort:
    """One ``ports:`` entry: ``[address:]host:container``, exactly as written."""

    address: str | None
    host: int
    container: int


_PORT = re.compile(
    r"(?:(?P<address>\$\{[^}]*\}|[0-9.]+):)?(?P<host>\d+):(?P<container>\d+)(?:/(?:tcp|udp))?"
)


def published_port(entry: str) -> PublishedPort:
    match = _PORT.fullmatch(entry)
    if match is None:
        raise ValueError(f"not an [address:]host:container port: {entry!r}")
    return PublishedPort(match["address"], int(match["host"]), int(match["container"]))


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)")
_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 0.000001}


def duration_s(text: str) -> float:
    """A compose duration (``45s``, ``1m30s``, ``500ms``) in seconds."""
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(f"not a compose duration: {text!r}")
    return sum(float(number) * _SECONDS[unit] for number, unit in parts)
