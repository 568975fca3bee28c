"""A local OpenAI-compatible chat-completions server, run in a thread, for e2e tests.

It answers from a table keyed by the call_ref_id found in the prompt; a call
missing from the table gets an unusable answer (the extractor must fall back).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import Counter
from typing import Any

from aiohttp import web

_CALL_REF = re.compile(r'"call_ref_id": "([^"]+)"')


class FakeOpenAI:
    def __init__(self, answers: dict[str, dict[str, str | None]]) -> None:
        self.answers = answers
        self.requests: Counter[str] = Counter()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self.base_url = ""
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        match = _CALL_REF.search(body["messages"][-1]["content"])
        call = match.group(1) if match else "?"
        self.requests[call] += 1
        values = self.answers.get(call)
        content = (
            "I cannot help with that."
            if values is None
            else json.dumps({"values": [{"window_id": k, "value": v} for k, v in values.items()]})
        )
        return web.json_response(
            {
                "id": "chatcmpl-e2e",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content},
                    }
                ],
                "usage": {"prompt_tokens": 900, "completion_tokens": 30, "total_tokens": 930},
            }
        )

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        self._ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        async def cleanup() -> None:
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> FakeOpenAI:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
