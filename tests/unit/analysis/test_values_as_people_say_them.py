"""Contract section 3, "Values as people say them": one test per rule, with
the contract's own examples and the ways Indian phone calls bend them."""

from __future__ import annotations

import pytest

from callpipe.analysis import AnalysisConfig, RuleExtractor
from callpipe.analysis.values import extract_email, extract_model, extract_name

# --- corrections --------------------------------------------------------------


@pytest.mark.parametrize(
    "reply, name",
    [
        ("Deepak... sorry, no, Dinesh Rao", "Dinesh Rao"),  # the contract's example
        ("Deepak... nahi nahi sorry, Dinesh. Dinesh Yadav.", "Dinesh Yadav"),
        ("Ravi Teja... కాదు, sorry, Ravi Kiran", "Ravi Kiran"),
        ("Mrs. Shalini Bhatt... no sorry, Bhatia. B H A T I A. Shalini Bhatia.", "Shalini Bhatia"),
        ("Not Rohit, Rahul", "Rahul"),
        ("Rohit nahi, Rahul", "Rahul"),
        ("my name is not Rahul, it is Rohit", "Rohit"),
    ],
)
def test_the_final_version_of_a_name_counts(reply: str, name: str, config: AnalysisConfig) -> None:
    """After a correction the customer's last version is the name."""
    assert extract_name(reply, config) == name


@pytest.mark.parametrize(
    "reply, model",
    [
        ("Venue nahi, Sonet chahiye", "Kia Sonet"),  # the contract's example
        ("Seltos... ਨਹੀਂ ਨਹੀਂ, Sonet ਚਾਹੀਦੀ ਹੈ", "Kia Sonet"),
        ("XUV 3XO... కాదు కాదు, XUV 7OO కావాలి", "Mahindra XUV700"),
        ("Thar... nahi, Thar Roxx chahiye", "Mahindra Thar Roxx"),
        ("Tiago, sorry Tigor", "Tata Tigor"),
        ("Kushaq જોઈએ છે, Kylaq નહીં", "Skoda Kushaq"),
    ],
)
def test_the_final_version_of_a_model_counts(
    reply: str, model: str, config: AnalysisConfig
) -> None:
    """'X nahi, Y', 'X... sorry, Y', 'Y chahiye, X nahi': Y."""
    assert extract_model(reply, config) == model


def test_the_final_version_of_an_email_counts(config: AnalysisConfig) -> None:
    """Of two addresses in one reply, the last one is the customer's final version."""
    reply = "kavya reddy at gmail dot com, sorry no, it is kavya dot reddy at hotmail dot com"
    assert extract_email(reply, config) == "kavya.reddy@hotmail.com"


# --- several models -----------------------------------------------------------


@pytest.mark.parametrize(
    "reply, model",
    [
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
    ],
)
def test_the_wanted_model_not_one_owned_disliked_or_compared(
    reply: str, model: str, config: AnalysisConfig
) -> None:
    """Owned, refused and merely compared models are not the answer."""
    assert extract_model(reply, config) == model


@pytest.mark.parametrize(
    "reply",
    [
        "Creta-வா Venue-வா தெரியல",  # Creta or Venue, I don't know
        "Baleno or Fronx, not sure",
        "I want the Creta or the Seltos",
        "Seltos aur Sonet dono pasand hai",
        "mere paas Creta hai",  # the only model named is one they have
        "Creta nahi chahiye",
    ],
)
def test_no_model_when_the_customer_has_not_chosen(reply: str, config: AnalysisConfig) -> None:
    """Undecided, only owned or only refused: no model (when unsure, "")."""
    assert extract_model(reply, config) is None


# --- speech-to-text slips -----------------------------------------------------


@pytest.mark.parametrize(
    "reply, model",
    [
        ("Harriar", "Tata Harrier"),  # the contract's examples
        ("XL 6", "Maruti Suzuki XL6"),
        ("XUV 7OO", "Mahindra XUV700"),  # a letter O for a zero
        ("grandvitara chahiye", "Maruti Suzuki Grand Vitara"),  # joined words
        ("Vagon R", "Maruti Suzuki Wagon R"),
        ("Seltoss diesel", "Kia Seltos"),
        ("Sonnet", "Kia Sonet"),
        ("Kodiak", "Skoda Kodiaq"),
        ("Kreta", "Hyundai Creta"),  # a first letter that sounds the same
        ("Creta SX diesel automatic", "Hyundai Creta"),  # variant words do not stop it
        ("Nexon EV long range", "Tata Nexon EV"),
    ],
)
def test_a_slip_close_to_one_entry_finds_it(reply: str, model: str, config: AnalysisConfig) -> None:
    """Letter/digit confusions, split or joined words and small misspellings."""
    assert extract_model(reply, config) == model


@pytest.mark.parametrize(
    "reply",
    [
        "I want the Tigo",  # Tiago and Tigor: one edit each
        "I want the Kigor",  # Kiger and Tigor, whatever the first letter
        "Kia EV 8",  # EV6 and EV9: digits never slip
        "Scorpio chahiye",  # Scorpio N or Scorpio Classic
        "The Innova, seven seater",  # Crysta or Hycross
        "Urban Cruiser",  # Taisor or Hyryder
        "Thaar",  # four letters may not slip ("that", "than")
        "lunch ke baad",  # one edit from Punch, but another first letter
    ],
)
def test_a_slip_or_a_shared_name_equally_close_to_two_entries_is_no_model(
    reply: str, config: AnalysisConfig
) -> None:
    """Two entries that close, or a name two models share: no model."""
    assert extract_model(reply, config) is None


