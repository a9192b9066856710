"""Periods: calendar quarters, financial years and calendar years, parsed from the forms partners write."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

QUARTER = "quarter"
FINANCIAL_YEAR = "financial_year"
CALENDAR_YEAR = "calendar_year"

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_name) if name})
_MONTHS["sept"] = 9
_MONTH = r"([A-Za-z]{3,9})\.?"


class PeriodError(ValueError):
    """A period label that cannot be understood."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: str
    label: str

    def __str__(self) -> str:
        return self.label

    @property
    def months(self) -> str:
        """Human span, e.g. 'Oct–Dec 2021'."""
        first, last = calendar.month_abbr[self.start.month], calendar.month_abbr[self.end.month]
        if self.start.year == self.end.year:
            return f"{first}–{last} {self.end.year}"
        return f"{first} {self.start.year}–{last} {self.end.year}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter(year: int, q: int) -> Period:
    if not 1 <= q <= 4:
        raise PeriodError(f"quarter Q{q} does not exist (Q1 to Q4)")
    first = 3 * (q - 1) + 1
    return Period(date(year, first, 1), _month_end(year, first + 2), QUARTER, f"{year}-Q{q}")


def financial_year(start_year: int) -> Period:
    label = f"{start_year}/{(start_year + 1) % 100:02d}"
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31), FINANCIAL_YEAR, label)


def calendar_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), CALENDAR_YEAR, str(year))


def _check_year(year: int) -> int:
    if not 1990 <= year <= 2100:
        raise PeriodError(f"year {year} is outside 1990–2100")
    return year


def _fy_start(first: str, second: str) -> int:
    """'2021', '22' -> 2021, checking the second year follows the first."""
    start = _check_year(int(first))
    end = int(second)
    if (len(second) == 2 and end != (start + 1) % 100) or (len(second) == 4 and end != start + 1):
        raise PeriodError(f"financial year {first}/{second}: the second year must follow the first")
    return start


def _from_months(first_month: int, first_year: int, last_month: int, last_year: int) -> Period:
    """A span of whole months that must be a calendar quarter, a financial year or a calendar year."""
    start, end = date(first_year, first_month, 1), _month_end(last_year, last_month)
    candidates = [
        quarter(first_year, (first_month - 1) // 3 + 1),
        financial_year(first_year),
        calendar_year(first_year),
    ]
    for candidate in candidates:
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    raise PeriodError("the months do not make a calendar quarter, financial year or calendar year")


def _month(name: str) -> int:
    try:
        return _MONTHS[name.lower()]
    except KeyError:
        raise PeriodError(f"{name!r} is not a month") from None


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{4})\s*[-/ ]?\s*Q([1-4])$", re.I), "year_quarter"),
    (re.compile(r"^Q([1-4])\s*[-/ ]?\s*(\d{4})$", re.I), "quarter_year"),
    (re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*Q([1-4])$", re.I), "fy_quarter"),
    (re.compile(r"^(?:FY\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})$", re.I), "fy"),
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(rf"^{_MONTH}\s*[-–]\s*{_MONTH}\s+(\d{{4}})$"), "month_range"),
    (re.compile(rf"^{_MONTH}\s+(\d{{4}})\s*(?:to|[-–])\s*{_MONTH}\s+(\d{{4}})$", re.I), "month_year_range"),
]


def parse_period(text: object) -> Period:
    """Parse any accepted period form ('2021-Q4', 'Q4 2021', 'Oct-Dec 2021', '2021/22 Q3', '2021-22', …)."""
    if not isinstance(text, str) or not text.strip():
        raise PeriodError("period is empty")
    cleaned = re.sub(r"\s+", " ", text.strip())
    for pattern, form in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            return _build(form, match.groups())
    raise PeriodError(f"{text!r} is not a period (use e.g. 2021-Q4, 2021/22 or 2021)")


def _build(form: str, groups: tuple[str, ...]) -> Period:
    if form == "year_quarter":
        return quarter(_check_year(int(groups[0])), int(groups[1]))
    if form == "quarter_year":
        return quarter(_check_year(int(groups[1])), int(groups[0]))
    if form == "fy_quarter":
        start = _fy_start(groups[0], groups[1])
        q = int(groups[2])  # financial Q1 is Apr-Jun, so Q4 is Jan-Mar of the following year
        return quarter(start + 1, 1) if q == 4 else quarter(start, q + 1)
    if form == "fy":
        return financial_year(_fy_start(groups[0], groups[1]))
    if form == "year":
        return calendar_year(_check_year(int(groups[0])))
    if form == "month_range":
        year = _check_year(int(groups[2]))
        first, last = _month(groups[0]), _month(groups[1])
        return _from_months(first, year if first <= last else year - 1, last, year)
    first_year, last_year = _check_year(int(groups[1])), _check_year(int(groups[3]))
    return _from_months(_month(groups[0]), first_year, _month(groups[2]), last_year)


def quarters(first: str, last: str) -> list[Period]:
    """Every calendar quarter from `first` to `last` inclusive."""
    start, end = parse_period(first), parse_period(last)
    result: list[Period] = []
    year, q = start.start.year, (start.start.month - 1) // 3 + 1
    while True:
        period = quarter(year, q)
        if period.start > end.start:
            return result
        result.append(period)
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
