"""Statistics: intervals, benchmarking, SPC, recent trend and suppression, against independent sums."""

from __future__ import annotations

import math
import time
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from dashboard import stats

CONFIDENCES = [0.95, 0.998, 0.9]


def z(confidence: float) -> float:
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def wilson_reference(x: float, n: float, confidence: float) -> tuple[float, float]:
    """Wilson in its centre ± half-width form (a different algebraic route from the module's)."""
    zz, p = z(confidence), x / n
    centre = (p + zz**2 / (2 * n)) / (1 + zz**2 / n)
    half = zz / (1 + zz**2 / n) * math.sqrt(p * (1 - p) / n + zz**2 / (4 * n**2))
    return centre - half, centre + half


def exact_reference(k: float, confidence: float) -> tuple[float, float]:
    """Exact Poisson limits from gamma quantiles (equivalent to the chi-squared form)."""
    alpha = 1 - confidence
    lower = 0.0 if k == 0 else sps.gamma.ppf(alpha / 2, k)
    return lower, sps.gamma.ppf(1 - alpha / 2, k + 1)


def byar_reference(o: float, confidence: float) -> tuple[float, float]:
    zz = z(confidence)
    lower = 0.0 if o == 0 else o * (1 - 1 / (9 * o) - zz / (3 * math.sqrt(o))) ** 3
    return lower, (o + 1) * (1 - 1 / (9 * (o + 1)) + zz / (3 * math.sqrt(o + 1))) ** 3


# --- intervals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("confidence", CONFIDENCES)
@pytest.mark.parametrize("x, n", [(0, 10), (1, 10), (10, 10), (2533, 11447), (206, 624), (5, 1_000_000), (7, 7)])
def test_wilson_matches_closed_form(x, n, confidence):
    assert stats.wilson_ci(x, n, confidence) == pytest.approx(wilson_reference(x, n, confidence), abs=5e-7)


@pytest.mark.parametrize(
    "x, n, expected",
    [((2533, 11447), None, (21.4, 22.9)), ((206, 624), None, (29.4, 36.8))],
)
def test_wilson_published_values(x, n, expected):
    lower, upper = stats.wilson_ci(*x)
    assert (round(lower * 100, 1), round(upper * 100, 1)) == expected


@pytest.mark.parametrize("confidence", CONFIDENCES)
@pytest.mark.parametrize("k", [0, 1, 2, 5, 9, 9.5, 10, 57, 1234])
def test_exact_poisson_matches_gamma(k, confidence):
    assert stats.exact_poisson_ci(k, confidence) == pytest.approx(exact_reference(k, confidence), abs=5e-7)


@pytest.mark.parametrize("confidence", CONFIDENCES)
@pytest.mark.parametrize("o", [0, 10, 11, 57, 1234, 98765])
def test_byar_matches_formula(o, confidence):
    assert stats.byar_ci(o, confidence) == pytest.approx(byar_reference(o, confidence), abs=5e-7)


@pytest.mark.parametrize(
    "function, count, confidence, expected",
    [
        # computed here by two routes (gamma and chi-squared quantiles) and matching published tables
        (stats.exact_poisson_ci, 0, 0.95, (0.0, 3.688879)),
        (stats.exact_poisson_ci, 1, 0.95, (0.025318, 5.571643)),
        (stats.exact_poisson_ci, 10, 0.95, (4.795389, 18.390356)),
        (stats.exact_poisson_ci, 10, 0.998, (2.960520, 24.133971)),
        # Byar's formula evaluated directly (note: not the same as the exact limits above)
        (stats.byar_ci, 10, 0.95, (4.787450, 18.391459)),
        (stats.byar_ci, 10, 0.998, (2.916318, 24.193725)),
    ],
)
def test_reference_numbers(function, count, confidence, expected):
    assert function(count, confidence) == pytest.approx(expected, abs=5e-7)


def test_z_values():
    assert stats.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert stats.z_value(0.998) == pytest.approx(3.090232, abs=1e-6)


@pytest.mark.parametrize("count", [0, 3, 9.99])
def test_count_ci_is_exact_below_ten(count):
    assert stats.count_ci(count) == stats.exact_poisson_ci(count)


@pytest.mark.parametrize("count", [10, 10.5, 300])
def test_count_ci_is_byar_from_ten(count):
    assert stats.count_ci(count) == stats.byar_ci(count)


@pytest.mark.parametrize(
    "count, denominator, multiplier, method",
    [
        (4, 2000, 1000, stats.exact_poisson_ci),
        (25, 50_000, 100_000, stats.byar_ci),
        (12, 30, 1, stats.byar_ci),
    ],
)
def test_rate_ci_scales_the_count_limits(count, denominator, multiplier, method):
    lower, upper = method(count, 0.95)
    expected = (lower / denominator * multiplier, upper / denominator * multiplier)
    assert stats.rate_ci(count, denominator, multiplier) == pytest.approx(expected)


@pytest.mark.parametrize(
    "call",
    [
        lambda: stats.wilson_ci(1, 0),
        lambda: stats.wilson_ci(1, -5),
        lambda: stats.wilson_ci(-1, 5),
        lambda: stats.wilson_ci(6, 5),
        lambda: stats.wilson_ci(float("nan"), 5),
        lambda: stats.wilson_ci(1, 5, confidence=1.0),
        lambda: stats.wilson_ci(1, 5, confidence=0),
        lambda: stats.exact_poisson_ci(-1),
        lambda: stats.byar_ci(float("nan")),
        lambda: stats.rate_ci(5, 0),
        lambda: stats.interval_for("furlongs", value=1, numerator=1, denominator=2),
        lambda: stats.interval_for("percent", value=1, numerator=1, denominator=2, confidence=2),
    ],
)
def test_invalid_inputs_raise(call):
    with pytest.raises(ValueError):
        call()


