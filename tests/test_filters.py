from __future__ import annotations

import pytest

from dashboard.filters import Known, ViewFilter, parse_query

KNOWN = Known(
    measures={"REC01": "Adult proven reoffending rate", "YTH02": "Youth proven reoffending rate"},
    areas={"E23000039": "Pan-Dorset", "E06000059": "Dorset", "K04000001": "England and Wales"},
    cohorts={"all": "All people", "sex=male": "Male", "sex=female": "Female"},
    periods=("2021-Q3", "2021-Q4", "2021/22", "2022-Q1"),
    themes={"youth": "Youth"},
    dimensions={"sex": "Sex"},
)
DEFAULTS = ViewFilter(area="E23000039", comparator="K04000001")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, DEFAULTS),
        ({"area": "E06000059"}, DEFAULTS.replace(area="E06000059")),
        ({"measure": "rec01"}, DEFAULTS.replace(measure="REC01")),
        ({"cohort": "sex=male", "ci": "99.8"}, DEFAULTS.replace(cohort="sex=male", confidence=0.998)),
        ({"from": "Q3 2021", "to": "2022-Q1"}, DEFAULTS.replace(period_from="2021-Q3", period_to="2022-Q1")),
        ({"area": ["E06000059", "K04000001"]}, DEFAULTS.replace(area="E06000059")),
    ],
)
def test_good_queries(query, expected):
    view, messages = parse_query(query, KNOWN, DEFAULTS)
    assert view == expected and messages == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"area": "E99999999"}, "Unknown area"),
        ({"measure": "'; DROP TABLE observations; --"}, "Unknown measure"),
        ({"cohort": "sex=unknown"}, "Unknown cohort"),
        ({"from": "2021-Q5"}, "Period"),
        ({"to": "1999-Q1"}, "Period"),
        ({"ci": "90"}, "Confidence"),
        ({"area": "x" * 10000}, "Unknown area"),
        ({"theme": "<script>alert(1)</script>"}, "Unknown theme"),
    ],
)
def test_bad_queries_fall_back_with_a_message(query, message):
    view, messages = parse_query(query, KNOWN, DEFAULTS)
    assert view == DEFAULTS
    assert len(messages) == 1 and message in messages[0]
    assert len(messages[0]) < 200


def test_backwards_range_is_swapped():
    view, messages = parse_query({"from": "2022-Q1", "to": "2021-Q3"}, KNOWN, DEFAULTS)
    assert (view.period_from, view.period_to) == ("2021-Q3", "2022-Q1") and "swapped" in messages[0]


def test_round_trip_through_the_url():
    view = DEFAULTS.replace(measure="REC01", cohort="sex=female", period_from="2021-Q3", confidence=0.998)
    again, messages = parse_query(view.to_query(DEFAULTS), KNOWN, DEFAULTS)
    assert again == view and messages == []
    assert view.to_query(DEFAULTS) == {"measure": "REC01", "cohort": "sex=female", "from": "2021-Q3", "ci": "99.8"}


def test_describe_in_plain_words():
    view = DEFAULTS.replace(cohort="sex=male", period_from="2021-Q3", period_to="2022-Q1")
    assert view.describe(KNOWN) == "Male, Pan-Dorset, 2021-Q3 to 2022-Q1, compared with England and Wales"
