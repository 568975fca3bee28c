"""Hypothesis properties of the "values as people say them" rules: number
words, spelled letters, corrections, bounded and unambiguous slips, noise."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from callpipe.analysis import AnalysisConfig, build_analysis_config, load_analysis_config
from callpipe.analysis.config import CONFIG_FILES
from callpipe.analysis.fuzzy import allowed_edits, bounded_distance, first_letter_class
from callpipe.analysis.numbers import words_as_digits
from callpipe.analysis.values import extract_email, extract_model, extract_name, is_email

# Hypothesis prints the arguments of a failing example; a config is too big to print.
CONFIG = load_analysis_config()
DATA = Path(__file__).resolve().parents[3] / "callpipe" / "analysis" / "data"

UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]  # fmt: skip
TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy",
        80: "eighty", 90: "ninety"}  # fmt: skip


@st.composite
def spoken_number(draw: st.DrawFn) -> tuple[list[str], str]:
    """One number as a caller says it, and its digits."""
    kind = draw(st.sampled_from(["unit", "repeat", "teen", "ten", "ten+unit"]))
    if kind == "unit":
        digit = draw(st.integers(0, 9))
        return [UNITS[digit]], str(digit)
    if kind == "repeat":
        digit = draw(st.integers(0, 9))
        word, times = draw(st.sampled_from([("double", 2), ("triple", 3)]))
        return [word, UNITS[digit]], str(digit) * times
    if kind == "teen":
        value = draw(st.integers(10, 19))
        return [TEENS[value - 10]], str(value)
    ten = draw(st.sampled_from(sorted(TENS)))
    if kind == "ten":
        return [TENS[ten]], str(ten)
    unit = draw(st.integers(1, 9))
    return [TENS[ten], UNITS[unit]], str(ten + unit)


def _unambiguous(parts: list[tuple[list[str], str]]) -> bool:
    # A ten said alone and then a unit is one number ("forty two" is 42, not
    # 402): a caller who means 402 says "four zero two". Leave those out.
    for (left, _), (right, _) in pairwise(parts):
        if len(left) == 1 and left[0] in TENS.values() and right[0] in UNITS[1:]:
            return False
        if left[0] in UNITS and right[0] in ("hundred", "thousand"):
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(st.lists(spoken_number(), min_size=1, max_size=4))
def test_numbers_said_as_words_become_their_digits(parts: list[tuple[list[str], str]]) -> None:
    """Units, double/triple, teens, tens and 'ninety nine' in a row: their digits in a row."""
    assume(_unambiguous(parts))
    words = [word for spoken, _ in parts for word in spoken]
    digits = "".join(value for _, value in parts)
    converted = words_as_digits(words, CONFIG.number_words, "|")
    assert "".join(word for word, _ in converted) == digits
    said = f"my email is ravi {' '.join(words)} at gmail dot com"
    assert extract_email(said, CONFIG) == f"ravi{digits}@gmail.com"


_name_word = st.from_regex(r"[a-z]{3,9}", fullmatch=True).filter(
    lambda w: w not in CONFIG.name_stopwords and bool(set(w) & set("aeiou"))
)


@settings(max_examples=300, deadline=None)
@given(_name_word, st.sampled_from([" ", ". ", "-"]))
def test_letters_said_one_by_one_are_joined(word: str, separator: str) -> None:
    """A word spelled letter by letter is that word, in a name and in an email."""
    spelled = separator.join(word.upper())
    assert extract_name(f"my name is {spelled}", CONFIG) == word.capitalize()
    assert extract_name(f"{word.capitalize()}, {spelled}", CONFIG) == word.capitalize()
    assert extract_email(f"{' '.join(word)} at gmail dot com", CONFIG) == f"{word}@gmail.com"


_first = st.sampled_from(["Deepak", "Rohit", "Sunita", "Arjun", "Meera", "Vikram", "Kavya"])
_last = st.sampled_from(["Rao", "Sharma", "Iyer", "Gill", "Patel", "Reddy", "Menon"])
_marker = st.sampled_from(
    ["sorry", "no no", "nahi nahi", "sorry, no", "I mean", "actually", "కాదు", "ਨਹੀਂ", "ಅಲ್ಲ"]
)


@settings(max_examples=300, deadline=None)
@given(_first, _first, _last, _marker, st.sampled_from(["... ", ", "]))
def test_after_a_correction_the_final_name_counts(
    wrong: str, right: str, surname: str, marker: str, pause: str
) -> None:
    """'A... sorry, B C': B C, whatever the correction word and the language."""
    assume(wrong != right)
    reply = f"{wrong}{pause}{marker}, {right} {surname}"
    assert extract_name(reply, CONFIG) == f"{right} {surname}"


_models = sorted({canonical for canonical in CONFIG.model_aliases.values()})


def _said(canonical: str) -> str:
    """The model as a caller names it (without the brand)."""
    for brand in CONFIG.catalogue:
        if canonical.startswith(brand + " "):
            return canonical[len(brand) + 1 :]
    raise AssertionError(canonical)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_models),
    st.sampled_from(_models),
    st.sampled_from(["{x} nahi, {y} chahiye", "{x}... sorry, {y}", "not the {x}, the {y}",
                     "I have a {x}, I want the {y}", "{x}... ਨਹੀਂ ਨਹੀਂ, {y} ਚਾਹੀਦੀ ਹੈ"]),
)  # fmt: skip
def test_after_a_correction_or_a_preference_the_final_model_counts(
    old: str, new: str, pattern: str
) -> None:
    """Whatever two catalogue models, the one corrected to or wanted is the answer."""
    assume(old != new)
    reply = pattern.format(x=_said(old), y=_said(new))
    assert extract_model(reply, CONFIG) == new


# --- bounded, unambiguous slips on random catalogues ---------------------------------


def _catalogue_config(models: list[str]) -> AnalysisConfig:
    files = {name: json.loads((DATA / name).read_text("utf-8")) for name in CONFIG_FILES}
    files["catalogue.json"] = {"brands": {"Brand": {model.capitalize(): [] for model in models}}}
    return build_analysis_config(files)


_model_word = st.from_regex(r"[bdfgjlmnprtv][aeiou][a-z]{3,7}", fullmatch=True)


def _slips(word: str) -> st.SearchStrategy[str]:
    """Words one edit from ``word`` (keeping its first letter)."""
    positions = st.integers(1, len(word) - 1)
    letters = st.sampled_from("abcdefghijklmnopqrstuvwxyz")
    return st.one_of(
        st.builds(lambda i, c: word[:i] + c + word[i + 1 :], positions, letters),
        st.builds(lambda i, c: word[:i] + c + word[i:], positions, letters),
        st.builds(lambda i: word[:i] + word[i + 1 :], positions),
    )


@settings(max_examples=200, deadline=None)
@given(st.data(), st.lists(_model_word, min_size=2, max_size=5, unique=True))
def test_a_slip_never_picks_between_two_equally_close_entries(
    data: st.DataObject, models: list[str]
) -> None:
    """The model read from a slip is the one entry closest to it, within its
    bound; with two entries equally close, none is read."""
    assume(not any(m in CONFIG.stopwords for m in models))
    config = _catalogue_config(models)
    said = data.draw(_slips(data.draw(st.sampled_from(models))))
    assume(said.isalpha() and said not in config.stopwords and said not in config.catalogue)
    found = extract_model(f"I want the {said}", config)
    distances = {m: bounded_distance(said, m, allowed_edits(m)) for m in models}
    closest = min(distances.values())
    at_closest = [m for m, d in distances.items() if d == closest and d <= allowed_edits(m)]
    if len(at_closest) != 1:
        assert found is None
    else:
        assert found in (None, f"Brand {at_closest[0].capitalize()}")
        if found is not None:
            assert first_letter_class(said) == first_letter_class(at_closest[0])


@settings(max_examples=200, deadline=None)
@given(_model_word, st.sampled_from("aeiou"))
def test_two_entries_one_edit_apart_from_a_slip_give_no_model(word: str, vowel: str) -> None:
    """An entry and its one-vowel variant, and a slip one edit from both: no model."""
    other = word[:-1] + vowel
    assume(other != word and len(word) >= 5)
    config = _catalogue_config([word, other])
    slip = word[:-1] + ("y" if vowel != "y" else "w")
    assume(slip not in (word, other))
    assert extract_model(f"{slip} chahiye", config) is None


# --- noise markers ------------------------------------------------------------

MARKERS = ["[inaudible]", "[noise]", "<unk>", "(unclear)", "[ Inaudible ]", "<UNK>", "{noise}"]
_piece = st.sampled_from(
    ["my", "name", "is", "Rahul", "Sharma", "creta", "chahiye", "rahul", "dot", "at", "gmail",
     "com", "seven", "double", "ji", "haan", "Nexon", "EV", ",", "."]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_piece, st.sampled_from(MARKERS)), max_size=14))
def test_noise_markers_never_reach_a_value(pieces: list[str]) -> None:
    """No value ever holds a marker's word, and a name never holds a word twice in a row."""
    reply = " ".join(pieces)
    marker_words = re.compile(r"inaudible|noise|unk|unclear", re.IGNORECASE)
    name = extract_name(reply, CONFIG)
    model = extract_model(reply, CONFIG)
    email = extract_email(reply, CONFIG)
    for value in (name, model, email):
        assert value is None or not marker_words.search(value)
    assert email is None or is_email(email)
    if name is not None:
        words = name.lower().split()
        assert all(a != b for a, b in pairwise(words))


_title = st.sampled_from(sorted(CONFIG.inner_titles))
_intro = st.sampled_from(["", "my name is ", "mera naam ", "હું ", "I am "])


@given(_intro, _first, _title, _last, st.booleans())
def test_a_title_between_the_names_never_reaches_the_name(
    intro: str, first: str, title: str, surname: str, capital: bool
) -> None:
    """'Rajesh bhai Patel': Rajesh Patel, whatever the title, its case and the introduction."""
    said = title.capitalize() if capital else title
    assert extract_name(f"{intro}{first} {said} {surname}", CONFIG) == f"{first} {surname}"


_everyday = st.sampled_from(sorted(CONFIG.everyday_model_words))
_follower = st.sampled_from(sorted(CONFIG.everyday_model_followers))


@given(_everyday, _follower, st.sampled_from(["", "for ", "my budget would "]))
def test_an_everyday_word_before_a_word_of_its_everyday_sense_names_no_model(
    word: str, follower: str, before: str
) -> None:
    """'for city driving', 'be six lakhs': no model, whichever pair of the lists."""
    assert extract_model(f"{before}{word} {follower}", CONFIG) is None
