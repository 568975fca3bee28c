"""How the engine is built: which modules mypyc compiles, and a check that
the compiled ones were built from the sources beside them.

The engine's hot modules are compiled to C extensions with mypyc when the
package is installed (``setup.py`` reads `COMPILED_MODULES` from this file;
``CALLPIPE_COMPILE=0`` at install time keeps them pure Python). Compiled,
the engine runs about twice as fast, with the same source and the same
results (tests/unit/analysis/test_compiled_engine.py compares the two).

An editable install builds the extensions next to the sources, where
Python imports them in preference to the ``.py`` files: after an edit, a
stale extension would run the old code without a word. So the build records
a SHA-256 of each source it compiles (`SOURCE_HASHES`, written by
``setup.py`` and shipped in the wheel), and importing the engine
(`callpipe.analysis`) first calls `refuse_stale_compiled_modules`, which
compares them with the sources present. File times would not do: installers
set them as they please, so a correct wheel could look stale.

Only the standard library is imported here: ``setup.py`` runs this file
before any dependency is installed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Final

PACKAGE: Final = "callpipe.analysis"

COMPILED_MODULES: Final = (
    "times",
    "matching",
    "texts",
    "transcript",
    "questions",
    "extraction",
    "language",
    "routing",
    "dropoff",
    "payload",
    "catalogue",
    "fuzzy",
    "noise",
    "numbers",
    "phrasebook",
    "values.reading",
    "values.nametokens",
    "values.namechoice",
    "values.names",
    "values.emails",
    "values.choice",
    "values.models",
    "values.extractor",
)
"""The engine's modules run for every call (relative to `PACKAGE`)."""

_FOLDER: Final = Path(__file__).parent

SOURCE_HASHES: Final = "compiled-sources.json"
"""The hash of each compiled module's source at build time (beside the sources)."""


class StaleCompiledModuleError(ImportError):
    """A compiled engine module was built from another version of its source."""


def source_paths() -> list[str]:
    """The source file of each compiled module, relative to the project root (for mypyc)."""
    return [f"{PACKAGE}.{name}".replace(".", "/") + ".py" for name in COMPILED_MODULES]


def compiled_modules() -> list[str]:
    """The names of the engine modules that are loaded (or would load) compiled."""
    return [name for name in COMPILED_MODULES if _extension_of(name) is not None]


def engine_build() -> str:
    """``compiled``, ``plain Python``, or which modules are compiled (for reports)."""
    compiled = compiled_modules()
    if len(compiled) == len(COMPILED_MODULES):
        return "compiled"
    if not compiled:
        return "plain Python"
    return f"partly compiled ({', '.join(compiled)})"


def record_source_hashes(folder: Path = _FOLDER) -> None:
    """Writes `SOURCE_HASHES` for the sources about to be compiled (setup.py)."""
    hashes = {name: _source_hash(folder, name) for name in COMPILED_MODULES}
    (folder / SOURCE_HASHES).write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")


def stale_compiled_modules(folder: Path = _FOLDER) -> list[str]:
    """The compiled modules whose ``.py`` is not the source they were built from."""
    recorded = _recorded_hashes(folder)
    return [
        name
        for name in COMPILED_MODULES
        if _extension_of(name, folder) is not None
        and _source_path(folder, name).exists()
        and recorded.get(name) != _source_hash(folder, name)
    ]


def refuse_stale_compiled_modules(folder: Path = _FOLDER) -> None:
    """Raises StaleCompiledModuleError, naming the modules and the fix."""
    stale = stale_compiled_modules(folder)
    if stale:
        names = ", ".join(f"{PACKAGE}.{name}" for name in stale)
        raise StaleCompiledModuleError(
            f"compiled engine modules built from another version of their source: {names}. "
            "Rebuild them with `make compile`, or remove them with "
            "`make clean-compiled` to run the sources uncompiled."
        )


def _recorded_hashes(folder: Path) -> dict[str, str]:
    """The build's record; empty (so every extension counts as stale) when it is missing."""
    try:
        recorded = json.loads((folder / SOURCE_HASHES).read_text())
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}


def _source_hash(folder: Path, name: str) -> str:
    return hashlib.sha256(_source_path(folder, name).read_bytes()).hexdigest()


def _source_path(folder: Path, name: str) -> Path:
    return _module_path(folder, name).with_suffix(".py")


def _extension_of(name: str, folder: Path = _FOLDER) -> Path | None:
    base = _module_path(folder, name)
    for suffix in EXTENSION_SUFFIXES:
        candidate = base.with_name(base.name + suffix)
        if candidate.exists():
            return candidate
    return None


def _module_path(folder: Path, name: str) -> Path:
    return folder.joinpath(*name.split("."))


def main(argv: list[str]) -> int:
    """``python callpipe/analysis/build.py [--require-compiled]``: the build's state.

    Exit 1 when a compiled module is stale, or (with --require-compiled, as
    the Docker image's build uses it) when a listed module is not compiled.
    """
    compiled, stale = compiled_modules(), stale_compiled_modules()
    missing = [name for name in COMPILED_MODULES if name not in compiled]
    print("compiled:", ", ".join(compiled) or "none")
    print("not compiled:", ", ".join(missing) or "none")
    print("stale:", ", ".join(stale) or "none")
    return 1 if stale or ("--require-compiled" in argv and missing) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