def test_unit_multipliers():
    assert stats.UNIT_MULTIPLIER == {
        "percent": 100, "rate_per_1000": 1000, "rate_per_100000": 100000, "ratio": 1, "count": 1, "days": 1,
    }  # fmt: skip


@pytest.mark.parametrize(
    "unit, value, numerator, denominator, expected",
    [
        ("percent", 22.1, 2533, 11447, tuple(100 * v for v in stats.wilson_ci(2533, 11447))),
        ("rate_per_1000", None, 4, 2000, stats.rate_ci(4, 2000, 1000)),
        ("rate_per_100000", None, 25, 50_000, stats.rate_ci(25, 50_000, 100_000)),
        ("ratio", 1.1, 110, 100, stats.rate_ci(110, 100, 1)),
        ("count", 7, None, None, stats.exact_poisson_ci(7)),
        ("count", 70, 3, None, stats.byar_ci(70)),
        ("count", None, 12, None, stats.byar_ci(12)),
        ("count", float("nan"), 3, None, stats.exact_poisson_ci(3)),
        ("days", 41.0, 10, 20, (None, None)),
        ("percent", 50.0, None, 20, (None, None)),
        ("percent", 50.0, 10, None, (None, None)),
        ("percent", 50.0, float("nan"), 20, (None, None)),
        ("percent", 50.0, 30, 20, (None, None)),
        ("percent", 50.0, 10, 0, (None, None)),
        ("rate_per_1000", 1.0, 5, 0, (None, None)),
        ("rate_per_1000", 1.0, None, 100, (None, None)),
        ("rate_per_1000", 1.0, -1, 100, (None, None)),
        ("ratio", 1.0, 5, pd.NA, (None, None)),
        ("count", None, None, None, (None, None)),
        ("count", -3, None, None, (None, None)),
        ("count", "n/a", None, None, (None, None)),
    ],
)
def test_interval_for(unit, value, numerator, denominator, expected):
    result = stats.interval_for(unit, value=value, numerator=numerator, denominator=denominator)
    if expected == (None, None):
        assert result == (None, None)
    else:
        assert result == pytest.approx(expected)


def test_interval_for_uses_the_confidence():
    narrow = stats.interval_for("percent", value=None, numerator=30, denominator=100, confidence=0.95)
    wide = stats.interval_for("percent", value=None, numerator=30, denominator=100, confidence=0.998)
    assert wide[0] < narrow[0] < narrow[1] < wide[1]


# --- fill_intervals -------------------------------------------------------------------------------


def random_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    units = rng.choice(list(stats.UNIT_MULTIPLIER), n)
    den = rng.integers(0, 3000, n).astype(float)
    num = np.floor(den * rng.random(n) * 1.05)  # a few numerators exceed the denominator (invalid for percent)
    num = np.where(rng.random(n) < 0.3, rng.integers(0, 15, n), num).astype(float)
    value = np.where(rng.random(n) < 0.5, num, rng.integers(0, 40, n)).astype(float)
    for arr in (num, den, value):
        arr[rng.random(n) < 0.1] = np.nan
    frame = pd.DataFrame({"unit": units, "value": value, "numerator": num, "denominator": den})
    frame["lower_ci"] = np.where(rng.random(n) < 0.2, -1.0, np.nan)
    frame["upper_ci"] = np.where(rng.random(n) < 0.2, -2.0, np.nan)
    return frame


@pytest.mark.parametrize("confidence", [0.95, 0.998])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fill_intervals_agrees_with_interval_for(seed, confidence):
    frame = random_frame(600, seed)
    filled = stats.fill_intervals(frame, confidence=confidence)
    assert filled.index.equals(frame.index)
    assert frame["lower_ci"].isna().any()  # the input is untouched
    for before, after in zip(frame.itertuples(), filled.itertuples(), strict=True):
        lower, upper = stats.interval_for(
            before.unit,
            value=before.value,
            numerator=before.numerator,
            denominator=before.denominator,
            confidence=confidence,
        )
        for supplied, computed, got in (
            (before.lower_ci, lower, after.lower_ci),
            (before.upper_ci, upper, after.upper_ci),
        ):
            if not math.isnan(supplied):
                assert got == supplied
            elif computed is None:
                assert math.isnan(got)
            else:
                assert got == pytest.approx(computed, rel=1e-9, abs=1e-12)


def test_fill_intervals_handles_database_shaped_columns():
    frame = pd.DataFrame(
        {
            "unit": ["percent", "count", "days", "rate_per_1000"],
            "value": [None, 12, 40, None],
            "numerator": [30, None, None, "4"],
            "denominator": [100, None, None, 2000],
            "lower_ci": [None, None, None, 1.5],
            "upper_ci": [None, None, None, None],
            "area": ["E1", "E2", "E3", "E4"],
        },
        dtype=object,
    )
    filled = stats.fill_intervals(frame)
    assert filled["lower_ci"].tolist()[:2] == pytest.approx([100 * stats.wilson_ci(30, 100)[0], stats.byar_ci(12)[0]])
    assert math.isnan(filled["lower_ci"][2]) and math.isnan(filled["upper_ci"][2])
    assert filled["lower_ci"][3] == 1.5  # supplied, kept
    assert filled["upper_ci"][3] == pytest.approx(stats.rate_ci(4, 2000, 1000)[1])  # missing one filled
    assert filled["area"].tolist() == ["E1", "E2", "E3", "E4"]


