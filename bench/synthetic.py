"""Deterministic synthetic transcripts for benchmarks and load tests.

`make_transcript(rng, index)` builds one call in the contract's JSON form
(section 1): 20-40 messages, a customer language (Hindi, English, Tamil,
Telugu, Kannada, Gujarati or Punjabi; native script and romanised text),
and a routing outcome chosen by ``index % 5`` so that every outcome of
contract section 5 appears in any run of five or more. Timestamps vary in
style (offset, ``Z``, fractions, naive), a few messages arrive out of order
and some calls carry system/tool messages that the analysis ignores.
The same ``(seed, n)`` always gives the same transcripts.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

OUTCOMES: Final = ("all_data", "dealer_request", "understanding", "partial", "no_data")
LANGUAGES: Final = ("hindi", "english", "tamil", "telugu", "kannada", "gujarati", "punjabi")

_IST = timezone(timedelta(hours=5, minutes=30))
_BASE = datetime(2025, 10, 2, 9, 0, tzinfo=_IST)

_SMALL_TALK: Final[dict[str, tuple[str, ...]]] = {
    "hindi": ("Haan ji", "Theek hai", "Accha, bataiye", "नमस्ते जी", "जी हाँ, बोलिए"),
    "english": ("Yes please", "Okay sure", "Thank you", "Yes, go ahead"),
    "tamil": ("வணக்கம்", "சரி", "Seri, sollunga", "ஆமாம்"),
    "telugu": ("నమస్కారం", "సరే అండి", "Avunu andi", "చెప్పండి"),
    "kannada": ("ನಮಸ್ಕಾರ", "ಹೌದು", "Houdu, helri", "ಸರಿ"),
    "gujarati": ("નમસ્તે", "હા, બરાબર", "Kem cho", "હા જી"),
    "punjabi": ("ਸਤ ਸ੍ਰੀ ਅਕਾਲ", "ਹਾਂ ਜੀ", "Haanji, changa", "ਠੀਕ ਹੈ"),
}
_NO_ANSWER: Final[dict[str, tuple[str, ...]]] = {
    "hindi": ("पता नहीं", "Kya?", "हम्म"),
    "english": ("I don't know", "What?", "Hmm"),
    "tamil": ("என்ன?", "தெரியல", "புரியல"),
    "telugu": ("ఏమిటి?", "తెలియదు", "అర్థం కాలేదు"),
    "kannada": ("ಏನು?", "ಗೊತ್ತಿಲ್ಲ", "ಅರ್ಥ ಆಗಲಿಲ್ಲ"),
    "gujarati": ("શું?", "ખબર નથી", "સમજાયું નહીં"),
    "punjabi": ("ਕੀ?", "ਪਤਾ ਨਹੀਂ", "ਸਮਝ ਨਹੀਂ ਆਇਆ"),
}
_ASSISTANT_CHAT: Final = (
    "Great, thank you.",
    "Bahut accha.",
    "Let me note that down.",
    "We have exciting offers this month.",
    "Our showroom is open all week.",
    "Zaroor, main aapki madad karungi.",
    "That is a wonderful choice.",
)
_ASK: Final[dict[str, tuple[str, ...]]] = {
    "name": ("May I know your name please?", "Aapka naam kya hai?", "Could you tell me your name?"),
    "model": (
        "Which model are you looking for?",
        "Aap kaunsi gaadi dekh rahe hain?",
        "Which car are you interested in?",
    ),
    "email": ("What is your email id?", "Aapka email id kya hai?", "Could you share your email?"),
}
_ASK_AGAIN_CONFUSED: Final[dict[str, tuple[str, ...]]] = {
    "name": ("Sorry, could you tell me your name again?", "Pardon, aapka naam phir se bataiye?"),
    "model": ("Sorry, which car model would you like?", "I did not understand. Which model?"),
    "email": ("Sorry, please repeat your email id.", "Maaf kijiye, email id phir se bataiye."),
}
_ASK_AGAIN_CALM: Final[dict[str, tuple[str, ...]]] = {
    "name": ("Could you share your name once again?",),
    "model": ("Which model did you have in mind?",),
    "email": ("Could you share your email id again?",),
}
_FIRST_NAMES: Final = ("Rahul", "Priya", "Amit", "Sneha", "Arjun", "Kavya", "Harpreet", "Meera")
_LAST_NAMES: Final = ("Sharma", "Mehta", "Kumar", "Reddy", "Nair", "Iyer", "Singh", "Patel")
_MODEL_REPLIES: Final = (
    "Tata Nexon EV chahiye",
    "I am looking for the Hyundai Creta",
    "the new brezza",
    "XUV700 please",
    "Kia Seltos",
    "Scorpio N",
    "Honda City lena hai",
    "xuv 3xo",
    "Mahindra Thar Roxx",
    "Toyota Innova Hycross",
)
_DEALER_REQUESTS: Final = (
    "Mujhe seedha dealer se baat karni hai",
    "Can I speak to a human agent?",
    "Please connect me to the sales executive",
)


def make_transcripts(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` transcripts from one seeded generator (the same for the same arguments)."""
    rng = random.Random(seed)
    return [make_transcript(rng, index) for index in range(n)]


