"""NHS numbers and name-like phrases in text that should be pseudonymous (moved here from the casework
and reviews rule tests: both apps now use core.identifiers). Synthetic numbers only (999 test range)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import identifiers
from core.tests.synthetic import check_digit, synthetic_nhs_number

# Nine digits in the NHS test range: 999 followed by six generated digits.
test_range_nines = st.integers(min_value=0, max_value=999_999).map(lambda n: f"999{n:06d}")
valid_numbers = test_range_nines.map(synthetic_nhs_number).filter(bool)


def layouts(number):
    return (
        number,
        f"{number[:3]} {number[3:6]} {number[6:]}",
        f"ref {number[:3]}-{number[3:6]}-{number[6:]}",
        f"Seen under {number[:3]} {number[3:6]} {number[6:]} at the unit",
    )


class TestNhsNumbers:
    @given(valid_numbers)
    def test_generated_valid_numbers_are_always_found_in_any_common_layout(self, number):
        assert identifiers.nhs_number_is_valid(number)
        for text in layouts(number):
            assert identifiers.valid_nhs_numbers_in(text) == [number]
            assert identifiers.contains_nhs_number(text)
            assert list(identifiers.identifier_warnings({"subject_reference": text})) == ["subject_reference"]

    @given(valid_numbers, st.integers(1, 9))
    def test_a_wrong_check_digit_is_never_found(self, number, shift):
        wrong = number[:9] + str((int(number[9]) + shift) % 10)
        assert not identifiers.nhs_number_is_valid(wrong)
        for text in layouts(wrong):
            assert identifiers.valid_nhs_numbers_in(text) == []
            assert not identifiers.contains_nhs_number(text)
            assert identifiers.identifier_warnings({"summary": text}) == {}

    @given(test_range_nines)
    def test_any_one_digit_change_of_a_valid_number_is_not_valid(self, nine):
        number = synthetic_nhs_number(nine)
        if number is None:
            assert not any(identifiers.nhs_number_is_valid(nine + str(d)) for d in range(10))
            return
        assert identifiers.nhs_number_is_valid(number)
        for position in range(10):
            for digit in "0123456789":
                if digit != number[position]:
                    changed = number[:position] + digit + number[position + 1 :]
                    assert not identifiers.nhs_number_is_valid(changed)

    def test_a_check_digit_of_ten_is_never_valid(self):
        nine = next(f"999{n:06d}" for n in range(1000) if check_digit(f"999{n:06d}") is None)
        assert not any(identifiers.nhs_number_is_valid(nine + str(d)) for d in range(10))

    def test_a_check_digit_of_eleven_becomes_zero(self):
        nine = next(f"999{n:06d}" for n in range(1000) if check_digit(f"999{n:06d}") == 0)
        assert identifiers.nhs_number_is_valid(nine + "0")

    def test_numbers_are_found_with_spaces_or_dashes_but_not_inside_longer_runs_of_digits(self):
        assert identifiers.valid_nhs_numbers_in("ref 999 000 0018 seen") == ["9990000018"]
        assert identifiers.valid_nhs_numbers_in("999-000-0026") == ["9990000026"]
        assert identifiers.valid_nhs_numbers_in("9990000019") == []  # wrong check digit
        assert identifiers.valid_nhs_numbers_in("99900000181") == []  # eleven digits
        assert identifiers.valid_nhs_numbers_in("19990000018") == []
        assert identifiers.valid_nhs_numbers_in("9990000018 and 999-000-0026") == ["9990000018", "9990000026"]

    @pytest.mark.parametrize(
        "value", ["999000001", "99900000180", "999000001x", "９９９０００００１８", None, 9990000018]
    )
    def test_only_ten_ascii_digits_can_be_valid(self, value):
        assert not identifiers.nhs_number_is_valid(value)


class TestNames:
    @pytest.mark.parametrize(
        "text",
        [
            "Jane Smith",
            "Mrs Ann O'Neill-Lee",
            "Tomasz Wrenfold",
            "Mrs Larkwood",
            "Mr Smith",
            "Mr. Smith",
            "seen by Dr Fenwick",
            "Tomas O'Brien-Hale",
            "Tomas O’Brien",
            "'Jane Smith'",
            "Child A (sibling of Jane Smith)",
        ],
    )
    def test_a_title_before_a_name_or_two_capitalised_words_warn(self, text):
        assert identifiers.name_like_phrases(text)
        assert identifiers.looks_like_a_name(text)
        assert "looks like a person's name" in identifiers.identifier_warnings({"x": text})["x"]

    @pytest.mark.parametrize(
        "text",
        [
            "ALG-2026-001",
            "Child A",
            "Baby Two",
            "Young Person B",
            "family 12",
            "CSC-77",
            "Child Q",
            "Adult R",
            "Baby T and Family Z",
            "Child Rowan",
            "CSPR 2026/3",
            "q",
            "Patient H",
            "Young person B",
            "",
            None,
        ],
    )
    def test_pseudonym_patterns_do_not_warn(self, text):
        assert identifiers.name_like_phrases(text) == []
        assert not identifiers.looks_like_a_name(text)
        assert identifiers.identifier_warnings({"subject_reference": text}) == {}

    def test_the_phrase_that_looks_like_a_name_is_quoted(self):
        assert identifiers.name_like_phrases("seen by Dr Fenwick") == ["Dr Fenwick"]
        assert identifiers.identifier_warnings({"x": "seen by Dr Fenwick"})["x"].startswith("“Dr Fenwick”")


class TestWarnings:
    def test_warnings_name_the_field_and_say_what_to_do(self):
        warnings = identifiers.identifier_warnings({"subject_reference": "Jane Smith", "summary": "NHS 999 000 0018"})
        assert "looks like a person's name" in warnings["subject_reference"]
        assert "pseudonymous reference" in warnings["subject_reference"]
        assert "valid NHS number (9990000018)" in warnings["summary"]
        assert "pseudonymous reference" in warnings["summary"]
        assert identifiers.identifier_warnings({"subject_reference": "Child Q", "summary": ""}) == {}

    def test_an_nhs_number_is_reported_before_a_name_in_the_same_field(self):
        warning = identifiers.identifier_warnings({"x": "Jane Smith 999 000 0018"})["x"]
        assert "valid NHS number" in warning and "person's name" not in warning


class TestEvasion:
    """Identifier warnings are hard to fool (issue 9 item 7): case, fullwidth and look-alike letters,
    invisible characters, any separators between digits and non-ASCII digits all still warn."""

    @pytest.mark.parametrize(
        "text",
        [
            "JOHN SMITH",
            "john smith",
            "John smith",
            "Ｊｏｈｎ Ｓｍｉｔｈ",  # fullwidth
            "Јоhn Ѕmith",  # Cyrillic look-alikes
            "Jo\u200bhn Sm\u200dith",  # zero-width space and joiner
            "MRS LARKWOOD",
            "mrs larkwood",
            "José Álvarez",
            "the allegation concerns JANE LARKWOOD on ward 3",
        ],
    )
    def test_disguised_names_warn(self, text):
        assert "looks like a person's name" in identifiers.identifier_warnings({"summary": text})["summary"]

    @pytest.mark.parametrize(
        "text",
        [
            "943.476.5919",
            "943/476/5919",
            "9 4 3 4 7 6 5 9 1 9",
            "943\u200b476\u200b5919",
            "٩٤٣٤٧٦٥٩١٩",  # Arabic-Indic digits
            "९४३४७६५९१९",  # Devanagari digits
            "９４３ ４７６ ５９１９",  # fullwidth
            "NHS no: 943 - 476 - 5919.",
        ],
    )
    def test_disguised_nhs_numbers_warn(self, text):
        assert identifiers.valid_nhs_numbers_in(text) == ["9434765919"]

    @pytest.mark.parametrize(
        "text",
        [
            "The Named Nurse spoke to the Social Worker on Monday and the Head of Service agreed a plan.",
            "Advice given: refer to MASH, inform the LADO, CHILD PROTECTION PLAN AGREED.",
            "The young person will miss appointments; may need Early Help.",
            "Seen on 12/03/2024 at 10:15 by the Designated Nurse.",
            "Child Rowan",
            "99900000181",  # eleven digits
            "943.476.5918",  # wrong check digit
        ],
    )
    def test_ordinary_professional_text_does_not_warn(self, text):
        assert identifiers.identifier_warnings({"advice_given": text}) == {}


SEPARATORS = st.sampled_from(["", " ", "-", ".", "/", " - ", "\u200b", "\u00a0", "_", ":"])
DIGIT_SETS = st.sampled_from(["0123456789", "٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "０１２３４５６７８９", "০১২৩৪৫৬৭৮৯"])
SYNTHETIC_SURNAMES = ["Larkwood", "Wrenfold", "Fenwick", "Ashcombe", "Thornbury"]
FIRST_NAMES = ["John", "Jane", "Olivia", "Mohammed", "Tomasz", "Priya"]


def _disguise_letters(word, draw_ops):
    fullwidth, homoglyph, zero_width = draw_ops
    if homoglyph:
        word = word.translate(str.maketrans({"o": "о", "a": "а", "e": "е", "J": "Ј", "S": "Ѕ", "p": "р"}))
    if fullwidth:
        word = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in word)
    if zero_width and len(word) > 2:
        word = word[:2] + "\u200b" + word[2:]
    return word


@given(
    first=st.sampled_from(FIRST_NAMES),
    surname=st.sampled_from(SYNTHETIC_SURNAMES),
    case=st.sampled_from([str.upper, str.lower, str.title, lambda s: s]),
    ops=st.tuples(st.booleans(), st.booleans(), st.booleans()),
    before=st.sampled_from(["", "concern raised about ", "Allegation: ", "the nurse said "]),
)
def test_hypothesis_disguised_names_always_warn(first, surname, case, ops, before):
    text = before + _disguise_letters(case(f"{first} {surname}"), ops)
    assert identifiers.looks_like_a_name(text), text


@given(valid_numbers, st.lists(SEPARATORS, min_size=9, max_size=9), DIGIT_SETS, st.sampled_from(["", "ref ", "NHS "]))
def test_hypothesis_disguised_nhs_numbers_always_warn(number, separators, digit_set, before):
    disguised = number[0] + "".join(sep + digit for sep, digit in zip(separators, number[1:], strict=True))
    disguised = disguised.translate(str.maketrans("0123456789", digit_set))
    assert identifiers.valid_nhs_numbers_in(before + disguised + " seen") == [number]