def test_fill_intervals_missing_limit_columns_and_empty_frame():
    frame = pd.DataFrame({"unit": ["count"], "value": [3.0], "numerator": [None], "denominator": [None]})
    assert stats.fill_intervals(frame)["upper_ci"][0] == pytest.approx(stats.exact_poisson_ci(3)[1])
    empty = pd.DataFrame(columns=["unit", "value", "numerator", "denominator", "lower_ci", "upper_ci"])
    assert stats.fill_intervals(empty).empty


def test_fill_intervals_rejects_unknown_units():
    with pytest.raises(ValueError, match="unknown units"):
        stats.fill_intervals(pd.DataFrame({"unit": ["percent", "parsecs"], "numerator": [1, 2], "denominator": [3, 4]}))


def test_fill_intervals_is_fast_on_50k_rows():
    frame = random_frame(50_000, 7)
    stats.fill_intervals(frame)  # warm up
    start = time.perf_counter()
    stats.fill_intervals(frame)
    assert time.perf_counter() - start < 0.5  # typically ~30 ms; generous for slow CI machines


# --- interval properties --------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=100_000)


@given(st.integers(0, 10_000), st.integers(1, 10_000), st.sampled_from(CONFIDENCES))
def test_wilson_contains_the_proportion(x, n, confidence):
    x = min(x, n)
    lower, upper = stats.wilson_ci(x, n, confidence)
    assert 0 <= lower <= x / n <= upper <= 1


@given(counts, st.sampled_from(CONFIDENCES))
def test_count_interval_contains_the_count(k, confidence):
    lower, upper = stats.count_ci(k, confidence)
    assert 0 <= lower <= k <= upper


@given(counts, st.integers(1, 10_000_000), st.sampled_from([1, 1000, 100_000]))
def test_rate_interval_contains_the_rate(k, n, multiplier):
    lower, upper = stats.rate_ci(k, n, multiplier)
    assert lower <= k / n * multiplier * (1 + 1e-12) and k / n * multiplier <= upper * (1 + 1e-12)


@given(st.integers(0, 5000), st.integers(1, 5000), st.sampled_from(list(stats.UNIT_MULTIPLIER)[:5]))
def test_interval_widens_with_confidence(x, n, unit):
    x = min(x, n)
    narrow = stats.interval_for(unit, value=x, numerator=x, denominator=n, confidence=0.95)
    wide = stats.interval_for(unit, value=x, numerator=x, denominator=n, confidence=0.998)
    assert wide[0] <= narrow[0] and narrow[1] <= wide[1]
    assert wide[1] - wide[0] > narrow[1] - narrow[0]


@given(
    st.integers(0, 2000),
    st.integers(1, 2000),
    st.integers(2, 50),
    st.sampled_from(list(stats.UNIT_MULTIPLIER)[:4]),
)
def test_interval_narrows_as_the_denominator_grows(x, n, factor, unit):
    x = min(x, n)
    small = stats.interval_for(unit, value=None, numerator=x, denominator=n)
    big = stats.interval_for(unit, value=None, numerator=x * factor, denominator=n * factor)
    assert big[1] - big[0] < small[1] - small[0]


# --- compare --------------------------------------------------------------------------------------

NAN = float("nan")


@pytest.mark.parametrize(
    "value, lower, upper, benchmark, polarity, expected",
    [
        (30, 25, 35, 28, "higher_is_better", "similar"),
        (30, 25, 35, 25, "lower_is_better", "similar"),  # a limit touching the benchmark is similar
        (30, 25, 35, 35, "no_judgement", "similar"),
        (30, 25, 35, 20, "higher_is_better", "better"),
        (30, 25, 35, 40, "higher_is_better", "worse"),
        (30, 25, 35, 20, "lower_is_better", "worse"),
        (30, 25, 35, 40, "lower_is_better", "better"),
        (30, 25, 35, 20, "no_judgement", "higher"),
        (30, 25, 35, 40, "no_judgement", "lower"),
        (30, 35, 25, 20, "higher_is_better", "better"),  # limits given the wrong way round
        (None, 25, 35, 20, "higher_is_better", "not compared"),
        (30, None, 35, 20, "higher_is_better", "not compared"),
        (30, 25, NAN, 20, "lower_is_better", "not compared"),
        (30, 25, 35, NAN, "no_judgement", "not compared"),
        (30, 25, 35, pd.NA, "no_judgement", "not compared"),
        (np.float64(30), np.float64(25), np.float64(35), np.int64(20), "higher_is_better", "better"),
    ],
)
def test_compare(value, lower, upper, benchmark, polarity, expected):
    assert stats.compare(value, lower, upper, benchmark, polarity) == expected
    assert stats.compare(value, lower, upper, benchmark, polarity, 0.998) == expected


def test_compare_rejects_unknown_polarity():
    with pytest.raises(ValueError):
        stats.compare(1, 0, 2, 1, "up_is_good")
    with pytest.raises(ValueError):
        stats.compare(None, None, None, None, "up_is_good")


