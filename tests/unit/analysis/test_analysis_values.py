"""The rule value extractors: names, car models, email addresses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig, RuleExtractor, load_analysis_config
from callpipe.analysis.values import extract_email, extract_model, extract_name, is_email


@pytest.mark.parametrize(
    "reply, name",
    [
        ("my name is Rahul Sharma", "Rahul Sharma"),
        ("Rahul Sharma", "Rahul Sharma"),
        ("mera naam Amit Kumar hai", "Amit Kumar"),
        ("Haan ji, mera naam hai amit", "Amit"),
        ("I am Priya", "Priya"),
        ("I'm priya mehta, calling about a car", "Priya Mehta"),
        ("naam Suresh hai", "Suresh"),
        ("Haan ji, RAHUL", "Rahul"),
        ("Muthu", "Muthu"),
        ("myself Arjun Nair", "Arjun Nair"),
        ("Harpreet here", "Harpreet"),
        ("main Vikram bol raha hoon", "Vikram"),
        ("this is anne-marie o'brien", "Anne-Marie O'Brien"),
        ("I don't know. My name is Ravi.", "Ravi"),
    ],
)
def test_names_are_found_and_title_cased(reply: str, name: str, config: AnalysisConfig) -> None:
    """Introductions and bare names give the name words in title case."""
    assert extract_name(reply, config) == name


@pytest.mark.parametrize(
    "reply",
    [
        "I don't know",
        "why?",
        "hello",
        "yes",
        "haan ji",
        "ok",
        "Rahul?",
        "Kaun?",
        "I am not interested",
        "I am looking for the Hyundai Creta",
        "राहुल शर्मा",
        "என்ன?",
        "nahi bataunga",
        "",
        "123 456",
        "Rahul and I want a car now please tell me the price of everything",
    ],
)
def test_non_names_are_rejected(reply: str, config: AnalysisConfig) -> None:
    """Refusals, fillers, questions, other scripts and sentences are no names."""
    assert extract_name(reply, config) is None


@pytest.mark.parametrize(
    "reply, model",
    [
        ("Tata Nexon EV chahiye", "Tata Nexon EV"),
        ("nexon ev", "Tata Nexon EV"),
        ("the nexon", "Tata Nexon"),
        ("the new creta", "Hyundai Creta"),
        ("Creta electric please", "Hyundai Creta Electric"),
        ("brezza", "Maruti Suzuki Brezza"),
        ("xuv 700", "Mahindra XUV700"),
        ("XUV700", "Mahindra XUV700"),
        ("xuv-700 diesel", "Mahindra XUV700"),
        ("scorpio n", "Mahindra Scorpio N"),
        ("Scorpio-N", "Mahindra Scorpio N"),
        ("Kia Seltos", "Kia Seltos"),
        ("citroën c3 aircross", "Citroen C3 Aircross"),
        ("fortuner legender", "Toyota Legender"),
        ("honda city", "Honda City"),
        ("nexon ev please, the nexon ev", "Tata Nexon EV"),  # longest at each place
    ],
)
def test_models_are_canonical_and_longest_match_wins(
    reply: str, model: str, config: AnalysisConfig
) -> None:
    """Aliases map to 'Brand Model'; the longest mentioned alias wins."""
    assert extract_model(reply, config) == model


@pytest.mark.parametrize(
    "reply",
    [
        # Before the contract's "several models" rule these gave the longest or
        # the first model; a customer who names two without choosing has not chosen.
        "maybe swift, or the nexon ev",
        "Swift or Nexon",
    ],
)
def test_two_models_without_a_choice_give_none(reply: str, config: AnalysisConfig) -> None:
    """Contract section 3: only compared, not chosen -> no model."""
    assert extract_model(reply, config) is None


@pytest.mark.parametrize("reply", ["Tata", "I don't know", "electric wali", "", "क्रेटा"])
def test_non_models_are_rejected(reply: str, config: AnalysisConfig) -> None:
    """A brand alone, fillers and other scripts name no model."""
    assert extract_model(reply, config) is None


@pytest.mark.parametrize(
    "reply, email",
    [
        ("rahul dot sharma at gmail dot com", "rahul.sharma@gmail.com"),
        ("Rahul.Sharma@Gmail.com", "rahul.sharma@gmail.com"),
        ("my email is priya at the rate yahoo dot co dot in", "priya@yahoo.co.in"),
        ("amit underscore kumar at the rate of outlook dot com please", "amit_kumar@outlook.com"),
        ("rahul sharma at gmail dot com", "rahulsharma@gmail.com"),
        ("it's the dot king at gmail dot com", "the.king@gmail.com"),
        ("ravi one two three at gmail dotcom", "ravi123@gmail.com"),
        ("email id hai neha dash 99 at hot mail dot com", "neha-99@hotmail.com"),
        ("no wait, x@y.com. Actually rahul@gmail.com", "rahul@gmail.com"),
        ("My mail is rahul@gmail.com.", "rahul@gmail.com"),
    ],
)
def test_emails_written_and_spoken(reply: str, email: str, config: AnalysisConfig) -> None:
    """Spoken forms are rebuilt, spaces removed, lower-cased; the last valid one wins."""
    assert extract_email(reply, config) == email


@pytest.mark.parametrize(
    "reply",
    ["Haan ek minute, woh rahul sharma", "rahul at gmail", "I am at home", "@gmail.com", ""],
)
def test_non_emails_are_rejected(reply: str, config: AnalysisConfig) -> None:
    """No @, no domain with a dot, or no local part: no address."""
    assert extract_email(reply, config) is None


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
