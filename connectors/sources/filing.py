"""Moving a handled transcript file out of the watched folder, never over another.

A folder that receives files from a legacy system sees the same names again
(``call.json`` every day, say). So a file moved into ``processed/`` or
``rejected/`` takes the first free name among ``call.json``, ``call.1.json``,
``call.2.json``... A rejected file gets a sibling ``<name>.error.txt`` saying
why, written before the move so that the reason is there as soon as the file is.
"""

from __future__ import annotations

from pathlib import Path

ERROR_SUFFIX = ".error.txt"


def free_name(folder: Path, name: str, *, with_reason: bool = False) -> Path:
    """The first path in ``folder`` for ``name`` that is not taken.

    With ``with_reason`` the sibling reason file's name must be free too.
    """
    stem, dot, suffix = name.rpartition(".")
    if not stem:  # no dot, or only a leading one: number at the end
        stem, dot, suffix = name, "", ""
    counter = 0
    while True:
        candidate = folder / name if counter == 0 else folder / f"{stem}.{counter}{dot}{suffix}"
        if not candidate.exists() and not (with_reason and reason_path(candidate).exists()):
            return candidate
        counter += 1


def reason_path(path: Path) -> Path:
    """``rejected/call.json`` -> ``rejected/call.json.error.txt``."""
    return path.with_name(path.name + ERROR_SUFFIX)


def move_into(path: Path, folder: Path) -> Path:
    """Moves ``path`` into ``folder`` (created if missing) under a free name; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = free_name(folder, path.name)
    path.rename(target)
    return target


def reject_into(path: Path, folder: Path, reason: str) -> Path:
    """Writes the reason file, then moves ``path`` beside it; returns the new path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = free_name(folder, path.name, with_reason=True)
    reason_path(target).write_text(reason.rstrip("\n") + "\n", encoding="utf-8")
    path.rename(target)
    return target