def test_compare_frame_agrees_with_compare():
    rng = np.random.default_rng(3)
    n = 500
    lower = rng.normal(50, 10, n)
    frame = pd.DataFrame(
        {
            "value": np.where(rng.random(n) < 0.1, np.nan, lower + 2),
            "lower_ci": lower,
            "upper_ci": np.where(rng.random(n) < 0.1, None, lower + 4),
            "comparator_value": np.where(rng.random(n) < 0.1, np.nan, rng.normal(52, 5, n)),
            "polarity": rng.choice(list(stats.POLARITIES), n),
        }
    )
    frame.loc[0, "comparator_value"] = frame.loc[0, "lower_ci"]
    expected = [
        stats.compare(r.value, r.lower_ci, r.upper_ci, r.comparator_value, r.polarity) for r in frame.itertuples()
    ]
    assert stats.compare_frame(frame).tolist() == expected
    assert set(expected) == {"better", "worse", "higher", "lower", "similar", "not compared"}
    fixed = stats.compare_frame(frame, benchmark=50.0, polarity="lower_is_better")
    assert fixed.tolist() == [
        stats.compare(r.value, r.lower_ci, r.upper_ci, 50.0, "lower_is_better") for r in frame.itertuples()
    ]
    with pytest.raises(ValueError):
        stats.compare_frame(frame.assign(polarity="sideways"))


# --- SPC ------------------------------------------------------------------------------------------

STABLE = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 11, 9]  # mean 10.5, mean moving range 21/11, ends below
STABLE_MEAN, STABLE_AMR = 10.5, 21 / 11  # limits 5.42 to 15.58; 2 sigma 7.11 to 13.89
LABELS = [f"{2019 + i // 4}-Q{i % 4 + 1}" for i in range(40)]


def rules(table: pd.DataFrame) -> list[str | None]:
    return table["rule"].tolist()


def test_spc_common_cause_only():
    table = stats.spc(STABLE, "increase")
    assert list(table.columns[:8]) == [
        "value", "mean", "lower_limit", "upper_limit", "moving_range", "special_cause", "rule", "point_type",
    ]  # fmt: skip
    assert table["mean"].tolist() == pytest.approx([STABLE_MEAN] * 12)
    assert table["upper_limit"].tolist() == pytest.approx([STABLE_MEAN + 2.66 * STABLE_AMR] * 12)
    assert table["lower_limit"].tolist() == pytest.approx([STABLE_MEAN - 2.66 * STABLE_AMR] * 12)
    assert math.isnan(table["moving_range"][0]) and table["moving_range"].tolist()[1:] == [2, 3, 2, 1] * 2 + [
        2,
        1,
        2,
    ]
    assert rules(table) == [None] * 12 and not table["special_cause"].any()
    assert set(table["point_type"]) == {"common_cause"}
    summary = stats.spc_summary(table, "increase")
    assert (summary.variation, summary.variation_icon, summary.messages) == ("common_cause", "〰", [])
    assert not summary.trial_limits and summary.warning is None


@pytest.mark.parametrize(
    "improvement, point_type, variation",
    [
        ("increase", "improvement", "special_cause_improvement"),
        ("decrease", "concern", "special_cause_concern"),
        ("neutral", "neutral", "special_cause_neutral"),
    ],
)
def test_spc_point_outside_the_limits(improvement, point_type, variation):
    table = stats.spc([*STABLE, 25], improvement)
    assert table["upper_limit"].iloc[-1] < 25
    assert rules(table) == [None] * 12 + ["outside_limits"]
    assert table["point_type"].iloc[-1] == point_type
    summary = stats.spc_summary(table, improvement, labels=LABELS[:13])
    assert summary.variation == variation and summary.variation_icon == "▲"
    assert summary.messages == ["2022-Q1 is above the upper process limit"]


def test_spc_point_below_the_lower_limit_is_improvement_when_decrease_is_good():
    table = stats.spc([*STABLE, 10, -4], "decrease")
    assert table["rule"].iloc[-1] == "outside_limits" and table["point_type"].iloc[-1] == "improvement"
    summary = stats.spc_summary(table, "decrease")
    assert summary.variation_icon == "▼"
    assert summary.messages == ["Point 14 is below the lower process limit"]


@pytest.mark.parametrize(
    "improvement, increasing_type, decreasing_type",
    [
        ("increase", "improvement", "concern"),
        ("decrease", "concern", "improvement"),
        ("neutral", "neutral", "neutral"),
    ],
)
def test_spc_trend_of_seven(improvement, increasing_type, decreasing_type):
    up = [5, 15, 5, 15, 5, 15, 6, 7, 8, 9, 10, 11, 12, 5, 15]  # 6..12: seven points each above the last
    table = stats.spc(up, improvement)
    assert rules(table) == [None] * 6 + ["trend"] * 7 + [None] * 2
    assert set(table["point_type"][6:13]) == {increasing_type}
    down = [15, 5, 15, 5, 15, 5, 14, 13, 12, 11, 10, 9, 8, 15, 5]
    table = stats.spc(down, improvement)
    assert rules(table) == [None] * 6 + ["trend"] * 7 + [None] * 2
    assert set(table["point_type"][6:13]) == {decreasing_type}
    messages = stats.spc_summary(table, improvement, labels=LABELS[:15]).messages
    assert messages == ["7 quarters in a row decreasing (2020-Q3 to 2022-Q1)"]


def test_spc_six_rising_points_or_a_tie_are_not_a_trend():
    assert rules(stats.spc([5, 15, 5, 15, 5, 15, 6, 7, 8, 9, 10, 11, 5, 15])) == [None] * 14
    assert rules(stats.spc([5, 15, 5, 15, 5, 15, 6, 7, 8, 8, 10, 11, 12, 5, 15])) == [None] * 15


