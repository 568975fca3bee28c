"""A progress counter for long command-line runs, with or without a terminal.

On a terminal the counter is rewritten in place (``publishing 120/400``),
at most every 0.1 s so that printing never slows the work down. When stderr
is a pipe or a log file, carriage returns would make a mess, so it writes a
plain line every few seconds instead, and always a last one at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

REDRAW_S = 0.1
LINE_EVERY_S = 5.0


class Progress:
    """Counts work done out of ``total`` and shows it on ``stream``."""

    def __init__(
        self,
        total: int,
        stream: TextIO,
        *,
        label: str = "publishing",
        tty: bool | None = None,
        line_every_s: float = LINE_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.done = 0
        self._stream = stream
        self._label = label
        self._tty = stream.isatty() if tty is None else tty
        self._every = REDRAW_S if self._tty else line_every_s
        self._clock = clock
        self._last_shown = clock()
        self._drawn = False

    def advance(self, count: int = 1) -> None:
        """Counts ``count`` more items and shows the counter if it is time to."""
        self.done += count
        now = self._clock()
        if now - self._last_shown >= self._every:
            self._last_shown = now
            self._show()

    def note(self, line: str) -> None:
        """Writes a line of its own (e.g. a rejection) without garbling the counter."""
        if self._tty and self._drawn:
            self._stream.write("\r\x1b[K")  # clear the counter, print, then redraw it
            self._stream.write(line + "\n")
            self._show()
        else:
            self._stream.write(line + "\n")
        self._stream.flush()

    def close(self) -> None:
        """Shows the final count and leaves the cursor on a fresh line."""
        self._show()
        if self._tty:
            self._stream.write("\n")
        self._stream.flush()

    def _show(self) -> None:
        text = f"{self._label} {self.done}/{self.total}"
        if self._tty:
            self._stream.write("\r\x1b[K" + text)
            self._drawn = True
        else:
            self._stream.write(text + "\n")
        self._stream.flush()
