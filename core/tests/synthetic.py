"""Synthetic NHS numbers for tests: built in the NHS test range (999 000 0000 to 999 999 9999), never a
real person's. The check digit is computed here independently of core.identifiers, so tests compare the
validator with a second implementation."""


def check_digit(nine):
    """The Modulus 11 check digit for nine digits, or None when it would be 10 (such numbers are never issued)."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def synthetic_nhs_number(nine):
    """`nine` digits followed by their check digit, or None when no check digit exists."""
    check = check_digit(nine)
    return None if check is None else f"{nine}{check}"


def first_synthetic_nhs_number(start=999_000_000):
    """The first valid number whose first nine digits are `start` or after (default: the test range)."""
    for base in range(start, start + 100):
        if number := synthetic_nhs_number(f"{base:09d}"):
            return number
    raise AssertionError("no valid number")