def make_transcript(rng: random.Random, index: int) -> dict[str, Any]:
    """One synthetic call in the contract's JSON form; outcome ``OUTCOMES[index % 5]``."""
    outcome = OUTCOMES[index % len(OUTCOMES)]
    language = rng.choice(LANGUAGES)
    target = rng.randint(20, 40)
    turns = _script(rng, outcome, language)
    turns = _pad(rng, turns, language, target)
    start = _BASE + timedelta(minutes=7 * index, seconds=rng.randint(0, 59))
    style = rng.choice(("offset", "utc", "naive", "fraction"))
    clock = start + timedelta(seconds=rng.randint(1, 3))
    messages: list[dict[str, Any]] = []
    for role, text in turns:
        length = timedelta(seconds=rng.randint(1, 6), milliseconds=rng.randint(0, 999))
        message: dict[str, Any] = {"role": role, "text": text, "timestamp": _iso(clock, style)}
        if role == "user" and rng.random() < 0.8:
            message["end_timestamp"] = _iso(clock + length, style)
        messages.append(message)
        clock += length + timedelta(seconds=rng.randint(1, 8))
    if rng.random() < 0.3:
        messages.insert(1, {"role": "system", "text": {"note": "tool output"}, "timestamp": "?"})
    if rng.random() < 0.3 and len(messages) > 6:
        at = rng.randrange(2, len(messages) - 1)
        messages[at], messages[at + 1] = messages[at + 1], messages[at]
    return {
        "call_ref_id": str(18882175800000000 + index),
        "call_vendor": rng.choice(("Ozonetel", "Waybeo")),
        "recording_url": "" if rng.random() < 0.5 else f"https://rec.example/{index}.mp3",
        "start_time": _iso(start, style),
        "end_time": _iso(clock + timedelta(seconds=rng.randint(1, 10)), style),
        "messages": messages,
        "metadata": {"synthetic": True},
    }


def _script(rng: random.Random, outcome: str, language: str) -> list[tuple[str, str]]:
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    answers = {
        "name": rng.choice((f"Mera naam {first} {last} hai", f"My name is {first} {last}", first)),
        "model": rng.choice(_MODEL_REPLIES),
        "email": rng.choice(
            (
                f"{first.lower()} dot {last.lower()} at gmail dot com",
                f"{first.lower()}{rng.randint(1, 99)}@yahoo.com",
                f"{first.lower()} underscore {last.lower()} at the rate outlook dot com",
            )
        ),
    }
    turns = [("assistant", "Hello! Welcome to the showroom. I am your virtual assistant.")]
    turns.append(("user", rng.choice(_SMALL_TALK[language])))

    def ask(field: str, tries: int, confused: bool, answered: bool) -> None:
        for attempt in range(tries):
            again = _ASK_AGAIN_CONFUSED if confused else _ASK_AGAIN_CALM
            turns.append(("assistant", rng.choice((_ASK if attempt == 0 else again)[field])))
            if answered and attempt == tries - 1:
                turns.append(("user", answers[field]))
            elif attempt < tries - 1 or rng.random() < 0.7:
                turns.append(("user", rng.choice(_NO_ANSWER[language])))

    if outcome == "all_data":
        for field in ("name", "model", "email"):
            ask(field, rng.randint(1, 2), False, True)
    elif outcome == "dealer_request":
        ask("name", 1, False, True)
        turns.append(("assistant", rng.choice(_ASSISTANT_CHAT)))
        turns.append(("user", rng.choice(_DEALER_REQUESTS)))
    elif outcome == "understanding":
        ask("name", 3, True, rng.random() < 0.5)
        ask("model", rng.randint(3, 4), True, False)
    elif outcome == "partial":
        ask("name", 1, False, True)
        ask("model", rng.randint(1, 2), False, rng.random() < 0.5)
        ask("email", 1, False, False)
    elif rng.random() < 0.5:  # no data: asked once and refused ...
        ask("name", 1, False, False)
    return turns  # ... or nothing asked at all (an IVR dropoff)


def _pad(
    rng: random.Random, turns: list[tuple[str, str]], language: str, target: int
) -> list[tuple[str, str]]:
    """Small talk pairs after the greeting until the call has about ``target`` messages."""
    padded = list(turns)
    while len(padded) + 2 <= target:
        at = rng.choice((2, len(padded)))  # after the greeting, or at the end
        chat = [
            ("assistant", rng.choice(_ASSISTANT_CHAT)),
            ("user", rng.choice(_SMALL_TALK[language])),
        ]
        padded[at:at] = chat
    return padded


def _iso(moment: datetime, style: str) -> str:
    if style == "utc":
        return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if style == "naive":  # wall time in the output zone (Asia/Kolkata)
        return moment.astimezone(_IST).replace(tzinfo=None, microsecond=0).isoformat()
    if style == "fraction":
        return moment.isoformat(timespec="milliseconds")
    return moment.replace(microsecond=0).isoformat()
