"""Identifiers in free text that should be pseudonymous: pure functions, no database.

Registers (casework, reviews) hold a pseudonymous reference ("Child Q", "ALG-2026-001") where a person
would otherwise be named, and free text (what was alleged, advice given) that should name no one. Before
saving, Vigil warns when such text holds a valid NHS number or looks like a person's name, and the user
must acknowledge the warning (each app words its acknowledgement).

Text is normalised first, so that a warning is hard to fool (issue 9): Unicode NFKC (fullwidth letters and
digits), invisible format characters removed (zero-width space and joiners, soft hyphen, direction marks),
look-alike Cyrillic and Greek letters read as Latin, accents dropped for the name check, and every Unicode
decimal digit read as its ASCII digit.

NHS number: ten digits whose last is a Modulus 11 check digit (NHS Data Dictionary, "NHS Number"):
weights 10..2 on the first nine digits; check digit = 11 - (sum mod 11); 11 becomes 0; 10 is never
issued. Found whatever separates its digits ("943 476 5919", "943.476.5919", "9 4 3 4 7 6 5 9 1 9"): up
to three non-alphanumeric characters between groups of digits.

Names: a title before a word ("Mr Smith", "MRS SMITH"), two capitalised words neither of which belongs to a
pseudonym pattern or to the service's everyday vocabulary ("Jane Smith"; not "Child Rowan", "Named Nurse"),
or a common forename in any case followed by another word ("john smith", "JOHN SMITH").
"""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

FORENAMES_FILE = Path(__file__).parent / "data" / "forenames.txt"

# Look-alike letters (Unicode confusables) read as the Latin letter they imitate.
HOMOGLYPHS = str.maketrans(
    {
        **dict(zip("АВЕЅІЈКМНОРСТХУаеіјорсхуѕԁһԛԝ", "ABESIJKMHOPCTXYaeijopcxysdhqw", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοιυνκτρ", "ABEZHIKMNOPTYXaoiuvktp", strict=True)),
    }
)

# Words of pseudonym patterns ("Child Q", "Young Person B", "Family Z", "Baby T and Family Z"): a phrase
# containing one is not a name. Lower case.
PSEUDONYM_WORDS = frozenset(
    {
        "adult",
        "and",
        "baby",
        "boy",
        "carer",
        "case",
        "child",
        "children",
        "client",
        "family",
        "father",
        "girl",
        "infant",
        "man",
        "member",
        "mother",
        "of",
        "parent",
        "parents",
        "patient",
        "person",
        "review",
        "service",
        "sibling",
        "siblings",
        "staff",
        "subject",
        "the",
        "unborn",
        "user",
        "victim",
        "woman",
        "young",
    }
)
# Capitalised words of the service's own vocabulary (posts, teams, agencies, days, months): "Named Nurse",
# "Social Care", "Monday Morning" are not names. Lower case.
SERVICE_WORDS = frozenset(
    [
        "a",
        "abuse",
        "acute",
        "adults",
        "advice",
        "agency",
        "allegation",
        "allegations",
        "ambulance",
        "an",
        "april",
        "assessment",
        "at",
        "august",
        "authority",
        "board",
        "by",
        "care",
        "centre",
        "chair",
        "children's",
        "clinical",
        "commissioner",
        "committee",
        "community",
        "conference",
        "council",
        "court",
        "cqc",
        "criminal",
        "daily",
        "dbs",
        "december",
        "department",
        "deputy",
        "designated",
        "director",
        "doctor",
        "domestic",
        "during",
        "early",
        "emergency",
        "executive",
        "february",
        "for",
        "friday",
        "from",
        "general",
        "gp",
        "group",
        "guardian",
        "head",
        "health",
        "help",
        "hospital",
        "icb",
        "in",
        "information",
        "investigation",
        "january",
        "july",
        "june",
        "lado",
        "lead",
        "local",
        "manager",
        "march",
        "mash",
        "may",
        "meeting",
        "mental",
        "midwife",
        "monday",
        "multi",
        "named",
        "national",
        "nhs",
        "no",
        "not",
        "november",
        "nurse",
        "october",
        "officer",
        "on",
        "or",
        "out",
        "panel",
        "partnership",
        "plan",
        "police",
        "practice",
        "practitioner",
        "primary",
        "professional",
        "protection",
        "referral",
        "safeguarding",
        "saturday",
        "school",
        "secondary",
        "senior",
        "september",
        "social",
        "sunday",
        "support",
        "team",
        "thursday",
        "to",
        "trust",
        "tuesday",
        "unit",
        "visitor",
        "ward",
        "wednesday",
        "with",
        "worker",
    ]
)
# A title before a word is a name. Lower case, no full stop. "miss" and "master" are titles only before a
# capitalised word ("miss appointments" is not a name).
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "master"})
TITLES_IN_ANY_CASE = TITLES - {"miss", "master"}
# Short all-capital words of the service that are never names.
ACRONYMS = frozenset({"ICB", "NHS", "LADO", "CSPR", "SAR", "DHR", "DBS", "GP", "CQC", "MASH", "FGM", "CSE", "PIPOT"})
# Words after a forename that do not make it a full name ("john was seen").
FOLLOWING_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "said",
        "she",
        "that",
        "the",
        "their",
        "they",
        "this",
        "to",
        "was",
        "were",
        "who",
        "will",
        "with",
    ]
)

