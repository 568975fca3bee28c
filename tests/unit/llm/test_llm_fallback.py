"""LlmExtractor's flow: LLM values when they are good, the rules for the call when not."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path

import pytest

from callpipe.analysis import AnalysisConfig, Extraction, Transcript, extract
from callpipe.connectors import llm as edge
from callpipe.connectors.llm import Completion, LlmCache, LlmConfig, LlmExtractor, LlmRequest
from callpipe.metrics import EXTRACTION
from tests.unit.llm.llm_helpers import Turns, build_call, run_and_close

TURNS: Turns = [
    ("assistant", "Namaste! May I know your name please?"),
    ("user", "mera naam राहुल शर्मा hai"),
    ("assistant", "Which model are you looking for?"),
    ("user", "Nexon EV chahiye"),
    ("assistant", "What is your email id?"),
    ("user", "rahul dot sharma at gmail dot com"),
]
GOOD = {"name-1": "Rahul Sharma", "model-1": "Tata Nexon EV", "email-1": "rahul.sharma@gmail.com"}


class FakeClient:
    """Answers each request with the next scripted answer (text) or error."""

    def __init__(self, *answers: str | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[LlmRequest] = []
        self.closed = False

    async def complete(self, request: LlmRequest) -> Completion:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return Completion(answer, 100, 20, "json_schema")

    async def aclose(self) -> None:
        self.closed = True


def answer(values: Mapping[str, str | None]) -> str:
    return json.dumps({"values": [{"window_id": k, "value": v} for k, v in values.items()]})


@pytest.fixture
def llm(tmp_path: Path) -> LlmConfig:
    return LlmConfig(model="test-model", cache_dir=tmp_path / "cache")


def run_extract(extractor: LlmExtractor, call: Transcript) -> Extraction:
    return run_and_close(extractor.extract(call), extractor.aclose)


def values(extraction: Extraction) -> dict[str, str | None]:
    return {entry.field: entry.value for entry in extraction.fields}


def sample(name: str, **labels: str) -> float:
    return EXTRACTION.get_sample_value(name, labels) or 0.0


def test_good_answer_is_used(llm: LlmConfig, config: AnalysisConfig) -> None:
    """The LLM's values are the call's values, with source llm and one request."""
    client = FakeClient(answer(GOOD))
    extraction = run_extract(LlmExtractor(llm, config, client=client), build_call("c1", TURNS))
    assert extraction.source == "llm"
    assert values(extraction) == {
        "name": "Rahul Sharma",
        "model": "Tata Nexon EV",
        "email": "rahul.sharma@gmail.com",
    }
    assert len(client.requests) == 1 and client.closed
    assert client.requests[0].window_ids == ("name-1", "model-1", "email-1")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (edge.LlmTimeout("t"), "timeout"),
        (edge.LlmUnavailable("u", 503), "unavailable"),
        (edge.LlmRejected("r", 401), "rejected"),
        (edge.LlmRefused("no"), "refused"),
        (edge.LlmInvalidAnswer("cut short"), "invalid_answer"),
        (edge.LlmRequestError("odd SDK error"), "unavailable"),
        (RuntimeError("a bug"), "error"),
    ],
)
def test_failures_fall_back_to_the_rules(
    llm: LlmConfig, config: AnalysisConfig, error: Exception, reason: str
) -> None:
    """Every kind of failure gives the rules' values, source rules-fallback, counted by reason."""
    call = build_call("c1", TURNS)
    before = sample("callpipe_llm_fallbacks_total", reason=reason)
    extraction = run_extract(LlmExtractor(llm, config, client=FakeClient(error)), call)
    rules = extract(call, config)
    assert extraction.source == "rules-fallback"
    assert extraction.fields == rules.fields
    assert values(extraction)["name"] is None  # the rules cannot read Devanagari
    assert sample("callpipe_llm_fallbacks_total", reason=reason) - before == 1


@pytest.mark.parametrize("garbage", ["", "Sure! Rahul Sharma.", "[]", '{"names": ["x"]}'])
def test_unusable_answer_falls_back(llm: LlmConfig, config: AnalysisConfig, garbage: str) -> None:
    """An answer with nothing usable is an invalid_answer fallback."""
    before = sample("callpipe_llm_fallbacks_total", reason="invalid_answer")
    extraction = run_extract(
        LlmExtractor(llm, config, client=FakeClient(garbage)), build_call("c1", TURNS)
    )
    assert extraction.source == "rules-fallback"
    assert values(extraction)["email"] == "rahul.sharma@gmail.com"  # the rules' value
    assert sample("callpipe_llm_fallbacks_total", reason="invalid_answer") - before == 1


def test_values_for_windows_that_do_not_exist_are_ignored(
    llm: LlmConfig, config: AnalysisConfig
) -> None:
    """An answer naming unasked windows keeps its good parts and counts the rest."""
    before = sample("callpipe_llm_values_dropped_total", reason="unknown_window")
    client = FakeClient(
        answer({"name-1": "Rahul Sharma", "email-4": "x@y.com", "model-2": "Tata Punch"})
    )
    call = build_call("c1", TURNS[:2])  # only the name was asked
    extraction = run_extract(LlmExtractor(llm, config, client=client), call)
    assert extraction.source == "llm"
    assert values(extraction) == {"name": "Rahul Sharma", "model": None, "email": None}
    assert [entry.remarks for entry in extraction.fields] == [
        "verified",
        "not_attempted",
        "not_attempted",
    ]
    assert sample("callpipe_llm_values_dropped_total", reason="unknown_window") - before == 2