@pytest.mark.parametrize(
    "tail, expected_rules, point_type, message",
    [
        (
            [15, 11, 15],
            ["two_of_three", None, "two_of_three"],
            "improvement",
            "close to the upper limit (2022-Q1 to 2022-Q3)",
        ),
        (
            [15, 15, 11],
            ["two_of_three", "two_of_three", None],
            "improvement",
            "close to the upper limit (2022-Q1 to 2022-Q2)",
        ),
        (
            [6, 10, 6],
            ["two_of_three", None, "two_of_three"],
            "concern",
            "close to the lower limit (2022-Q1 to 2022-Q3)",
        ),
        ([15, 11, 11, 15], [None] * 4, None, None),  # 3 apart: no window of 3 holds both
        ([15, 6, 11], [None] * 3, None, None),  # opposite sides
    ],
)
def test_spc_two_of_three_beyond_two_sigma(tail, expected_rules, point_type, message):
    table = stats.spc([*STABLE, *tail], "increase", fix_after=12)
    two_sigma = 2 * 2.66 * STABLE_AMR / 3
    assert STABLE_MEAN + two_sigma < 15 < table["upper_limit"][0]
    assert table["lower_limit"][0] < 6 < STABLE_MEAN - two_sigma
    assert rules(table)[12:] == expected_rules
    messages = stats.spc_summary(table, "increase", labels=LABELS[: len(table)]).messages
    assert messages == ([] if message is None else [f"2 of 3 quarters {message}"])
    if point_type:
        assert table["point_type"][12] == point_type


def test_spc_shift_of_seven_on_one_side():
    values = [*STABLE, 12, 11.5, 12, 11.5, 12, 11.5, 12]
    table = stats.spc(values, "decrease", fix_after=12)
    assert rules(table) == [None] * 12 + ["shift"] * 7
    assert set(table["point_type"][12:]) == {"concern"}
    summary = stats.spc_summary(table, "decrease", labels=LABELS[:19])
    assert summary.messages == ["7 quarters in a row above the average (2022-Q1 to 2023-Q3)"]
    assert summary.variation == "special_cause_concern"
    assert rules(stats.spc(values[:-1], "decrease", fix_after=12)) == [None] * 18  # six is not enough


def test_spc_a_point_on_the_mean_breaks_a_shift():
    values = [*STABLE, 12, 11.5, 12, 10.5, 12, 11.5, 12, 11.5]
    assert rules(stats.spc(values, fix_after=12)) == [None] * 20


def test_spc_precedence_keeps_the_earlier_rule():
    values = [
        *STABLE,
        12,
        13,
        12,
        13,
        20,
        12,
        13,
    ]  # a shift of 7 above the mean, one of them beyond the limit
    table = stats.spc(values, "increase", fix_after=12)
    assert rules(table)[12:] == ["shift"] * 4 + ["outside_limits"] + ["shift"] * 2
    rising = [*STABLE, 13, 11, 11.5, 12, 12.5, 13, 13.5, 13.8]  # a trend inside a shift: trend wins
    table = stats.spc(rising, "increase", fix_after=12)
    assert rules(table)[12:] == ["shift"] + ["trend"] * 7
    messages = stats.spc_summary(table, "increase", labels=LABELS[:20]).messages
    assert messages == [
        "8 quarters in a row above the average (2022-Q1 to 2023-Q4)",
        "7 quarters in a row increasing (2022-Q2 to 2023-Q4)",
    ]


def test_spc_fix_after_extends_the_baseline_limits():
    values = [*STABLE, 30, 31, 32]
    table = stats.spc(values, fix_after=12)
    assert table["mean"].tolist() == pytest.approx([STABLE_MEAN] * 15)
    assert table["upper_limit"].tolist() == pytest.approx([STABLE_MEAN + 2.66 * STABLE_AMR] * 15)
    assert table["baseline"].tolist() == [True] * 12 + [False] * 3
    assert table["moving_range"].iloc[-1] == 1
    assert rules(table)[12:] == ["outside_limits"] * 3


def test_spc_rebase_starts_a_new_segment():
    later = [20, 22, 19, 21, 20, 22, 19, 21]
    unbased = stats.spc([*STABLE, *later], "increase")
    assert "shift" in rules(unbased)
    table = stats.spc([*STABLE, *later], "increase", rebase_at=[12])
    assert table["segment"].tolist() == [0] * 12 + [1] * 8
    assert table["mean"].tolist() == pytest.approx([10.5] * 12 + [20.5] * 8)
    assert math.isnan(table["moving_range"][12])
    later_amr = np.abs(np.diff(later)).mean()
    assert table["upper_limit"].iloc[-1] == pytest.approx(20.5 + 2.66 * later_amr)
    assert rules(table) == [None] * 20
    summary = stats.spc_summary(table, "increase")
    assert summary.trial_limits and "trial limits" in summary.warning  # the latest segment has 8 points


def test_spc_screening_drops_outlying_moving_ranges():
    values = [10, 12, 9, 11, 10, 40, 9, 11, 10, 12, 9, 11]  # moving ranges 30 and 31 exceed 3.267 × 79/11
    plain = stats.spc(values)
    screened = stats.spc(values, screen_outliers=True)
    mean = sum(values) / 12
    assert plain["upper_limit"][0] == pytest.approx(mean + 2.66 * 79 / 11)
    assert screened["upper_limit"][0] == pytest.approx(mean + 2.66 * 18 / 9)
    assert screened["moving_range"].tolist()[5:7] == [30, 31]  # shown as they are
    assert screened["rule"][5] == "outside_limits"


