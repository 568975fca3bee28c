"""LlmExtractor with the real openai SDK against a local OpenAI-compatible server.

The server (aiohttp on 127.0.0.1, an ephemeral port) implements
``POST /v1/chat/completions``. It reads the call_ref_id out of the prompt and
answers from a script per call: values to return, a delay, garbage, error
statuses to send before answering, or no json_schema support at all. It
counts requests per call, response formats and requests in flight.
No Kafka needed; the whole file runs in well under a minute.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from callpipe.analysis import AnalysisConfig, Extraction, Transcript, extract, load_analysis_config
from callpipe.analysis.transcript import Role
from callpipe.connectors.llm import LlmExtractor
from callpipe.edges import llm_config
from callpipe.settings import Settings, load_settings
from tests.unit.llm.llm_helpers import Turns, build_call

pytestmark = pytest.mark.integration

_CALL_REF = re.compile(r'"call_ref_id": "([^"]+)"')


@dataclass
class Script:
    """How the server answers requests about one call."""

    values: dict[str, str | None] = field(default_factory=dict)
    delay: float = 0.0
    garbage: bool = False
    fail_first: tuple[int, ...] = ()


@dataclass
class FakeLlm:
    """The state of the local OpenAI-compatible server."""

    scripts: dict[str, Script]
    json_schema: bool = True
    requests: Counter[str] = field(default_factory=Counter)
    formats: list[str] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0

    async def chat_completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        match = _CALL_REF.search(body["messages"][-1]["content"])
        if match is None:
            return web.json_response({"error": {"message": "no call in the prompt"}}, status=400)
        call = match.group(1)
        self.requests[call] += 1
        kind = body.get("response_format", {}).get("type", "text")
        self.formats.append(kind)
        if kind == "json_schema" and not self.json_schema:
            error = {
                "message": "response_format type json_schema is not supported",
                "type": "invalid_request_error",
                "param": "response_format",
            }
            return web.json_response({"error": error}, status=400)
        script = self.scripts[call]
        if self.requests[call] <= len(script.fail_first):
            status = script.fail_first[self.requests[call] - 1]
            # A short Retry-After keeps the SDK's backoff (0.5 s and up) out of the test time.
            return web.json_response(
                {"error": {"message": "try again"}}, status=status, headers={"retry-after-ms": "20"}
            )
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(script.delay)
        finally:
            self.in_flight -= 1
        content = (
            "Sure! Here is what I found: Rahul"
            if script.garbage
            else json.dumps(
                {"values": [{"window_id": k, "value": v} for k, v in script.values.items()]}
            )
        )
        return web.json_response(_completion(content, body["model"]))


def _completion(content: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-local",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 40, "total_tokens": 1040},
    }


@asynccontextmanager
async def serving(fake: FakeLlm) -> AsyncIterator[str]:
    """Runs the server on an ephemeral port; yields its base URL; stops it."""
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.chat_completions)
    # handler_cancellation: a request the client gave up on stops sleeping at once.
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        await runner.cleanup()


@pytest.fixture(scope="module")
def config() -> AnalysisConfig:
    return load_analysis_config()


def llm_settings(base_url: str, cache_dir: Path, **overrides: Any) -> Settings:
    return load_settings(
        extractor="llm",
        openai_base_url=base_url,
        openai_api_key="local-test-key",
        llm_model="local-model",
        llm_cache_dir=cache_dir,
        **overrides,
    )


async def extract_all(
    settings: Settings, config: AnalysisConfig, calls: list[Transcript]
) -> list[Extraction]:
    async with LlmExtractor(llm_config(settings), config) as extractor:
        return list(await asyncio.gather(*(extractor.extract(call) for call in calls)))


def values(extraction: Extraction) -> dict[str, str | None]:
    return {entry.field: entry.value for entry in extraction.fields}


NAME_Q: tuple[Role, str] = ("assistant", "Namaste! May I know your name please?")
MODEL_Q: tuple[Role, str] = ("assistant", "Which model are you looking for?")
EMAIL_Q: tuple[Role, str] = ("assistant", "What is your email id?")

DEVANAGARI: Turns = [
    NAME_Q,
    ("user", "राहुल शर्मा"),
    EMAIL_Q,
    ("user", "rahul dot sharma at the rate gmail dot com"),
]
CORRECTION: Turns = [NAME_Q, ("user", "Rahul Sharma"), ("user", "no wait, it's Rahul Verma")]
DESCRIBED: Turns = [MODEL_Q, ("user", "Tata ki woh electric compact SUV, Punch se thodi badi")]
SIMPLE: Turns = [NAME_Q, ("user", "Priya"), MODEL_Q, ("user", "creta")]


def test_good_answers_are_used(tmp_path: Path, config: AnalysisConfig) -> None:
    """Transliterated, corrected and described values come from the LLM (source llm)."""
    fake = FakeLlm(
        {
            "dev": Script({"name-1": "Rahul Sharma", "email-1": "rahul.sharma@gmail.com"}),
            "fix": Script({"name-1": "Rahul Verma"}),
            "desc": Script({"model-1": "Tata Nexon EV"}),
        }
    )
    calls = [
        build_call("dev", DEVANAGARI),
        build_call("fix", CORRECTION),
        build_call("desc", DESCRIBED),
    ]

    async def run() -> list[Extraction]:
        async with serving(fake) as url:
            return await extract_all(llm_settings(url, tmp_path), config, calls)

    dev, fix, desc = asyncio.run(run())
    assert [e.source for e in (dev, fix, desc)] == ["llm"] * 3
    assert values(dev) == {"name": "Rahul Sharma", "model": None, "email": "rahul.sharma@gmail.com"}
    assert values(fix)["name"] == "Rahul Verma"
    assert values(desc)["model"] == "Tata Nexon EV"
    # Where the rules fall short: no name in Devanagari, the wrong model for a description.
    assert values(extract(calls[0], config))["name"] is None
    assert values(extract(calls[2], config))["model"] == "Tata Punch"
    assert fake.requests == {"dev": 1, "fix": 1, "desc": 1}
    assert set(fake.formats) == {"json_schema"}


def test_rate_limit_and_server_error_are_retried(tmp_path: Path, config: AnalysisConfig) -> None:
    """A 429 then a 500 are retried by the SDK; the third try's answer is used."""
    fake = FakeLlm(
        {"c": Script({"name-1": "Priya", "model-1": "Hyundai Creta"}, fail_first=(429, 500))}
    )

    async def run() -> list[Extraction]:
        async with serving(fake) as url:
            return await extract_all(llm_settings(url, tmp_path), config, [build_call("c", SIMPLE)])

    (extraction,) = asyncio.run(run())
    assert extraction.source == "llm"
    assert values(extraction) == {"name": "Priya", "model": "Hyundai Creta", "email": None}
    assert fake.requests["c"] == 3


