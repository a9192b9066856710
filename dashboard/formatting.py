"""Consistent number formats for every screen, export and the command line (22.1%, 1,204, 171.9 per 100,000)."""

from __future__ import annotations

import math
import re

UNIT_SUFFIX = {
    "percent": "%",
    "rate_per_1000": " per 1,000",
    "rate_per_100000": " per 100,000",
    "count": "",
    "ratio": "",
    "days": " days",
}
UNIT_LABEL = {
    "percent": "Percentage",
    "rate_per_1000": "Rate per 1,000",
    "rate_per_100000": "Rate per 100,000",
    "count": "Count",
    "ratio": "Ratio",
    "days": "Days",
}
MISSING = "–"


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def decimals(unit: str, value: float | None = None) -> int:
    """How many decimal places a value of this unit is shown with."""
    if unit == "count":
        return 0
    if unit == "ratio":
        return 2
    if unit == "rate_per_1000" and value is not None and abs(value) < 10:
        return 2
    return 1


def number(value: float | None, unit: str) -> str:
    """The bare number, e.g. '22.1' or '1,204'."""
    if is_missing(value):
        return MISSING
    assert value is not None
    return f"{value:,.{decimals(unit, value)}f}"


def value_with_unit(value: float | None, unit: str) -> str:
    """The number with its unit, e.g. '22.1%' or '171.9 per 100,000'."""
    if is_missing(value):
        return MISSING
    return number(value, unit) + UNIT_SUFFIX.get(unit, "")


def interval(lower: float | None, upper: float | None, unit: str) -> str:
    if is_missing(lower) or is_missing(upper):
        return ""
    return f"{number(lower, unit)}{UNIT_SUFFIX.get(unit, '')}–{number(upper, unit)}{UNIT_SUFFIX.get(unit, '')}"


def count(value: float | None) -> str:
    return MISSING if is_missing(value) else f"{value:,.0f}"


def summary(value: float | None, numerator: float | None, denominator: float | None, unit: str) -> str:
    """'2,533 of 11,447 (22.1%)' for percentages with counts, otherwise the value with its unit."""
    if unit == "percent" and not is_missing(numerator) and not is_missing(denominator):
        return f"{count(numerator)} of {count(denominator)} ({value_with_unit(value, unit)})"
    return value_with_unit(value, unit)


def change(delta: float | None, unit: str) -> str:
    """Signed change, in percentage points for percentages: '+1.2 pts', '−3'."""
    if is_missing(delta):
        return MISSING
    assert delta is not None
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    text = number(abs(delta), unit)
    return f"{sign}{text} pts" if unit == "percent" else f"{sign}{text}"


_PLAIN_NEGATIVE = re.compile(r"-[\d\s.,]*%?")


def spreadsheet_safe(cell: object) -> object:
    """A cell as a spreadsheet will not run it (CSV injection): text starting like a formula (`=`, `+`, `@`, a tab
    or carriage return, or `-` other than a plain negative number) gets a leading apostrophe. For every file we
    write that people open in Excel: the rejected-rows file now, exports too."""
    if not isinstance(cell, str):
        return cell
    if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not _PLAIN_NEGATIVE.fullmatch(cell)):
        return "'" + cell
    return cell