def test_spc_trial_limits_under_twelve_points():
    summary = stats.spc_summary(stats.spc(STABLE[:11], "increase"), "increase")
    assert summary.trial_limits and summary.warning and "12" in summary.warning
    summary = stats.spc_summary(stats.spc(STABLE[:12], "increase"), "increase")
    assert not summary.trial_limits and summary.warning is None


def test_spc_edge_cases():
    empty = stats.spc([])
    assert empty.empty and "point_type" in empty
    assert stats.spc_summary(empty, "neutral").trial_limits
    one = stats.spc([5.0], "increase")
    assert one["point_type"].tolist() == ["common_cause"] and math.isnan(one["upper_limit"][0])
    flat = stats.spc([3.0] * 12, "increase")
    assert flat["upper_limit"].tolist() == [3.0] * 12 and rules(flat) == [None] * 12


@pytest.mark.parametrize(
    "call",
    [
        lambda: stats.spc([1, 2, 3], "up"),
        lambda: stats.spc([1, float("nan"), 3]),
        lambda: stats.spc([1, 2, 3], rebase_at=[3]),
        lambda: stats.spc([1, 2, 3], fix_after=0),
        lambda: stats.spc_summary(stats.spc([1, 2, 3]), "sideways"),
        lambda: stats.spc_summary(stats.spc([1, 2, 3]), "neutral", labels=["a", "b"]),
    ],
)
def test_spc_invalid_inputs_raise(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    "improvement, target, assurance, icon",
    [
        ("increase", 4.0, "consistently_passes", "P"),  # lower limit ≈ 5.42
        ("increase", 17.0, "consistently_fails", "F"),  # upper limit ≈ 15.58
        ("increase", 11.0, "inconsistent", "?"),
        ("decrease", 17.0, "consistently_passes", "P"),
        ("decrease", 4.0, "consistently_fails", "F"),
        ("decrease", 11.0, "inconsistent", "?"),
        ("neutral", 11.0, None, None),
        ("increase", None, None, None),
    ],
)
def test_spc_assurance(improvement, target, assurance, icon):
    table = stats.spc(STABLE, improvement)
    summary = stats.spc_summary(table, improvement, target)
    assert (summary.assurance, summary.assurance_icon) == (assurance, icon)
    from_table = stats.spc_summary(stats.spc(STABLE, improvement, target=target), improvement)
    assert from_table.assurance == assurance


def test_spc_summary_messages_use_labels_and_unit_word():
    table = stats.spc([*STABLE, 12, 13, 12, 13, 20, 12, 13], "increase", fix_after=12)
    summary = stats.spc_summary(table, "increase", labels=LABELS[:19], unit_word="months")
    assert summary.messages == [
        "7 months in a row above the average (2022-Q1 to 2023-Q3)",
        "2023-Q1 is above the upper process limit",
    ]
    assert stats.spc_summary(table, "increase").messages[1] == "Point 17 is above the upper process limit"


def test_spc_summary_is_frozen():
    summary = stats.spc_summary(stats.spc(STABLE), "neutral")
    with pytest.raises(AttributeError):
        summary.variation = "x"  # type: ignore[misc]


# --- recent trend ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "numerators, polarity, expected",
    [
        ([100, 150, 200, 250, 300], "lower_is_better", "increasing and getting worse"),
        ([100, 150, 200, 250, 300], "higher_is_better", "increasing and getting better"),
        ([100, 150, 200, 250, 300], "no_judgement", "increasing"),
        ([300, 250, 200, 150, 100], "lower_is_better", "decreasing and getting better"),
        ([300, 250, 200, 150, 100], "higher_is_better", "decreasing and getting worse"),
        ([300, 250, 200, 150, 100], "no_judgement", "decreasing"),
        ([200, 200, 200, 200, 200], "lower_is_better", "no significant change"),
        ([200, 205, 198, 203, 201], "higher_is_better", "no significant change"),
        (
            [1, 1, 500, 200, 200, 200, 200, 200],
            "no_judgement",
            "no significant change",
        ),  # only the last 5 count
        ([150, 200, 250, 300], "lower_is_better", "cannot be calculated"),
        ([0, 0, 0, 0, 0], "lower_is_better", "cannot be calculated"),
    ],
)
def test_recent_trend_proportions(numerators, polarity, expected):
    denominators = [1000] * len(numerators)
    assert stats.recent_trend(numerators=numerators, denominators=denominators, polarity=polarity) == expected


@pytest.mark.parametrize(
    "numerators, denominators",
    [([1, 2, 3, 4, 5], [10, 10, 0, 10, 10]), ([1, 2, None, 4, 5], [10] * 5), ([1, 2, 30, 4, 5], [10] * 5)],
)
def test_recent_trend_unusable_proportions(numerators, denominators):
    result = stats.recent_trend(numerators=numerators, denominators=denominators, polarity="no_judgement")
    assert result == "cannot be calculated"


