"""National Provider Identifier check: 10 digits, the last a Luhn check digit over 80840 + the first 9."""

NPI_PREFIX = "80840"  # the health industry prefix the NPI standard adds before the Luhn check


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def npi_problem(value: str) -> str | None:
    """None when `value` is a well-formed NPI, else what is wrong with it, in words."""
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return "An NPI is exactly 10 digits."
    if not luhn_ok(NPI_PREFIX + value):
        return "This is not a valid NPI: its check digit (the last digit) does not match."
    return None
