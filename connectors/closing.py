"""``async with`` for the edges that hold connections: leaving the block closes them."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class AsyncClosing:
    """Gives ``async with`` to a class with an ``aclose`` coroutine."""

    async def aclose(self) -> None:
        """Releases what the object holds (connections, files); subclasses define it."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
