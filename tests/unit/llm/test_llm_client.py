"""The openai-SDK client: request shape, json_schema fallback, error mapping, limits.

The real SDK runs over an in-memory transport (no sockets, retries off, so
each test is one exchange); the retries themselves are exercised against a
real local server in tests/integration/test_llm_extractor.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

import httpx2
import openai
import pytest

from callpipe.connectors.llm.client import Completion, LlmClient
from callpipe.connectors.llm.config import LlmConfig
from callpipe.connectors.llm.errors import (
    LlmError,
    LlmInvalidAnswer,
    LlmRefused,
    LlmRejected,
    LlmTimeout,
    LlmUnavailable,
)
from callpipe.connectors.llm.request import ChatMessage, LlmRequest, answer_schema
from callpipe.metrics import EXTRACTION
from tests.unit.llm.llm_helpers import run_and_close

Handler = Callable[[httpx2.Request], Coroutine[None, None, httpx2.Response]]

REQUEST = LlmRequest(
    call_ref_id="c1",
    prompt_version="extract-v1",
    messages=(ChatMessage("system", "instructions"), ChatMessage("user", '{"call_ref_id": "c1"}')),
    window_ids=("name-1",),
    schema=answer_schema(["name-1"]),
)
CONTENT = '{"values": [{"window_id": "name-1", "value": "Rahul"}]}'


def chat_body(
    content: str | None = CONTENT,
    finish_reason: str = "stop",
    refusal: str | None = None,
    usage: dict[str, int] | None = None,
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "test-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
            }
        ],
        "usage": usage or {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
    }


class ClosingClient(LlmClient):
    """An LlmClient that also closes the SDK client made for it (tests only)."""

    sdk: openai.AsyncOpenAI

    async def close_all(self) -> None:
        await self.aclose()
        await self.sdk.close()


def make_client(handler: Handler, concurrency: int = 4) -> ClosingClient:
    sdk = openai.AsyncOpenAI(
        base_url="http://llm.test/v1",
        api_key="test-key",
        max_retries=0,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)),
    )
    config = LlmConfig(model="test-model", max_concurrency=concurrency)
    client = ClosingClient(config, openai_client=sdk)
    client.sdk = sdk
    return client


def complete(client: ClosingClient, request: LlmRequest = REQUEST) -> Completion:
    return run_and_close(client.complete(request), client.close_all)


def sample(name: str, **labels: str) -> float:
    return EXTRACTION.get_sample_value(name, labels) or 0.0


def test_request_is_structured_and_deterministic() -> None:
    """Model, temperature 0, both messages and the strict json_schema format are sent."""
    seen: list[dict[str, Any]] = []

    async def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(json.loads(request.content))
        return httpx2.Response(200, json=chat_body())

    completion = complete(make_client(handler))
    assert completion == Completion(CONTENT, 120, 30, "json_schema")
    body = seen[0]
    assert body["model"] == "test-model" and body["temperature"] == 0
    assert body["messages"] == [
        {"role": "system", "content": "instructions"},
        {"role": "user", "content": '{"call_ref_id": "c1"}'},
    ]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["response_format"]["json_schema"]["schema"] == answer_schema(["name-1"])


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, {"message": "response_format json_schema is not supported"}),
        (400, {"message": "Unknown parameter", "param": "response_format"}),
        (422, {"message": "'json_schema' is not one of ['text', 'json_object']"}),
    ],
)
def test_json_schema_rejection_falls_back_and_is_remembered(
    status: int, error: dict[str, str]
) -> None:
    """A server without json_schema gets json_object at once, and from then on."""
    formats: list[str] = []

    async def handler(request: httpx2.Request) -> httpx2.Response:
        kind = json.loads(request.content)["response_format"]["type"]
        formats.append(kind)
        if kind == "json_schema":
            return httpx2.Response(status, json={"error": error})
        return httpx2.Response(200, json=chat_body())

    client = make_client(handler)

    async def twice() -> list[Completion]:
        return [await client.complete(REQUEST), await client.complete(REQUEST)]

    results = run_and_close(twice(), client.close_all)
    assert [r.mode for r in results] == ["json_object", "json_object"]
    assert formats == ["json_schema", "json_object", "json_object"]
    assert client.json_schema_supported is False


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, {"error": {"message": "context length exceeded"}}, LlmRejected),
        (401, {"error": {"message": "bad key", "code": "invalid_api_key"}}, LlmRejected),
        (404, {"error": {"message": "model not found"}}, LlmRejected),
        (429, {"error": {"message": "slow down"}}, LlmUnavailable),
        (500, {"error": {"message": "boom"}}, LlmUnavailable),
        (503, {"error": {"message": "overloaded"}}, LlmUnavailable),
    ],
)
def test_http_errors_are_mapped(status: int, body: object, expected: type[LlmError]) -> None:
    """4xx that retrying cannot fix are rejections; 429/5xx (after retries) unavailability."""

    async def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, json=body)

    with pytest.raises(expected) as caught:
        complete(make_client(handler))
    assert isinstance(caught.value.__cause__, openai.APIStatusError)
    assert getattr(caught.value, "status", None) == status


@pytest.mark.parametrize(
    ("failure", "expected"),
    [(httpx2.ReadTimeout("slow"), LlmTimeout), (httpx2.ConnectError("refused"), LlmUnavailable)],
)
def test_transport_failures_are_mapped(failure: Exception, expected: type[LlmError]) -> None:
    """Timeouts and connection errors become LlmTimeout and LlmUnavailable."""

    async def handler(request: httpx2.Request) -> httpx2.Response:
        raise failure

    with pytest.raises(expected):
        complete(make_client(handler))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (chat_body(content=None, refusal="I can't help with that"), LlmRefused),
        (chat_body(finish_reason="content_filter", content=None), LlmRefused),
        (chat_body(finish_reason="length", content='{"values": [{"win'), LlmInvalidAnswer),
        (chat_body(content=""), LlmInvalidAnswer),
        ({**chat_body(), "choices": []}, LlmInvalidAnswer),
    ],
)
def test_unusable_completions(body: dict[str, Any], expected: type[LlmError]) -> None:
    """Refusals, filtered, truncated, empty and choice-less answers are errors, not answers."""

    async def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json=body)

    with pytest.raises(expected):
        complete(make_client(handler))


def test_tokens_and_outcomes_are_counted() -> None:
    """Tokens in/out come from usage, also for a refused answer; outcomes are labelled."""
    before = {
        "in": sample("callpipe_llm_tokens_total", direction="in"),
        "out": sample("callpipe_llm_tokens_total", direction="out"),
        "ok": sample("callpipe_llm_requests_total", outcome="ok"),
        "refused": sample("callpipe_llm_requests_total", outcome="refused"),
        "seconds": sample("callpipe_llm_request_seconds_count"),
    }
    bodies = [
        chat_body(),
        chat_body(
            content=None,
            refusal="no",
            usage={"prompt_tokens": 7, "completion_tokens": 1, "total_tokens": 8},
        ),
    ]

    async def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json=bodies.pop(0))

    client = make_client(handler)

    async def both() -> None:
        await client.complete(REQUEST)
        with pytest.raises(LlmRefused):
            await client.complete(REQUEST)

    run_and_close(both(), client.close_all)
    assert sample("callpipe_llm_tokens_total", direction="in") - before["in"] == 127
    assert sample("callpipe_llm_tokens_total", direction="out") - before["out"] == 31
    assert sample("callpipe_llm_requests_total", outcome="ok") - before["ok"] == 1
    assert sample("callpipe_llm_requests_total", outcome="refused") - before["refused"] == 1
    assert sample("callpipe_llm_request_seconds_count") - before["seconds"] == 2


def test_missing_usage_counts_nothing() -> None:
    """A server that reports no usage costs 0 tokens, not a crash."""

    async def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={**chat_body(), "usage": None})

    assert complete(make_client(handler)).tokens_in == 0


def test_requests_in_flight_are_bounded() -> None:
    """With LLM_MAX_CONCURRENCY=3, 12 concurrent completions never exceed 3 in flight."""
    in_flight = 0
    peak = 0

    async def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        return httpx2.Response(200, json=chat_body())

    client = make_client(handler, concurrency=3)

    async def burst() -> None:
        await asyncio.gather(*(client.complete(REQUEST) for _ in range(12)))

    run_and_close(burst(), client.close_all)
    assert peak == 3


def test_a_given_sdk_client_is_not_closed() -> None:
    """aclose leaves an SDK client passed in alone: whoever made it owns it."""

    async def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json=chat_body())

    client = make_client(handler)

    async def run() -> bool:
        await client.aclose()
        closed = client.sdk.is_closed()
        await client.sdk.close()
        return closed

    assert asyncio.run(run()) is False
