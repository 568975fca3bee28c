"""Instructions per transcript of the analysis engine, counted by callgrind.

Wall-clock speed on a shared 2-core VM wanders by a third from minute to
minute; the number of instructions the CPU retires for the same code and
input does not. So changes to the engine are steered by this count and the
headline figure (callpipe.bench.analyze, transcripts/s) is reported beside it.

The same work as callpipe.bench.analyze is counted (parse, extract, decide, payload
and ``json.dumps``), and only that: collection is switched on inside
`functools.reduce`, which runs nothing else, so imports, start-up and the
synthetic input are left out.

    python -m callpipe.bench.instructions [--n 1000] [--seed 1] [--json]

Needs valgrind (Debian package ``valgrind``); takes about a minute.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from callpipe.analysis.build import engine_build

WARM_UP = 200
# callgrind's name for the C function behind functools.reduce.
_COLLECTED_FUNCTION = "functools_reduce"
_TOTALS = re.compile(r"^(?:totals|summary):\s*(\d+)", re.MULTILINE)


def count_instructions(n: int = 1_000, seed: int = 1) -> dict[str, Any]:
    """Runs the engine over ``n`` synthetic transcripts under callgrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise RuntimeError("valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="callpipe-callgrind-") as folder:
        out_file = Path(folder) / "callgrind.out"
        command = [
            valgrind,
            "--tool=callgrind",
            f"--toggle-collect={_COLLECTED_FUNCTION}",
            f"--callgrind-out-file={out_file}",
            sys.executable,
            "-m",
            "callpipe.bench.instructions",
            "--inside",
            f"--n={n}",
            f"--seed={seed}",
        ]
        # A fixed hash seed: set and dict iteration order changes the count.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, env=env, capture_output=True)
        totals = _TOTALS.search(out_file.read_text(encoding="utf-8", errors="replace"))
    if totals is None:
        raise RuntimeError("callgrind wrote no totals line")
    instructions = int(totals.group(1))
    return {
        "benchmark": "instructions",
        "transcripts": n,
        "seed": seed,
        "instructions": instructions,
        "per_transcript": round(instructions / n),
        "engine": engine_build(),
    }


def _run_inside(n: int, seed: int) -> None:
    # The process callgrind watches: everything but the reduce is left out.
    from callpipe.analysis import analyze, load_analysis_config
    from callpipe.bench.synthetic import make_transcripts

    transcripts = make_transcripts(n + WARM_UP, seed)
    config = load_analysis_config()
    tz = ZoneInfo("Asia/Kolkata")

    def one(_: object, data: dict[str, Any]) -> str:
        return json.dumps(analyze(data, config, tz), ensure_ascii=False)

    for data in transcripts[:WARM_UP]:
        one(None, data)
    functools.reduce(one, transcripts[WARM_UP:], "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m callpipe.bench.instructions", description=__doc__
    )
    parser.add_argument("--n", type=int, default=1_000, help="transcripts counted")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic input")
    parser.add_argument("--json", action="store_true", help="print all figures as JSON")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        _run_inside(args.n, args.seed)
        return 0
    result = count_instructions(args.n, args.seed)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"instructions: {result['per_transcript']:,} per transcript "
            f"({result['transcripts']} transcripts, {result['engine']} engine)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
