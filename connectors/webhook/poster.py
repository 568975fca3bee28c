"""The one seam between the webhook sender and the network: a ``Poster``.

``post(url, body, headers, timeout)`` sends one POST and returns the whole
``Reply``, or raises ``PostFailed`` (``errors.py``) with the ``ErrorKind`` of
an attempt that got no HTTP answer. It never follows redirects, keeps no
cookies and does not decompress: the sender judges the raw answer.
``AiohttpPoster`` (``aiohttp_transport.py``) is the real one; tests hand the
sender a fake that answers from a function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Reply:
    """A complete HTTP response as read off the wire."""

    status: int
    reason: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Case-insensitive when it comes from aiohttp."""
    content: bytes = b""

    @property
    def text(self) -> str:
        """The body as text (charset of Content-Type, else UTF-8; bad bytes replaced)."""
        charset = "utf-8"
        for part in self.headers.get("Content-Type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


class Poster(Protocol):
    """Sends one POST; ``timeout`` (seconds) bounds each phase of it."""

    async def post(
        self, url: str, body: bytes, headers: Mapping[str, str], timeout: float
    ) -> Reply: ...

    async def aclose(self) -> None: ...
