"""Finding transcript files on disk and reading them as JSON.

`find_transcript_files` turns command-line paths into an ordered list of
files; `load_transcript` reads one of them. Neither judges the transcript
itself: that is `parse_transcript`'s job, so every source reports invalid
content with the same field-naming error.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from callpipe.connectors.sources.errors import SourceFileError
from callpipe.jsondoc import JsonDocumentError, load_json_document

SUFFIX = ".json"


def find_transcript_files(paths: Iterable[Path]) -> list[Path]:
    """The transcript files named by ``paths``, in argument order, each once.

    A file is taken as given, whatever its suffix (the user named it). A
    folder contributes every ``*.json`` file below it, recursively and sorted;
    hidden files and folders (``.name``) are skipped, as they are usually
    editor swap files or partial writes. A path that does not exist raises
    `SourceFileError`, before anything is read.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            candidates = _json_files_under(path)
        elif path.is_file():
            candidates = [path]
        else:
            raise SourceFileError(path, "no such file or folder")
        for candidate in candidates:
            identity = candidate.resolve()
            if identity not in seen:
                seen.add(identity)
                found.append(candidate)
    return found


def _json_files_under(folder: Path) -> list[Path]:
    # os.walk does not follow symbolic links to folders, so a link loop cannot hang us.
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        files.extend(
            Path(root, name) for name in names if name.endswith(SUFFIX) and not name.startswith(".")
        )
    return sorted(files)


def load_transcript(path: Path) -> object:
    """The decoded JSON content of ``path``; raises `SourceFileError` saying why not."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceFileError(path, f"unreadable: {exc.strerror or exc}") from exc
    try:
        # utf-8-sig: files saved by Windows tools often start with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFileError(path, f"not UTF-8 text (byte {exc.start})") from exc
    try:
        return load_json_document(text)
    except JsonDocumentError as exc:
        raise SourceFileError(path, exc.reason) from exc
