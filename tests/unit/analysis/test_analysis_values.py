"""The rule value extractors: the fields they serve, and properties that hold
for any text (their examples are in test_values_as_people_say_them.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig, RuleExtractor, load_analysis_config
from callpipe.analysis.values import extract_email, extract_model, extract_name, is_email


def test_rule_extractor_dispatches_and_rejects_unknown_fields(config: AnalysisConfig) -> None:
    """RuleExtractor maps fields to the three extractors; other fields are an error."""
    extractor = RuleExtractor(config)
    assert extractor.extract("name", "Rahul") == "Rahul"
    assert extractor.extract("model", "creta") == "Hyundai Creta"
    assert extractor.extract("email", "a.b@c.in") == "a.b@c.in"
    with pytest.raises(ValueError, match="phone"):
        extractor.extract("phone", "12345")


# --- property tests for the email parser --------------------------------------

# Hypothesis prints the arguments of a failing example; a config is too big to print.
CONFIG = load_analysis_config()

_word = st.from_regex(r"[a-z][a-z0-9]{1,7}", fullmatch=True)
_tld = st.from_regex(r"[a-z]{2,4}", fullmatch=True)


def _usable(config: AnalysisConfig, word: str) -> bool:
    # Words that are spoken symbols, numbers or fillers are, by design, not address words.
    spoken = {p for _, phrases in config.phrases.email_spoken for p in phrases}
    spoken.update(w for _, words in config.speech.numbers for w in words)
    spoken.update(w for w, _ in config.speech.repeats)
    return word not in config.stopwords and word not in spoken


@settings(max_examples=200, deadline=None)
@given(
    local=st.lists(_word, min_size=1, max_size=3),
    seps=st.lists(st.sampled_from([".", "_", "-"]), min_size=2, max_size=2),
    domain=st.lists(_word, min_size=1, max_size=2),
    tld=_tld,
    at=st.sampled_from([" at ", " at the rate ", " at the rate of ", "@", " @ "]),
)
def test_spoken_email_round_trips(
    local: list[str],
    seps: list[str],
    domain: list[str],
    tld: str,
    at: str,
) -> None:
    """Any address spoken with dot/underscore/dash/at-the-rate is rebuilt exactly."""
    config = CONFIG
    words = [*local, *domain, tld]
    if not all(_usable(config, word) for word in words):
        return
    address_local = "".join(
        w + (seps[i % 2] if i < len(local) - 1 else "") for i, w in enumerate(local)
    )
    address = f"{address_local}@{'.'.join([*domain, tld])}"
    spoken = {".": " dot ", "_": " underscore ", "-": " dash ", "@": at}
    said = "".join(spoken.get(ch, ch) for ch in address)
    assert is_email(address)
    assert extract_email(f"my email is {said} thank you", config) == address
    assert extract_email(address.upper(), config) == address


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_email_extractor_returns_valid_address_or_none(text: str) -> None:
    """Whatever the reply, the result is None or a lower-case standard address."""
    found = extract_email(text, CONFIG)
    assert found is None or (is_email(found) and found == found.lower())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_name_and_model_extractors_never_fail(text: str) -> None:
    """Names are Latin title-case words or None; models are catalogue values or None."""
    config = CONFIG
    name = extract_name(text, config)
    assert name is None or all(part[:1].isupper() and part.isascii() for part in name.split())
    model = extract_model(text, config)
    assert model is None or model in set(config.model_aliases.values())