@pytest.mark.parametrize(
    "values, half_width, polarity, expected",
    [
        ([10, 12, 14, 16, 18], 1.0, "lower_is_better", "increasing and getting worse"),
        ([18, 16, 14, 12, 10], 1.0, "lower_is_better", "decreasing and getting better"),
        ([10, 12, 14, 16, 18], 40.0, "lower_is_better", "no significant change"),
        ([10, 10.2, 9.9, 10.1, 10], 1.0, "higher_is_better", "no significant change"),
        ([10, 12, 14, 16, 18], 0.0, "higher_is_better", "cannot be calculated"),
        ([12, 14, 16, 18], 1.0, "higher_is_better", "cannot be calculated"),
    ],
)
def test_recent_trend_regression(values, half_width, polarity, expected):
    lower = [v - half_width for v in values]
    upper = [v + half_width for v in values]
    assert stats.recent_trend(values=values, lower=lower, upper=upper, polarity=polarity) == expected


def test_recent_trend_needs_data_and_a_known_polarity():
    with pytest.raises(ValueError):
        stats.recent_trend(values=[1, 2, 3, 4, 5], polarity="no_judgement")
    with pytest.raises(ValueError):
        stats.recent_trend(numerators=[1] * 5, denominators=[9] * 5, polarity="upwards")


@settings(max_examples=200)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(1, 400)), min_size=5, max_size=5))
def test_trend_test_agrees_with_n_r_squared(pairs):
    """The chi-squared test for trend equals N × r² between outcome and time over individuals."""
    x = np.array([min(a, b) for a, b in pairs], dtype=float)
    n = np.array([b for _, b in pairs], dtype=float)
    result = stats.recent_trend(numerators=x, denominators=n, polarity="no_judgement")
    if x.sum() in (0, n.sum()):
        assert result == "cannot be calculated"
        return
    t = np.repeat(np.arange(5), n.astype(int))
    outcome = np.concatenate([np.r_[np.ones(int(a)), np.zeros(int(b - a))] for a, b in zip(x, n, strict=True)])
    r = np.corrcoef(t, outcome)[0, 1]
    chi = len(t) * r**2
    critical = sps.chi2.ppf(0.998, 1)
    if abs(chi - critical) < 1e-6:
        return
    expected = "no significant change" if chi <= critical else ("increasing" if r > 0 else "decreasing")
    assert result == expected


@settings(max_examples=200)
@given(
    st.lists(st.floats(-100, 100), min_size=5, max_size=5),
    st.lists(st.floats(0.1, 20), min_size=5, max_size=5),
)
def test_regression_trend_agrees_with_matrix_wls(values, half_widths):
    y, se = np.array(values), np.array(half_widths) / 1.959963984540054
    design = np.column_stack([np.ones(5), np.arange(5.0)])
    weights = np.diag(1 / se**2)
    covariance = np.linalg.inv(design.T @ weights @ design)
    slope = (covariance @ design.T @ weights @ y)[1]
    zstat = slope / math.sqrt(covariance[1, 1])
    critical = NormalDist().inv_cdf(0.999)
    if abs(abs(zstat) - critical) < 1e-6:
        return
    expected = "no significant change" if abs(zstat) <= critical else ("increasing" if slope > 0 else "decreasing")
    lower, upper = y - np.array(half_widths), y + np.array(half_widths)
    assert stats.recent_trend(values=y, lower=lower, upper=upper, polarity="no_judgement") == expected


# --- suppression ----------------------------------------------------------------------------------

PRIMARY = "fewer than 5 (small number)"
SECONDARY = "withheld so a small number cannot be worked out (secondary)"


def breakdown(parts: list[float], total: float | None = None, **extra) -> pd.DataFrame:
    rows = [{"cohort": f"part{i}", "numerator": p, "is_total": False} for i, p in enumerate(parts)]
    if total is not None:
        rows.insert(0, {"cohort": "all", "numerator": total, "is_total": True})
    frame = pd.DataFrame(rows).assign(measure="M1", area="A", **extra)
    frame["denominator"] = frame["numerator"] * 10
    frame["value"] = 10.0
    frame["lower_ci"], frame["upper_ci"] = 8.0, 12.0
    return frame


def hidden_cohorts(frame: pd.DataFrame) -> list[str]:
    return frame.loc[frame["suppressed"], "cohort"].tolist()


@pytest.mark.parametrize(
    "counts, expected_hidden",
    [([0, 1, 4, 5, 120], [1, 2]), ([float("nan"), 3, 6], [1]), ([7, 8], [])],
)
def test_primary_suppression(counts, expected_hidden):
    frame = pd.DataFrame({"numerator": counts, "value": 1.0, "other": "x"})
    out = stats.suppress(frame)
    assert np.flatnonzero(out["suppressed"]).tolist() == expected_hidden
    assert [r for r in out["suppression_reason"] if r] == [PRIMARY] * len(expected_hidden)
    assert out.loc[out["suppressed"], ["numerator", "value"]].isna().all().all()
    assert out.loc[~out["suppressed"], "value"].eq(1.0).all() and out["other"].eq("x").all()
    assert "suppressed" not in frame  # a copy


def test_primary_suppression_on_any_count_column_and_threshold():
    frame = pd.DataFrame({"numerator": [20, 20, 7], "denominator": [100, 3, 100], "value": [20.0, 1.0, 7.0]})
    out = stats.suppress(frame, count_cols=("numerator", "denominator"))
    assert out["suppressed"].tolist() == [False, True, False]
    assert math.isnan(out["denominator"][1])
    out = stats.suppress(frame, threshold=10, count_cols=("numerator", "denominator"))
    assert out["suppressed"].tolist() == [False, True, True]
    assert out["suppression_reason"][2] == "fewer than 10 (small number)"


P, S = "primary", "secondary"


