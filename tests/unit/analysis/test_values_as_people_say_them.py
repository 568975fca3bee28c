"""The rule extractors on example replies: plain introductions, aliases and
addresses first, then contract section 3, "Values as people say them", rule
by rule, with the contract's own examples and the ways Indian phone calls
bend them.

Each table maps a field to (reply, value) examples; None means no value
(when unsure, "")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from callpipe.analysis import AnalysisConfig, RuleExtractor

# A rule's examples per field: (reply, the value it gives or None).
ValueExamples = Mapping[str, Sequence[tuple[str, str | None]]]


def value_cases(rules: Mapping[str, ValueExamples]) -> list[pytest.ParameterSet]:
    """Every example of every rule as ``(field, reply, value)``, named
    ``rule, field: reply`` so that a failure says which rule broke."""
    return [
        pytest.param(field, reply, value, id=f"{rule}, {field}: {reply!r}")
        for rule, examples in rules.items()
        for field, rows in examples.items()
        for reply, value in rows
    ]


# --- plain forms --------------------------------------------------------------

# Introductions and bare names give the name words in title case;
# refusals, fillers, questions, other scripts and sentences are no names.
NAMES: ValueExamples = {
    "name": [
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
        ("I don't know", None),
        ("why?", None),
        ("hello", None),
        ("yes", None),
        ("haan ji", None),
        ("ok", None),
        ("Rahul?", None),
        ("Kaun?", None),
        ("I am not interested", None),
        ("I am looking for the Hyundai Creta", None),
        ("राहुल शर्मा", None),
        ("என்ன?", None),
        ("nahi bataunga", None),
        ("", None),
        ("123 456", None),
        ("Rahul and I want a car now please tell me the price of everything", None),
    ],
}

# Aliases map to 'Brand Model' and the longest mentioned alias wins; a brand
# alone, fillers and other scripts name no model. Contract section 3: two
# models only compared, not chosen, are no model either (before that rule
# these gave the longest or the first model).
MODELS: ValueExamples = {
    "model": [
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
        ("maybe swift, or the nexon ev", None),
        ("Swift or Nexon", None),
        ("Tata", None),
        ("I don't know", None),
        ("electric wali", None),
        ("", None),
        ("क्रेटा", None),
    ],
}

# Spoken forms are rebuilt, spaces removed, lower-cased and the last valid
# address wins; no @, no domain with a dot, or no local part: no address.
EMAILS: ValueExamples = {
    "email": [
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
        ("Haan ek minute, woh rahul sharma", None),
        ("rahul at gmail", None),
        ("I am at home", None),
        ("@gmail.com", None),
        ("", None),
    ],
}

# --- corrections --------------------------------------------------------------

# After a correction the customer's last version is the value: 'X nahi, Y',
# 'X... sorry, Y', 'Y chahiye, X nahi' give Y; of two addresses, the last.
CORRECTIONS: ValueExamples = {
    "name": [
        ("Deepak... sorry, no, Dinesh Rao", "Dinesh Rao"),  # the contract's example
        ("Deepak... nahi nahi sorry, Dinesh. Dinesh Yadav.", "Dinesh Yadav"),
        ("Ravi Teja... కాదు, sorry, Ravi Kiran", "Ravi Kiran"),
        ("Mrs. Shalini Bhatt... no sorry, Bhatia. B H A T I A. Shalini Bhatia.", "Shalini Bhatia"),
        ("Not Rohit, Rahul", "Rahul"),
        ("Rohit nahi, Rahul", "Rahul"),
        ("my name is not Rahul, it is Rohit", "Rohit"),
    ],
    "model": [
        ("Venue nahi, Sonet chahiye", "Kia Sonet"),  # the contract's example
        ("Seltos... ਨਹੀਂ ਨਹੀਂ, Sonet ਚਾਹੀਦੀ ਹੈ", "Kia Sonet"),
        ("XUV 3XO... కాదు కాదు, XUV 7OO కావాలి", "Mahindra XUV700"),
        ("Thar... nahi, Thar Roxx chahiye", "Mahindra Thar Roxx"),
        ("Tiago, sorry Tigor", "Tata Tigor"),
        ("Kushaq જોઈએ છે, Kylaq નહીં", "Skoda Kushaq"),
    ],
    "email": [
        (
            "kavya reddy at gmail dot com, sorry no, it is kavya dot reddy at hotmail dot com",
            "kavya.reddy@hotmail.com",
        ),
    ],
}

# --- several models -----------------------------------------------------------

# The wanted model counts, not one owned, refused, disliked or merely
# compared; undecided, only owned or only refused: no model.
SEVERAL_MODELS: ValueExamples = {
    "model": [
        ("I drive an Alto, I want the Fronx", "Maruti Suzuki Fronx"),  # the contract's
        ("Verna or City, City zyada pasand hai", "Honda City"),  # two examples
        ("મારી પાસે Alto છે, હવે મારે Fronx લેવી છે", "Maruti Suzuki Fronx"),
        ("ఇప్పుడు నా దగ్గర Swift ఉంది, కానీ Brezza కొనాలనుకుంటున్నాను", "Maruti Suzuki Brezza"),
        ("I do not like the Venue much. The Exter is what I want.", "Hyundai Exter"),
        (
            "My wife likes the Thar but I really don't like it. I want the XUV 3XO.",
            "Mahindra XUV 3XO",
        ),
        ("Creta exchange karke Alcazar lena hai", "Hyundai Alcazar"),
        ("I drive an Alto K10, I want to upgrade to the Fronx", "Maruti Suzuki Fronx"),
        ("Comet EV chahiye, chhoti gaadi city ke liye", "MG Comet EV"),
        ("Ippo Innova Crysta irukku, adha kuduthuttu Fortuner vaanganum", "Toyota Fortuner"),
        ("My budget would be six to eight lakhs, so the Kylaq I guess.", "Skoda Kylaq"),
        # An everyday word before a word of its everyday sense names no model.
        ("Something compact, for city driving.", None),
        ("budget would be six lakhs", None),
        ("city chahiye", "Honda City"),  # alone and before no such word, it does
        ("BE 6 chahiye", "Mahindra BE 6"),
        ("Creta-வா Venue-வா தெரியல", None),  # Creta or Venue, I don't know
        ("Baleno or Fronx, not sure", None),
        ("I want the Creta or the Seltos", None),
        ("Seltos aur Sonet dono pasand hai", None),
        ("mere paas Creta hai", None),  # the only model named is one they have
        ("Creta nahi chahiye", None),
        # Owning, upgrading from and comparing with a model is not wanting it.
        ("Swift hai already, upgrade karna hai", None),  # the one they have
        ("Alto se upgrade karna hai", None),
        ("Punch se bada", None),  # compared: bigger than the Punch
        ("Nexon jaisi koi", None),  # something like the Nexon
        ("Creta type ki gaadi", None),
        ("I want something like the Creta", None),
    ],
}

# --- speech-to-text slips -----------------------------------------------------

# Letter/digit confusions, split or joined words and small misspellings find
# the one entry they are close to; two entries that close, or a name two
# models share: no model.
SLIPS: ValueExamples = {
    "model": [
        ("Harriar", "Tata Harrier"),  # the contract's examples
        ("XL 6", "Maruti Suzuki XL6"),
        ("XUV 7OO", "Mahindra XUV700"),  # a letter O for a zero
        ("grandvitara chahiye", "Maruti Suzuki Grand Vitara"),  # joined words
        ("Vagon R", "Maruti Suzuki Wagon R"),
        ("Seltoss diesel", "Kia Seltos"),
        ("Sonnet", "Kia Sonet"),
        ("Kodiak", "Skoda Kodiaq"),
        ("Kreta", "Hyundai Creta"),  # a first letter that sounds the same
        ("Artiga kavali, seven seater, CNG", "Maruti Suzuki Ertiga"),  # A for E
        ("Thar rocks beku, five door du", "Mahindra Thar Roxx"),  # Roxx as heard
        ("Creta SX diesel automatic", "Hyundai Creta"),  # variant words do not stop it
        ("Nexon EV long range", "Tata Nexon EV"),
        ("I want the Tigo", None),  # Tiago and Tigor: one edit each
        ("I want the Kigor", None),  # Kiger and Tigor, whatever the first letter
        ("Kia EV 8", None),  # EV6 and EV9: digits never slip
        ("Scorpio chahiye", None),  # Scorpio N or Scorpio Classic
        ("The Innova, seven seater", None),  # Crysta or Hycross
        ("Urban Cruiser", None),  # Taisor or Hyryder
        ("Thaar", None),  # four letters may not slip ("that", "than")
        ("lunch ke baad", None),  # one edit from Punch, but another first letter
    ],
}

# --- letters said one by one, initials, words said twice, honorifics ------------

# Spelled letters are joined, initials kept upper case, repeats and titles
# dropped; in an address, letters run together like any spoken words and
# 'capital' is no part of them.
SPELLED: ValueExamples = {
    "name": [
        ("my name is M E E N A, Meena", "Meena"),  # the contract's example
        ("Yes, it is Meena Iyer. M E E N A, Meena.", "Meena Iyer"),
        ("M. E. E. N. A. Meena", "Meena"),
        ("my name is M-E-E-N-A", "Meena"),
        ("it is Sreya, S H R E Y A", "Shreya"),  # the spelling fixes the word
        ("my name is A N I L Kumar", "Anil Kumar"),
        ("Yes, I'm Gaurav Bhatia. G A U R A V.", "Gaurav Bhatia"),
        ("P. Lakshmi", "P. Lakshmi"),  # initials as given, the contract's examples
        ("T R Mohan", "T R Mohan"),
        ("ನನ್ನ ಹೆಸರು t r mohan", "T R Mohan"),
        ("My name is A. R. K. Rao.", "A. R. K. Rao"),
        ("Anil Anil Kapoor", "Anil Kapoor"),  # a word said twice
        ("Rohan. Rohan Fernandes.", "Rohan Fernandes"),
        ("Ji, Shri Ashok Tiwari", "Ashok Tiwari"),  # honorifics are not the name
        ("Ji, main Mr. Rakesh Sharma bol raha hoon", "Rakesh Sharma"),
        ("Mera naam Mrs. Kavita Joshi hai", "Kavita Joshi"),
        ("Sharma ji", "Sharma"),
        ("હા જી, હું Rajesh bhai Patel", "Rajesh Patel"),  # a title between the names
        ("Hetal ben Shah", "Hetal Shah"),
        ("Rajesh bhai", "Rajesh"),
        ("Rajesh bhai, bolo", "Rajesh"),  # a title before no name word: the name ends
        ("ledu andi, peru cheppanu", None),  # Telugu: "no, I won't tell my name"
        ("Sir, ਮੇਰਾ ਨਾਮ Amandeep Brar ਹੈ", "Amandeep Brar"),
        ("Suresh naam hai mera", "Suresh"),
        ("ਮੇਰਾ ਨਾਂ Gurpreet Singh Sandhu ਹੈ.", "Gurpreet Singh Sandhu"),
    ],
    "email": [
        ("a n i l at gmail dot com", "anil@gmail.com"),  # the contract's example
        ("a n i l k at gmail dot com", "anilk@gmail.com"),  # 'a' and 'i' are letters here
        ("k s reddy at sify dot com", "ksreddy@sify.com"),
        ("m double e n a at gmail dot com", "meena@gmail.com"),
        ("capital A n i l at gmail dot com", "anil@gmail.com"),
    ],
}

# --- numbers said as words and spoken symbols ---------------------------------

# Digits, double/triple, tens and teens, and spoken symbols in an address;
# 'double o seven' may be oo7 or 007, so that address is not read.
NUMBERS_AND_SYMBOLS: ValueExamples = {
    "email": [
        ("ravi seven eight at gmail dot com", "ravi78@gmail.com"),  # the contract's
        ("ravi double five at gmail dot com", "ravi55@gmail.com"),  # examples
        ("ravi forty two at gmail dot com", "ravi42@gmail.com"),
        ("ravi nineteen at gmail dot com", "ravi19@gmail.com"),
        ("ravi ninety nine at gmail dot com", "ravi99@gmail.com"),
        ("ravi ninety-nine at gmail dot com", "ravi99@gmail.com"),
        ("ravi triple seven at gmail dot com", "ravi777@gmail.com"),
        ("ravi double zero seven at gmail dot com", "ravi007@gmail.com"),
        ("ravi double one nineteen at gmail dot com", "ravi1119@gmail.com"),
        ("ravi nineteen eighty five at gmail dot com", "ravi1985@gmail.com"),
        ("ravi two thousand ten at gmail dot com", "ravi2010@gmail.com"),
        ("ravi eighty at gmail dot com", "ravi80@gmail.com"),
        ("ravi underscore kumar at gmail dot com", "ravi_kumar@gmail.com"),
        ("ravi dash kumar at gmail dot com", "ravi-kumar@gmail.com"),
        ("ravi hyphen kumar at gmail dot com", "ravi-kumar@gmail.com"),
        ("ravi plus cars at gmail dot com", "ravi+cars@gmail.com"),
        ("ravi at the rate of gmail dot com", "ravi@gmail.com"),
        ("ravi attherate gmail dot com", "ravi@gmail.com"),
        ("hardik at shree dash motors dot co dot in", "hardik@shree-motors.co.in"),
        ("ravi double o seven at gmail dot com", None),
        ("double o seven at gmail dot com", None),
        ("ravi at gmail dot co double o", None),
    ],
}

# --- noise --------------------------------------------------------------------

# Markers are never part of a value; an address missing a part behind one is
# not read.
NOISE: ValueExamples = {
    "name": [
        ("[noise] this is Suresh Pillai speaking [noise]", "Suresh Pillai"),
        ("Sowmya <unk> Rao", "Sowmya Rao"),
        ("Suresh (unclear)", "Suresh"),
        ("mera naam [inaudible] hai", None),
    ],
    "model": [
        ("I want the Kiger, <unk> turbo CVT", "Renault Kiger"),
    ],
    "email": [
        ("suresh dot pillai at gmail dot com (unclear)", "suresh.pillai@gmail.com"),
        ("sneha at [inaudible] dot com", None),  # the marker hides the domain
        ("rahul [noise] sharma at gmail dot com", None),  # and here a word
        ("[noise] p lakshmi at outlook dot in", "plakshmi@outlook.in"),  # before it
        ("rahul#1 at gmail dot com", None),  # a stray sign hides a part too
        ("rahul - sharma at gmail dot com", None),  # a dash, or punctuation?
        ("email - rahul at gmail dot com", "rahul@gmail.com"),
    ],
}

# --- when unsure, no name -----------------------------------------------------

# Dodges, everyday words and names in another script give no name; a name
# said alone needs a phrase that is nothing but a name, and that evidence
# does not lose the usual ones.
UNSURE_NAMES: ValueExamples = {
    "name": [
        ("I already told you", None),
        ("Why do you need my name?", None),
        ("ਪਹਿਲਾਂ connect ਕਰੋ", None),
        ("मेरा नाम सुरेश है", None),
        ("Network problem", None),
        ("Awaz nahi aa rahi", None),
        ("Signal issue hai", None),
        ("Main gaadi chala raha hoon", None),
        ("Meeting mein hoon", None),
        ("Lunch time hai", None),
        ("Sorry, I didn't get you", None),
        ("My name is not important", None),
        ("Rahul sharma", None),  # written like a sentence, not like a name
        ("Hello sir, Ramesh this side", "Ramesh"),
        ("Rohit nahi, Rahul", "Rahul"),
        ("rahul sharma", "Rahul Sharma"),
        ("Haan ji, RAHUL", "Rahul"),
    ],
}

RULES = {
    "names": NAMES,
    "models": MODELS,
    "emails": EMAILS,
    "correction": CORRECTIONS,
    "several models": SEVERAL_MODELS,
    "slip": SLIPS,
    "spelled": SPELLED,
    "numbers and symbols": NUMBERS_AND_SYMBOLS,
    "noise": NOISE,
    "unsure name": UNSURE_NAMES,
}


@pytest.mark.parametrize(("field", "reply", "value"), value_cases(RULES))
def test_values_as_people_say_them(
    field: str, reply: str, value: str | None, config: AnalysisConfig
) -> None:
    """Each example reply gives the value its rule says, or none."""
    assert RuleExtractor(config).extract(field, reply) == value


def test_readings_say_which_rule_decided(config: AnalysisConfig) -> None:
    """RuleExtractor.read names the rule, never quoting the personal value."""
    extractor = RuleExtractor(config)
    name = extractor.read("name", "Deepak... sorry, no, Dinesh Rao")
    assert (name.value, name.rule) == ("Dinesh Rao", "correction: the final version counts")
    model = extractor.read("model", "I want the Tigo")
    assert model.value is None
    assert model.describe() == ("slip equally close to several entries (Tata Tiago, Tata Tigor)")
    email = extractor.read("email", "ravi at gmail")
    assert email.value is None and email.rule == "no valid address"
    assert "Dinesh" not in name.describe()
