"""The Wilson score interval (Wilson 1927) of the health equity report, against the values Newcombe
published (Statistics in Medicine 17 (1998) 857-872, table I, method 3). Pure: no database."""

import pytest

from coverage_app.lib.equity import wilson


@pytest.mark.parametrize(
    ("successes", "n", "lower", "upper"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0000),
        (0, 10, 0.0000, 0.2775),  # z^2 / (n + z^2)
        (10, 10, 0.7225, 1.0000),
    ],
)
def test_it_matches_the_published_intervals(successes, n, lower, upper):
    low, high = wilson(successes, n)
    assert (round(low, 4), round(high, 4)) == (lower, upper)


def test_it_keeps_the_edges_exact():
    assert wilson(0, 10)[0] == 0.0
    assert wilson(10, 10)[1] == 1.0


def test_it_narrows_with_a_smaller_z():
    assert wilson(81, 263, z=1.0)[0] > wilson(81, 263)[0]


@pytest.mark.parametrize(("successes", "n"), [(0, 0), (3, 2), (-1, 5)])
def test_it_refuses_what_has_no_interval(successes, n):
    with pytest.raises(ValueError):
        wilson(successes, n)