def test_garbage_answer_falls_back_to_the_rules(tmp_path: Path, config: AnalysisConfig) -> None:
    """Prose instead of JSON gives the rules' values (source rules-fallback), without retrying."""
    fake = FakeLlm({"garbage": Script(garbage=True)})
    call = build_call("garbage", SIMPLE)

    async def run() -> list[Extraction]:
        async with serving(fake) as url:
            return await extract_all(llm_settings(url, tmp_path), config, [call])

    (extraction,) = asyncio.run(run())
    assert extraction.source == "rules-fallback"
    assert extraction.fields == extract(call, config).fields
    assert values(extraction) == {"name": "Priya", "model": "Hyundai Creta", "email": None}
    assert fake.requests == {"garbage": 1}


def test_late_answer_falls_back_to_the_rules(tmp_path: Path, config: AnalysisConfig) -> None:
    """No answer within LLM_TIMEOUT_MS, on every SDK try, gives the rules' values."""
    fake = FakeLlm({"late": Script({"name-1": "Amit"}, delay=3.0)})
    call = build_call("late", SIMPLE)

    async def run() -> list[Extraction]:
        async with serving(fake) as url:
            settings = llm_settings(url, tmp_path, llm_timeout_ms=300)
            return await extract_all(settings, config, [call])

    started = time.monotonic()
    (extraction,) = asyncio.run(run())
    elapsed = time.monotonic() - started
    assert extraction.source == "rules-fallback"
    assert extraction.fields == extract(call, config).fields
    assert fake.requests == {"late": 3}  # the first try and the SDK's two retries
    assert elapsed < 3.0  # 3 x 0.3 s plus the SDK's backoff (< 1.5 s), not the 3 s delay