@pytest.mark.parametrize(
    "parts, total, expected",
    [
        ([3, 40, 57], 100, {"part0": P, "part1": S}),  # next smallest part
        ([3, 0, 40, 57], 100, {"part0": P, "part2": S}),  # a zero is skipped: it hides nothing
        ([3, 0, 0], 3, {"all": P, "part0": P}),  # the total is itself small
        ([3, 2, 50], 55, {"part0": P, "part1": P}),  # two primaries protect each other
        ([3, 40, 40], 83, {"part0": P, "part1": S}),  # a tie goes to the earlier row
        ([12, 40, 57], 109, {}),
        ([3], 50, {"all": S, "part0": P}),  # no other part: the total goes
        ([3, 40, 57], None, {"part0": P, "part1": S}),  # no total row: treated as published elsewhere
    ],
)
def test_secondary_suppression(parts, total, expected):
    out = stats.suppress(breakdown(parts, total), group_cols=("measure", "area"), is_total_col="is_total")
    words = {P: PRIMARY, S: SECONDARY}
    reasons = {c: r for c, r in zip(out["cohort"], out["suppression_reason"], strict=True) if r is not None}
    assert reasons == {cohort: words[kind] for cohort, kind in expected.items()}
    assert hidden_cohorts(out) == list(expected)
    assert out.loc[out["suppressed"], ["value", "numerator", "denominator", "lower_ci", "upper_ci"]].isna().all().all()
    assert out.loc[~out["suppressed"], "value"].eq(10.0).all()


def test_secondary_suppression_is_per_group():
    frame = pd.concat([breakdown([3, 40, 57], 100, period="P1"), breakdown([30, 40, 57], 127, period="P2")])
    out = stats.suppress(frame, group_cols=("measure", "area", "period"), is_total_col="is_total")
    assert out.loc[out["period"] == "P2", "suppressed"].sum() == 0
    assert out.loc[out["period"] == "P1", "suppressed"].sum() == 2
    assert out.index.tolist() == frame.index.tolist()  # the (duplicated) index is kept


def test_secondary_suppression_across_breakdowns_of_one_total():
    frame = breakdown([2, 98, 50, 50], 100)
    frame["dimension"] = ["all", "sex", "sex", "age", "age"]
    out = stats.suppress(frame, group_cols=("measure", "area"), is_total_col="is_total", dimension_col="dimension")
    assert hidden_cohorts(out) == ["part0", "part1"]  # the age breakdown is safe: it reveals only the total
    frame = breakdown([3, 50, 10, 43], 50)  # inconsistent data: the sex part alone is 3, the total 50
    frame["dimension"] = ["all", "sex", "age", "age", "age"]
    out = stats.suppress(frame, group_cols=("measure", "area"), is_total_col="is_total", dimension_col="dimension")
    # the total goes (nothing else can hide part0); then age, fully shown, would reveal it: its smallest goes
    assert hidden_cohorts(out) == ["all", "part0", "part2"]


def test_supplier_suppression_is_kept_and_counts_for_secondary():
    frame = breakdown([30, 40, 57], 127)
    frame["suppressed"] = [False, True, False, False]
    frame["suppression_reason"] = [None, "not collected", None, None]
    out = stats.suppress(frame, group_cols=("measure", "area"), is_total_col="is_total")
    assert hidden_cohorts(out) == ["part0", "part1"]
    assert out["suppression_reason"].tolist() == [None, "not collected", SECONDARY, None]
    frame["suppression_reason"] = None
    assert stats.suppress(frame)["suppression_reason"][1] == "suppressed at source"


def test_suppress_needs_both_group_cols_and_total():
    with pytest.raises(ValueError):
        stats.suppress(breakdown([1, 2]), group_cols=("measure",))
    with pytest.raises(ValueError):
        stats.suppress(breakdown([1, 2]), is_total_col="is_total")


@st.composite
def grouped_counts(draw):
    """Several groups, each a total shared by one to three breakdowns whose parts sum to it."""
    groups = []
    for g in range(draw(st.integers(1, 4))):
        total = draw(st.integers(0, 60))
        for d in range(draw(st.integers(1, 3))):
            cuts = sorted(draw(st.lists(st.integers(0, total), min_size=0, max_size=4)))
            parts = np.diff([0, *cuts, total]).tolist()
            groups += [{"group": g, "dimension": f"d{d}", "numerator": p, "is_total": False} for p in parts]
        groups.append({"group": g, "dimension": "all", "numerator": total, "is_total": True})
    return pd.DataFrame(groups).sample(frac=1, random_state=draw(st.integers(0, 1000)))


@settings(max_examples=300, deadline=None)
@given(grouped_counts(), st.integers(2, 10))
def test_no_suppressed_count_can_be_worked_out(frame, threshold):
    out = stats.suppress(
        frame, threshold=threshold, group_cols=("group",), is_total_col="is_total", dimension_col="dimension"
    )
    small = frame["numerator"].between(1, threshold - 1)
    assert out.loc[small, "suppressed"].all()
    assert out.loc[out["suppressed"], "numerator"].isna().all()
    for _, group in out.groupby("group"):
        total_hidden = bool(group.loc[group["is_total"], "suppressed"].any())
        for _, part in group[~group["is_total"]].groupby("dimension"):
            hidden = int(part["suppressed"].sum())
            if hidden:  # total - shown parts would give a lone hidden part
                assert total_hidden or hidden >= 2
            if total_hidden:  # a fully shown breakdown would give the hidden total
                assert hidden >= 1
