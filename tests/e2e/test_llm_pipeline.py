"""EXTRACTOR=llm end to end: the real openai client in the extraction worker, a local
OpenAI-compatible server, the real Kafka, registry and receiver."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from callpipe.connectors.kafka.producer import TranscriptProducer
from callpipe.edges import producer_config
from callpipe.settings import Settings
from callpipe.topics import EXTRACTED
from tests.e2e.fake_llm import FakeOpenAI
from tests.e2e.harness import ReceiverProcess, Workers, load_json, read_topic, wait_for


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[ReceiverProcess]:
    process = ReceiverProcess(tmp_path / "receiver.sqlite3", tmp_path / "receiver.log")
    yield process
    process.stop()


def test_llm_values_reach_the_webhook_and_failures_fall_back_to_rules(
    settings: Settings,
    receiver: ReceiverProcess,
    tmp_path: Path,
    contract_examples: list[tuple[Path, Path]],
) -> None:
    """A Devanagari name the rules cannot read arrives transliterated from the LLM; a call
    the LLM answers with garbage still gets the rules' exact contract payload."""
    transcript, expected = (load_json(p) for p in contract_examples[0])
    devanagari: dict[str, Any] = copy.deepcopy(transcript)
    devanagari["call_ref_id"] = "llm-devanagari"
    devanagari["messages"][3]["text"] = "मेरा नाम राहुल शर्मा है"
    fallback = {**transcript, "call_ref_id": "llm-garbage"}
    answers: dict[str, dict[str, str | None]] = {
        "llm-devanagari": {
            "name-1": "Rahul Sharma",
            "model-1": "Tata Nexon EV",
            "email-1": None,
            "email-2": "rahul.sharma@gmail.com",
            "model-9": "Hyundai Creta",  # a window that does not exist: must be ignored
        }
    }
    pipeline = settings.model_copy(update={"webhook_base_url": receiver.url})
    with FakeOpenAI(answers) as llm:
        workers = Workers(
            pipeline,
            tmp_path,
            EXTRACTOR="llm",
            OPENAI_BASE_URL=llm.base_url,
            OPENAI_API_KEY="sk-test",
            LLM_CACHE_DIR=str(tmp_path / "llm-cache"),
        )
        try:
            workers.start_all()
            producer = TranscriptProducer(producer_config(pipeline), source="e2e-test")
            producer.produce(devanagari)
            producer.produce(fallback)
            producer.flush()
            wait_for(lambda: receiver.stats()["stored"] == 2, "both calls at the receiver", 90)
        finally:
            workers.stop_all()
        assert llm.requests["llm-devanagari"] == 1

    [payload] = receiver.payloads("llm-devanagari")
    name, model, email = payload["response_data"]
    assert (name["key_response"], name["remarks"]) == ("Rahul Sharma", "verified")
    assert model["key_response"] == "Tata Nexon EV"
    assert email["key_response"] == "rahul.sharma@gmail.com"
    assert payload["dealer_routing"]["reason"] == "All data collected - routing to dealer"

    assert receiver.payloads("llm-garbage") == [
        {**expected, "id": "bot_llm-garbage", "call_ref_id": "llm-garbage"}
    ]
    sources = {
        key: {a["source"] for f in record["fields"] for a in f["attempts"]}
        for key, record, _ in read_topic(pipeline, EXTRACTED, 2)
    }
    assert sources == {b"llm-devanagari": {"llm"}, b"llm-garbage": {"rules-fallback"}}
