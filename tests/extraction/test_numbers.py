"""Vietnamese number writing: dot thousands, decimal comma, leading zeros."""

from __future__ import annotations

import pytest

from pipeline.extraction.numbers import MAX_DIGITS, is_round_denominator, parse_number


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("9,5", 9.5),  # "dưới 9,5%" (001)
        ("6,5", 6.5),
        ("1.000", 1000.0),  # "trên 1.000 trẻ đẻ sống" (001)
        ("100.000", 100000.0),  # "600/100.000 trẻ em" (001)
        ("70.000", 70000.0),
        ("01", 1.0),  # "Bố trí 01 cán bộ" (002)
        ("06", 6.0),
        ("13,5", 13.5),
        ("2.500", 2500.0),
        ("1.5", 1.5),  # a dot not followed by three digits is a decimal point
        ("1.000,5", 1000.5),
        ("95", 95.0),
    ],
)
def test_parse_number(written: str, value: float) -> None:
    assert parse_number(written) == value


@pytest.mark.parametrize("bad", ["", "abc", "9,5%", "1/2", None, "--"])
def test_not_a_number(bad) -> None:
    assert parse_number(bad) is None


def test_round_denominators() -> None:
    assert is_round_denominator(1000.0) and is_round_denominator(100000.0)
    assert not is_round_denominator(600.0)


def test_numbers_too_long_to_be_real_are_rejected() -> None:
    """Issue 19: a 400-digit run is not parsed (it overflowed to infinity)."""
    assert parse_number("9" * 400) is None
    assert parse_number("9" * (MAX_DIGITS + 1)) is None
    assert parse_number("5.200.000.000") == 5_200_000_000.0
