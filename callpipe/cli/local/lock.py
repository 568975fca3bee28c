"""One `callpipe local up` or `down` at a time per local home.

Two `up`s started together (a test session beside a `make local-up`) would each
see no registry yet, both start one, and the loser, dying on the busy port, takes
the winner's PID file with it: the stack then runs unseen by `status` and `down`.
An exclusive lock on a file in the run folder makes the second wait and then find
everything already running.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive(run_dir: Path, say: Callable[[str], None]) -> Iterator[None]:
    run_dir.mkdir(parents=True, exist_ok=True)
    with (run_dir / "stack.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another `callpipe local` using {run_dir}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
