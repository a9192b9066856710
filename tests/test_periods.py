from __future__ import annotations

from datetime import date

import pytest

from dashboard.periods import PeriodError, parse_period, quarters


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2021-Q4", "2021-Q4", date(2021, 10, 1), date(2021, 12, 31)),
        ("2021 Q4", "2021-Q4", date(2021, 10, 1), date(2021, 12, 31)),
        ("2021q4", "2021-Q4", date(2021, 10, 1), date(2021, 12, 31)),
        ("Q4 2021", "2021-Q4", date(2021, 10, 1), date(2021, 12, 31)),
        ("Oct-Dec 2021", "2021-Q4", date(2021, 10, 1), date(2021, 12, 31)),
        ("October–December 2021", "2021-Q4", date(2021, 10, 1), date(2021, 12, 31)),
        ("Oct 2021 to Dec 2021", "2021-Q4", date(2021, 10, 1), date(2021, 12, 31)),
        ("2021/22 Q3", "2021-Q4", date(2021, 10, 1), date(2021, 12, 31)),
        ("2021/22 Q4", "2022-Q1", date(2022, 1, 1), date(2022, 3, 31)),
        ("2021/22 Q1", "2021-Q2", date(2021, 4, 1), date(2021, 6, 30)),
        ("2021/22", "2021/22", date(2021, 4, 1), date(2022, 3, 31)),
        ("2021-22", "2021/22", date(2021, 4, 1), date(2022, 3, 31)),
        ("2016-17", "2016/17", date(2016, 4, 1), date(2017, 3, 31)),
        ("Apr 2021 to Mar 2022", "2021/22", date(2021, 4, 1), date(2022, 3, 31)),
        ("2021", "2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("  2021-Q1 ", "2021-Q1", date(2021, 1, 1), date(2021, 3, 31)),
    ],
)
def test_accepted_period_forms(text, label, start, end):
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("2021-Q5", "not a period"),
        ("2021/23", "must follow"),
        ("Oct-Nov 2021", "do not make"),
        ("Foo-Dec 2021", "not a month"),
        ("1850", "outside"),
        ("yesterday", "not a period"),
        (None, "empty"),
    ],
)
def test_bad_periods_say_why(text, reason):
    with pytest.raises(PeriodError, match=reason):
        parse_period(text)


def test_quarters_span():
    labels = [q.label for q in quarters("2017-Q1", "2024-Q4")]
    assert len(labels) == 32 and labels[0] == "2017-Q1" and labels[-1] == "2024-Q4"


def test_month_span_text():
    assert parse_period("2021-Q4").months == "Oct–Dec 2021"
