from __future__ import annotations

import math

import pytest

from dashboard import formatting


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (22.128, "percent", "22.1%"),
        (1204, "count", "1,204"),
        (171.93, "rate_per_100000", "171.9 per 100,000"),
        (0.1234, "rate_per_1000", "0.12 per 1,000"),
        (3.756, "ratio", "3.76"),
        (None, "percent", "–"),
        (math.nan, "count", "–"),
    ],
)
def test_value_with_unit(value, unit, text):
    assert formatting.value_with_unit(value, unit) == text


def test_summary_with_counts():
    assert formatting.summary(22.128, 2533, 11447, "percent") == "2,533 of 11,447 (22.1%)"


@pytest.mark.parametrize(
    ("delta", "unit", "text"), [(1.23, "percent", "+1.2 pts"), (-3, "count", "−3"), (0, "ratio", "±0.00")]
)
def test_change(delta, unit, text):
    assert formatting.change(delta, unit) == text


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("-2+3", "'-2+3"),
        ("\tx", "'\tx"),
        ("-3", "-3"),  # a plain negative number stays a number
        ("-1,204.5%", "-1,204.5%"),
        ("-", "-"),  # the missing-value marker
        ("New provider from Feb 2019", "New provider from Feb 2019"),
        (22.1, 22.1),
        (None, None),
    ],
)
def test_spreadsheet_safe(cell, written):
    assert formatting.spreadsheet_safe(cell) == written