def test_value_for_a_window_that_does_not_exist_is_ignored(
    tmp_path: Path, config: AnalysisConfig
) -> None:
    """The LLM naming an email window in a call that never asked for the email changes nothing."""
    fake = FakeLlm(
        {"c": Script({"name-1": "Priya", "email-1": "priya@example.com", "model-3": "Kia Seltos"})}
    )

    async def run() -> list[Extraction]:
        async with serving(fake) as url:
            return await extract_all(llm_settings(url, tmp_path), config, [build_call("c", SIMPLE)])

    (extraction,) = asyncio.run(run())
    assert extraction.source == "llm"
    assert values(extraction) == {"name": "Priya", "model": None, "email": None}
    assert extraction.field("email").remarks == "not_attempted"
    assert extraction.field("model").remarks == "not_available"


def test_json_schema_rejection_falls_back_to_json_object(
    tmp_path: Path, config: AnalysisConfig
) -> None:
    """A server without json_schema gets json_object, and the client remembers it."""
    fake = FakeLlm(
        {"a": Script({"name-1": "Priya"}), "b": Script({"name-1": "Amit"})}, json_schema=False
    )

    async def run() -> list[Extraction]:
        async with (
            serving(fake) as url,
            LlmExtractor(llm_config(llm_settings(url, tmp_path)), config) as ex,
        ):
            return [
                await ex.extract(build_call("a", SIMPLE)),
                await ex.extract(build_call("b", SIMPLE)),
            ]

    first, second = asyncio.run(run())
    assert (first.source, values(first)["name"]) == ("llm", "Priya")
    assert (second.source, values(second)["name"]) == ("llm", "Amit")
    assert fake.formats == ["json_schema", "json_object", "json_object"]


def test_cache_prevents_a_second_request(tmp_path: Path, config: AnalysisConfig) -> None:
    """The same transcript through a new extractor (a restarted worker) is answered from disk."""
    fake = FakeLlm({"c": Script({"name-1": "Priya", "model-1": "Hyundai Creta"})})
    call = build_call("c", SIMPLE)

    async def run() -> list[Extraction]:
        async with serving(fake) as url:
            settings = llm_settings(url, tmp_path)
            first = await extract_all(settings, config, [call])
            again = await extract_all(settings, config, [call])
            return first + again

    first, again = asyncio.run(run())
    assert fake.requests["c"] == 1
    assert again == first and again.source == "llm"


def test_concurrency_stays_within_the_limit(tmp_path: Path, config: AnalysisConfig) -> None:
    """30 calls at once never have more than LLM_MAX_CONCURRENCY=4 requests in flight."""
    fake = FakeLlm({f"c{n}": Script({"name-1": "Priya"}, delay=0.05) for n in range(30)})
    calls = [build_call(f"c{n}", SIMPLE) for n in range(30)]

    async def run() -> list[Extraction]:
        async with serving(fake) as url:
            settings = llm_settings(url, tmp_path, llm_max_concurrency=4)
            return await extract_all(settings, config, calls)

    extractions = asyncio.run(run())
    assert all(e.source == "llm" for e in extractions)
    assert sum(fake.requests.values()) == 30
    assert fake.peak == 4


def test_a_slow_call_does_not_block_the_others(tmp_path: Path, config: AnalysisConfig) -> None:
    """With one 1.5 s call among nine 0.2 s ones, the batch takes about 1.5 s, not the 3.3 s sum."""
    scripts = {f"fast{n}": Script({"name-1": "Priya"}, delay=0.2) for n in range(9)}
    scripts["slow"] = Script({"name-1": "Amit"}, delay=1.5)
    fake = FakeLlm(scripts)
    finished: dict[str, float] = {}

    async def run() -> float:
        async with serving(fake) as url:
            settings = llm_settings(url, tmp_path, llm_max_concurrency=4, llm_timeout_ms=5000)
            async with LlmExtractor(llm_config(settings), config) as extractor:

                async def one(call_ref_id: str) -> None:
                    extraction = await extractor.extract(build_call(call_ref_id, SIMPLE))
                    assert extraction.source == "llm"
                    finished[call_ref_id] = time.monotonic()

                started = time.monotonic()
                await asyncio.gather(one("slow"), *(one(f"fast{n}") for n in range(9)))
                return time.monotonic() - started

    elapsed = asyncio.run(run())
    assert 1.5 <= elapsed < 2.1
    assert all(finished[f"fast{n}"] < finished["slow"] for n in range(9))
