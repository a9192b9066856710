from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from sqlalchemy import event

from dashboard import overview, queries


def test_trend_has_intervals_and_comparison(small_store):
    frame = queries.trend(small_store, measure="REC01", area="E23000039", comparator="K04000001")
    assert list(frame["period"]) == [
        "2023-Q1",
        "2023-Q2",
        "2023-Q3",
        "2023-Q4",
        "2024-Q1",
        "2024-Q2",
        "2024-Q3",
        "2024-Q4",
    ]
    row = frame[frame["period"] == "2023-Q4"].iloc[0]
    assert f"{row.value:.1f}" == "22.1" and f"{row.lower_ci:.1f}" == "21.4" and f"{row.upper_ci:.1f}" == "22.9"
    assert row.comparison == "better" and row.comparator_value == pytest.approx(25.1)


def test_period_range_and_99_8_intervals_are_wider(small_store):
    narrow = queries.trend(small_store, measure="REC01", area="E23000039", period_from="2024-Q1", period_to="2024-Q2")
    wide = queries.trend(
        small_store, measure="REC01", area="E23000039", period_from="2024-Q1", period_to="2024-Q2", confidence=0.998
    )
    assert list(narrow["period"]) == ["2024-Q1", "2024-Q2"]
    assert (wide["upper_ci"] - wide["lower_ci"] > narrow["upper_ci"] - narrow["lower_ci"]).all()


def test_compare_areas_and_breakdown(small_store):
    areas = queries.compare_areas(small_store, measure="REC01", period="2024-Q4", comparator="K04000001")
    assert set(areas["area"]) == {"E23000039", "E06000059", "E06000058", "E12000009", "K04000001"}
    parts = queries.breakdown(small_store, measure="REC01", area="E23000039", period="2024-Q4", dimension="sex")
    assert set(parts["cohort"]) == {"all", "sex=male", "sex=female"}


def test_small_numbers_are_withheld_with_secondary_suppression(small_store):
    """Female (233) is below a threshold of 300; male must go too, or it could be worked out from the total."""
    frame = queries.breakdown(small_store, measure="REC01", area="E23000039", period="2024-Q4", suppress_below=300)
    by = frame.set_index("cohort")
    assert by.loc["sex=female", "suppressed"] and pd.isna(by.loc["sex=female", "value"])
    assert by.loc["sex=male", "suppressed"] and pd.isna(by.loc["sex=male", "numerator"])
    assert not by.loc["all", "suppressed"] and by.loc["all", "numerator"] == 2490
    assert "small number" in by.loc["sex=female", "suppression_reason"]
    assert by.loc["sex=female", "comparison"] == "not compared"


def test_latest_period_and_unknown_codes(small_store):
    assert queries.latest_period(small_store, measure="REC01", area="E23000039") == "2024-Q4"
    with pytest.raises(queries.UnknownCode, match="unknown measure code 'NOPE'"):
        queries.check_codes(small_store, measure="NOPE")
    with pytest.raises(queries.UnknownCode):
        queries.measure_info(small_store, measure="NOPE")


def test_overview_tiles_and_target_status(small_store):
    tiles = overview.tiles(small_store, area="E23000039", comparator="K04000001").set_index("measure")
    assert tiles.loc["REC01", "latest_period"] == "2024-Q4"
    assert tiles.loc["REC01", "previous_period"] == "2024-Q3"
    assert tiles.loc["MH01", "trend"] in {"increasing and getting better", "no significant change"}
    assert pd.isna(tiles.loc["ACC01", "value"])


@pytest.mark.parametrize(
    ("value", "target", "polarity", "status"),
    [
        (50, 55, "higher_is_better", "misses target"),
        (60, 55, "higher_is_better", "meets target"),
        (9, 10, "lower_is_better", "meets target"),
        (20, None, "lower_is_better", "no target"),
        (20, 10, "no_judgement", "no target"),
    ],
)
def test_target_status(value, target, polarity, status):
    assert overview.target_status(value, target, polarity) == status


def test_the_rug_query_finds_the_same_rows_on_every_store(small_store):
    """The SQLite planner hint below changes how rows are found, never which."""
    rows = queries.observations(
        small_store, measure=["REC01", "YTH02"], area=["E23000039", "E06000059"], cohort="all", period=["2024-Q4"]
    )
    assert sorted(zip(rows["measure"], rows["area"], strict=True)) == [
        ("REC01", "E06000059"),
        ("REC01", "E23000039"),
        ("YTH02", "E23000039"),
    ]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # a hint for SQLite's planner only
def test_rug_query_looks_observations_up_by_area_on_sqlite(small_store):
    """SQLite has no statistics to tell it that a list of areas narrows the rug's query more than its periods do;
    led by ix_observations_period it reads every observation of those periods (~200 ms on a national store)."""
    statements: list[tuple[str, Any]] = []
    listen = lambda conn, cursor, sql, params, context, many: statements.append((sql, params))  # noqa: E731
    event.listen(small_store, "before_cursor_execute", listen)
    try:
        rows = queries.observations(
            small_store, measure=["REC01", "YTH02"], area=["E23000039", "E06000059"], cohort="all", period=["2024-Q4"]
        )
    finally:
        event.remove(small_store, "before_cursor_execute", listen)
    assert len(rows) == 3
    sql, params = statements[0]
    with small_store.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "ix_observations_area" in plan and "ix_observations_period" not in plan
