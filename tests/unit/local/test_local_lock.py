"""Two `callpipe local up`s at once: the second waits for the first, then finds the stack."""

from __future__ import annotations

import threading
from pathlib import Path

from callpipe.cli.local import lock


def test_a_second_holder_waits_until_the_first_lets_go(tmp_path: Path) -> None:
    said: list[str] = []
    second_inside = threading.Event()

    def second() -> None:
        with lock.exclusive(tmp_path, said.append):
            second_inside.set()

    with lock.exclusive(tmp_path, said.append):
        waiter = threading.Thread(target=second)
        waiter.start()
        assert not second_inside.wait(0.5), "the second got in while the first held the lock"
        assert said == [f"waiting for another `callpipe local` using {tmp_path}"]
    assert second_inside.wait(10), "the second never got in after the first let go"
    waiter.join(10)


def test_one_holder_at_a_time_says_nothing(tmp_path: Path) -> None:
    said: list[str] = []
    with lock.exclusive(tmp_path / "run", said.append):
        pass
    with lock.exclusive(tmp_path / "run", said.append):
        pass
    assert said == []
