"""Identifiers in free text that should be pseudonymous: pure functions, no database.

Registers (casework, reviews) hold a pseudonymous reference ("Child Q", "ALG-2026-001") where a person
would otherwise be named. Before saving, Vigil warns when such text holds a valid NHS number or looks
like a person's name, and the user must acknowledge the warning (each app words its acknowledgement).

NHS number: ten digits whose last is a Modulus 11 check digit (NHS Data Dictionary, "NHS Number"):
weights 10..2 on the first nine digits; check digit = 11 - (sum mod 11); 11 becomes 0; 10 is never
issued. Written as 10 digits, or 3-3-4 with spaces or dashes.
"""

import re

NHS_NUMBER_PATTERN = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")

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
# A title before a capitalised word ("Mrs Larkwood", "Dr. Fenwick") is a name. Lower case, no full stop.
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "master"})

APOSTROPHES = "'’"
# A capitalised name word: "Jane", "O'Neill", "O’Brien-Hale", "Smith-Jones"; not "Q", "NHS" or "CSPR".
CAPITALISED_WORD = re.compile(rf"^[A-Z](?:[a-z]+|[{APOSTROPHES}][A-Z][a-z]+)(?:[-{APOSTROPHES}][A-Z]?[a-z]+)*$")
WORD = re.compile(rf"[A-Za-z][A-Za-z{APOSTROPHES}-]*")

NHS_NUMBER_MESSAGE = (
    "This holds what looks like a valid NHS number ({number}). Use a pseudonymous reference: "
    "remove it, or confirm it is not an NHS number."
)
NAME_MESSAGE = (
    "“{phrase}” looks like a person's name. Use a pseudonymous reference such as “Child Q” or “Adult R”, "
    "or confirm it is not a real name."
)


def nhs_number_is_valid(digits):
    """True when `digits` is ten digits with a correct Modulus 11 check digit."""
    if not isinstance(digits, str) or len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def valid_nhs_numbers_in(text):
    """The valid NHS numbers in `text`, as ten digits each, in order (part of a longer run of digits: not one)."""
    found = []
    for match in NHS_NUMBER_PATTERN.finditer(text or ""):
        digits = "".join(match.groups())
        if nhs_number_is_valid(digits):
            found.append(digits)
    return found


def contains_nhs_number(text):
    return bool(valid_nhs_numbers_in(text))


def _is_name_word(word):
    return bool(CAPITALISED_WORD.match(word))


def name_like_phrases(text):
    """Phrases of `text` that look like a person's name: a title before a capitalised word ("Mr Smith",
    "seen by Dr Fenwick"), or two capitalised words in a row neither of which belongs to a pseudonym
    pattern ("Jane Smith", "Mrs Ann O'Neill-Lee"; not "Child Rowan", "Young Person B", "ALG-2026-001")."""
    words = [w.rstrip("-" + APOSTROPHES) for w in WORD.findall(text or "")]
    found = []
    for first, second in zip(words, words[1:], strict=False):
        titled = first.lower() in TITLES and _is_name_word(second)
        two_names = (
            _is_name_word(first)
            and _is_name_word(second)
            and first.lower() not in PSEUDONYM_WORDS | TITLES
            and second.lower() not in PSEUDONYM_WORDS
        )
        if titled or two_names:
            found.append(f"{first} {second}")
    return found


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
