"""The publish progress counter, on a terminal and in a log file."""

from __future__ import annotations

import io

from callpipe.connectors.sources import Progress
from tests.unit.manual_clock import ManualClock


def test_on_a_terminal_the_counter_is_rewritten_in_place() -> None:
    """Each redraw starts with a carriage return and a clear-line, and no newline until the end."""
    stream, clock = io.StringIO(), ManualClock()
    progress = Progress(3, stream, tty=True, clock=clock)
    for _ in range(3):
        clock.now += 1
        progress.advance()
    progress.close()
    assert stream.getvalue() == (
        "\r\x1b[Kpublishing 1/3\r\x1b[Kpublishing 2/3\r\x1b[Kpublishing 3/3\r\x1b[Kpublishing 3/3\n"
    )


def test_on_a_terminal_redraws_are_rate_limited() -> None:
    """Thousands of files in a second do not mean thousands of redraws."""
    stream, clock = io.StringIO(), ManualClock()
    progress = Progress(1000, stream, tty=True, clock=clock)
    for _ in range(1000):
        progress.advance()
    assert stream.getvalue() == ""
    clock.now = 0.1
    progress.advance()
    assert stream.getvalue() == "\r\x1b[Kpublishing 1001/1000"


def test_a_note_clears_the_counter_and_draws_it_again() -> None:
    """A rejection line is not glued to the counter on a terminal."""
    stream, clock = io.StringIO(), ManualClock()
    progress = Progress(2, stream, tty=True, clock=clock)
    clock.now = 1
    progress.advance()
    progress.note("rejected x.json: messages: required field is missing")
    assert stream.getvalue() == (
        "\r\x1b[Kpublishing 1/2\r\x1b[Krejected x.json: messages: required field is missing\n"
        "\r\x1b[Kpublishing 1/2"
    )


def test_without_a_terminal_it_writes_a_line_now_and_then_and_one_at_the_end() -> None:
    """In a pipe or log file: plain lines every few seconds, never carriage returns."""
    stream, clock = io.StringIO(), ManualClock()
    progress = Progress(400, stream, tty=False, line_every_s=5.0, clock=clock)
    for _ in range(400):
        clock.now += 0.03
        progress.advance()
    progress.note("rejected y.json: not JSON: Expecting value at line 1 column 1")
    progress.close()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[-1] == "publishing 400/400"
    assert lines[-2].startswith("rejected y.json")
    assert len(lines) == 2 + 2  # at 5 s and 10 s of 12 s, then the note and the end