@pytest.mark.parametrize(
    "turns",
    [
        [],
        [("assistant", "Hello!"), ("user", "hi")],
        [("assistant", "What's your name?"), ("assistant", "Which car?")],
    ],
)
def test_no_reply_means_no_request(llm: LlmConfig, config: AnalysisConfig, turns: Turns) -> None:
    """Without a reply in any window nothing is asked, and nothing is found."""
    client = FakeClient(RuntimeError("must not be called"))
    extraction = run_extract(LlmExtractor(llm, config, client=client), build_call("c", turns))
    assert client.requests == []
    assert extraction.source == "llm"
    assert values(extraction) == {"name": None, "model": None, "email": None}


def test_cache_saves_the_second_request(llm: LlmConfig, config: AnalysisConfig) -> None:
    """The same transcript again, even in a new extractor (a restart), costs no request."""
    call = build_call("c1", TURNS)
    first = FakeClient(answer(GOOD))
    run_extract(LlmExtractor(llm, config, client=first), call)
    hits = sample("callpipe_llm_cache_hits_total")
    second = FakeClient(RuntimeError("must not be called"))
    extraction = run_extract(LlmExtractor(llm, config, client=second), call)
    assert second.requests == []
    assert (extraction.source, values(extraction)["name"]) == ("llm", "Rahul Sharma")
    assert sample("callpipe_llm_cache_hits_total") - hits == 1


def test_failures_are_not_cached(llm: LlmConfig, config: AnalysisConfig) -> None:
    """After a fallback, the next time the call comes the LLM is asked again."""
    call = build_call("c1", TURNS)
    run_extract(LlmExtractor(llm, config, client=FakeClient(edge.LlmTimeout("t"))), call)
    client = FakeClient(answer(GOOD))
    extraction = run_extract(LlmExtractor(llm, config, client=client), call)
    assert len(client.requests) == 1 and extraction.source == "llm"


def test_another_model_does_not_share_answers(tmp_path: Path, config: AnalysisConfig) -> None:
    """Answers are cached per model: switching LLM_MODEL asks again."""
    call = build_call("c1", TURNS)
    for model in ("model-a", "model-b"):
        client = FakeClient(answer(GOOD))
        llm = LlmConfig(model=model, cache_dir=tmp_path)
        run_extract(LlmExtractor(llm, config, client=client), call)
        assert len(client.requests) == 1


class BrokenCache(LlmCache):
    def get(self, key: str) -> str | None:
        raise edge.LlmCacheError("disk on fire")

    def put(self, key: str, answer: str) -> None:
        raise edge.LlmCacheError("disk on fire")


def test_a_failing_cache_does_not_fail_the_call(
    tmp_path: Path, llm: LlmConfig, config: AnalysisConfig
) -> None:
    """Cache errors are logged and skipped: the LLM's answer is still used."""
    extractor = LlmExtractor(
        llm, config, client=FakeClient(answer(GOOD)), cache=BrokenCache(tmp_path, 10)
    )
    extraction = run_extract(extractor, build_call("c1", TURNS))
    assert extraction.source == "llm"


def test_cache_dir_that_cannot_be_used_runs_without_cache(
    tmp_path: Path, config: AnalysisConfig
) -> None:
    """A bad LLM_CACHE_DIR is logged at start-up; the extractor works uncached."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    llm = LlmConfig(cache_dir=blocker)
    client = FakeClient(answer(GOOD))
    for _ in range(2):
        extraction = run_extract(LlmExtractor(llm, config, client=client), build_call("c1", TURNS))
        assert extraction.source == "llm"
    assert len(client.requests) == 2


@pytest.mark.parametrize(
    "outcome",
    [
        edge.LlmTimeout("no answer within the timeout"),
        RuntimeError("leaked rahul.sharma@gmail.com Rahul Sharma"),
        answer({"name-1": "Rahul Sharma", "email-9": "rahul.sharma@gmail.com"}),
    ],
)
def test_logs_hold_no_personal_data(
    llm: LlmConfig,
    config: AnalysisConfig,
    caplog: pytest.LogCaptureFixture,
    outcome: str | edge.LlmError | RuntimeError,
) -> None:
    """Fallback and dropped-value logs name the call and the reason, never a name or email."""
    caplog.set_level(logging.DEBUG, logger="callpipe.connectors.llm")
    run_extract(LlmExtractor(llm, config, client=FakeClient(outcome)), build_call("c1", TURNS))
    logged = [r for r in caplog.records if r.name.startswith("callpipe.connectors.llm.")]
    assert logged
    for record in logged:
        text = record.getMessage() + json.dumps(getattr(record, "fields", {}), default=str)
        assert "c1" in text
        for secret in ("Rahul", "rahul", "Sharma", "gmail", "राहुल"):
            assert secret not in text