APOSTROPHES = "'’"
# A capitalised name word: "Jane", "O'Neill", "O’Brien-Hale", "Smith-Jones"; not "Q", "NHS" or "CSPR".
CAPITALISED_WORD = re.compile(rf"^[A-Z](?:[a-z]+|[{APOSTROPHES}][A-Z][a-z]+)(?:[-{APOSTROPHES}][A-Z]?[a-z]+)*$")
WORD = re.compile(rf"[A-Za-z][A-Za-z{APOSTROPHES}-]*")
DIGIT_GROUP = re.compile(r"\d+", re.ASCII)
MAX_SEPARATOR = 3  # characters between two groups of an NHS number's digits

NHS_NUMBER_MESSAGE = (
    "This holds what looks like a valid NHS number ({number}). Use a pseudonymous reference: "
    "remove it, or confirm it is not an NHS number."
)
NAME_MESSAGE = (
    "“{phrase}” looks like a person's name. Use a pseudonymous reference such as “Child Q” or “Adult R”, "
    "or confirm it is not a real name."
)


def normalise(text):
    """Text as it reads: NFKC, invisible format characters removed, look-alike letters read as Latin and every
    Unicode decimal digit as an ASCII digit."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.translate(HOMOGLYPHS)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


def _without_accents(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@lru_cache(maxsize=1)
def forenames():
    lines = FORENAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def nhs_number_is_valid(digits):
    """True when `digits` is ten digits with a correct Modulus 11 check digit."""
    if not isinstance(digits, str) or len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _digit_chains(text):
    """Runs of digit groups separated only by short runs of separators (no letters): [[group, ...], ...]."""
    chains, chain, last_end = [], [], None
    for match in DIGIT_GROUP.finditer(text):
        gap = text[last_end : match.start()] if last_end is not None else None
        joined = gap is not None and len(gap) <= MAX_SEPARATOR and not any(ch.isalnum() for ch in gap)
        if chain and not joined:
            chains.append(chain)
            chain = []
        chain.append(match.group())
        last_end = match.end()
    if chain:
        chains.append(chain)
    return chains


def valid_nhs_numbers_in(text):
    """The valid NHS numbers in `text`, as ten digits each, in order: consecutive groups of digits that make
    exactly ten (a group of more than ten digits is never one)."""
    found = []
    for chain in _digit_chains(normalise(text)):
        for start in range(len(chain)):
            digits = ""
            for group in chain[start:]:
                digits += group
                if len(digits) >= 10:
                    break
            if len(digits) == 10 and nhs_number_is_valid(digits) and digits not in found:
                found.append(digits)
    return found


def contains_nhs_number(text):
    return bool(valid_nhs_numbers_in(text))


def _capitalised(word):
    """A capitalised name word, or an all-capital word that would be one ("SMITH"; not "NHS")."""
    if CAPITALISED_WORD.match(word):
        return True
    return word.isupper() and len(word) > 1 and word not in ACRONYMS and bool(CAPITALISED_WORD.match(word.title()))


def _ordinary(word):
    lower = word.lower()
    return lower in PSEUDONYM_WORDS or lower in SERVICE_WORDS or lower in TITLES


def _name_pair(first, second):
    lower_first = first.lower()
    if lower_first in TITLES and (_capitalised(second) or lower_first in TITLES_IN_ANY_CASE):
        return not _ordinary(second) or _capitalised(second)
    if _ordinary(first) or _ordinary(second):
        return False
    if lower_first in forenames():
        return second.lower() not in FOLLOWING_STOP_WORDS
    mixed_case = CAPITALISED_WORD.match(first) and CAPITALISED_WORD.match(second)
    return bool(mixed_case) or (_capitalised(first) and _capitalised(second) and second.lower() in forenames())


def name_like_phrases(text):
    """Phrases of `text` that look like a person's name: a title before a word ("Mr Smith", "seen by DR
    FENWICK"), two capitalised words in a row neither of which belongs to a pseudonym pattern or the service's
    vocabulary ("Jane Smith", "Mrs Ann O'Neill-Lee"; not "Child Rowan", "Named Nurse", "ALG-2026-001"), or a
    common forename in any case before another word ("john smith", "JOHN SMITH")."""
    words = [w.rstrip("-" + APOSTROPHES) for w in WORD.findall(_without_accents(normalise(text)))]
    return [f"{first} {second}" for first, second in zip(words, words[1:], strict=False) if _name_pair(first, second)]


def looks_like_a_name(text):
    return bool(name_like_phrases(text))


def identifier_warnings(fields):
    """{field: message} for each free-text field ({field: text}) holding a valid NHS number or a name-like
    phrase (the NHS number first: it identifies a person outright). Empty when every field is pseudonymous."""
    warnings = {}
    for field, text in fields.items():
        if numbers := valid_nhs_numbers_in(text):
            warnings[field] = NHS_NUMBER_MESSAGE.format(number=numbers[0])
        elif phrases := name_like_phrases(text):
            warnings[field] = NAME_MESSAGE.format(phrase=phrases[0])
    return warnings