# --- letters said one by one, initials, words said twice, honorifics ------------


@pytest.mark.parametrize(
    "reply, name",
    [
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
        ("Sir, ਮੇਰਾ ਨਾਮ Amandeep Brar ਹੈ", "Amandeep Brar"),
        ("Suresh naam hai mera", "Suresh"),
        ("ਮੇਰਾ ਨਾਂ Gurpreet Singh Sandhu ਹੈ.", "Gurpreet Singh Sandhu"),
    ],
)
def test_names_as_people_say_them(reply: str, name: str, config: AnalysisConfig) -> None:
    """Spelled letters joined, initials kept upper case, repeats and titles dropped."""
    assert extract_name(reply, config) == name


@pytest.mark.parametrize(
    "reply, email",
    [
        ("a n i l at gmail dot com", "anil@gmail.com"),  # the contract's example
        ("a n i l k at gmail dot com", "anilk@gmail.com"),  # 'a' and 'i' are letters here
        ("k s reddy at sify dot com", "ksreddy@sify.com"),
        ("m double e n a at gmail dot com", "meena@gmail.com"),
        ("capital A n i l at gmail dot com", "anil@gmail.com"),
    ],
)
def test_letters_said_one_by_one_in_emails(reply: str, email: str, config: AnalysisConfig) -> None:
    """Letters run together like any spoken words; 'capital' is no part of them."""
    assert extract_email(reply, config) == email


# --- numbers said as words and spoken symbols ---------------------------------


@pytest.mark.parametrize(
    "reply, email",
    [
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
    ],
)
def test_numbers_and_symbols_said_as_words(reply: str, email: str, config: AnalysisConfig) -> None:
    """Digits, double/triple, tens and teens, and spoken symbols in an address."""
    assert extract_email(reply, config) == email


@pytest.mark.parametrize(
    "reply",
    [
        "ravi double o seven at gmail dot com",
        "double o seven at gmail dot com",
        "ravi at gmail dot co double o",
    ],
)
def test_double_o_is_unsure_so_no_address(reply: str, config: AnalysisConfig) -> None:
    """'double o seven' may be oo7 or 007: the address is not read."""
    assert extract_email(reply, config) is None


# --- noise --------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, reply, value",
    [
        ("name", "[noise] this is Suresh Pillai speaking [noise]", "Suresh Pillai"),
        ("name", "Sowmya <unk> Rao", "Sowmya Rao"),
        ("name", "Suresh (unclear)", "Suresh"),
        ("name", "mera naam [inaudible] hai", None),
        ("model", "I want the Kiger, <unk> turbo CVT", "Renault Kiger"),
        ("email", "suresh dot pillai at gmail dot com (unclear)", "suresh.pillai@gmail.com"),
        ("email", "sneha at [inaudible] dot com", None),  # the marker hides the domain
        ("email", "rahul [noise] sharma at gmail dot com", None),  # and here a word
        ("email", "[noise] p lakshmi at outlook dot in", "plakshmi@outlook.in"),  # before it
        ("email", "rahul#1 at gmail dot com", None),  # a stray sign hides a part too
        ("email", "rahul - sharma at gmail dot com", None),  # a dash, or punctuation?
        ("email", "email - rahul at gmail dot com", "rahul@gmail.com"),
    ],
)
def test_noise_markers_are_never_part_of_a_value(
    field: str, reply: str, value: str | None, config: AnalysisConfig
) -> None:
    """Markers are dropped; an address missing a part behind one is not read."""
    assert RuleExtractor(config).extract(field, reply) == value


@pytest.mark.parametrize(
    "reply",
    ["I already told you", "Why do you need my name?", "ਪਹਿਲਾਂ connect ਕਰੋ", "मेरा नाम सुरेश है"],
)
def test_when_unsure_no_name(reply: str, config: AnalysisConfig) -> None:
    """Dodges, everyday words and names in another script give no name."""
    assert extract_name(reply, config) is None


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


@pytest.mark.parametrize(
    "reply",
    [
        "Network problem",
        "Awaz nahi aa rahi",
        "Signal issue hai",
        "Main gaadi chala raha hoon",
        "Meeting mein hoon",
        "Lunch time hai",
        "Sorry, I didn't get you",
        "My name is not important",
        "Rahul sharma",  # written like a sentence, not like a name
    ],
)
def test_everyday_phrases_in_a_name_window_are_no_name(reply: str, config: AnalysisConfig) -> None:
    """A name said alone needs a phrase that is nothing but a name: when unsure, none."""
    assert extract_name(reply, config) is None


@pytest.mark.parametrize(
    "reply, name",
    [
        ("Hello sir, Ramesh this side", "Ramesh"),
        ("Rohit nahi, Rahul", "Rahul"),
        ("rahul sharma", "Rahul Sharma"),
        ("Haan ji, RAHUL", "Rahul"),
    ],
)
def test_names_said_alone_still_read(reply: str, name: str, config: AnalysisConfig) -> None:
    """The evidence a name said alone needs does not lose the usual ones."""
    assert extract_name(reply, config) == name


@pytest.mark.parametrize(
    "reply",
    [
        "Swift hai already, upgrade karna hai",  # the one they have
        "Alto se upgrade karna hai",
        "Punch se bada",  # compared: bigger than the Punch
        "Nexon jaisi koi",  # something like the Nexon
        "Creta type ki gaadi",
        "I want something like the Creta",
    ],
)
def test_a_model_only_owned_or_compared_is_no_answer(reply: str, config: AnalysisConfig) -> None:
    """Owning, upgrading from and comparing with a model is not wanting it."""
    assert extract_model(reply, config) is None
