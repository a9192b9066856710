"""The board's overview: a headline row per measure, and the tartan rug of measures × areas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard import queries, stats


def target_status(value: float | None, target: float | None, polarity: str) -> str:
    """'meets target', 'misses target' or 'no target', in the measure's direction."""
    if target is None or value is None or pd.isna(target) or pd.isna(value):
        return "no target"
    if polarity == "lower_is_better":
        return "meets target" if value <= target else "misses target"
    if polarity == "higher_is_better":
        return "meets target" if value >= target else "misses target"
    return "no target"


def tiles(
    engine: Engine,
    *,
    area: str,
    comparator: str,
    cohort: str = "all",
    period_to: str | None = None,
    confidence: float = 0.95,
    spark_points: int = 12,
    suppress_below: int | None = None,
    measures: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per measure (of `measures`, default all): latest value, change since the previous period,
    comparison, target and sparkline."""
    catalogue = queries.catalogue_frame(engine, "measures")
    if measures is not None:
        catalogue = catalogue[catalogue["code"].isin(list(measures))]
    obs = queries.observations(
        engine,
        measure=None if measures is None else list(measures),
        area=area,
        cohort=cohort,
        period_to=period_to,
        comparator=comparator,
        confidence=confidence,
        suppress_below=suppress_below,
    )
    obs = obs.dropna(subset=["value"])
    rows = []
    for m in catalogue.itertuples():
        series = obs[obs["measure"] == m.code]
        rows.append(_tile_row(m, series, spark_points))
    return pd.DataFrame(rows)


def _tile_row(m: Any, series: pd.DataFrame, spark_points: int) -> dict[str, object]:
    row: dict[str, object] = {
        "measure": m.code,
        "theme": m.theme,
        "name": m.name,
        "short_name": m.short_name,
        "unit": m.unit,  # type: ignore[attr-defined]
        "polarity": m.polarity,
        "headline": bool(m.headline),
        "target": m.target,
        "published": bool(m.published),  # type: ignore[attr-defined]
        "frequency": m.frequency,  # type: ignore[attr-defined]
    }
    if series.empty:
        return {
            **row,
            "latest_period": None,
            "value": np.nan,
            "comparison": "not compared",
            "spark": [],
            "target_status": "no target",
            "delta": np.nan,
            "previous_period": None,
        }
    last = series.iloc[-1]
    prev = series.iloc[-2] if len(series) > 1 else None
    return {
        **row,
        "latest_period": last["period"],
        "period_end": last["start_date"],
        "value": last["value"],
        "numerator": last["numerator"],
        "denominator": last["denominator"],
        "lower_ci": last["lower_ci"],
        "upper_ci": last["upper_ci"],
        "comparator_value": last["comparator_value"],
        "comparison": last["comparison"],
        "previous_period": None if prev is None else prev["period"],
        "delta": np.nan if prev is None else last["value"] - prev["value"],
        "target_status": target_status(last["value"], m.target, m.polarity),  # type: ignore[attr-defined]
        "spark": series["value"].tail(spark_points).round(4).tolist(),
        "trend": recent_trend_words(series, m.unit, m.polarity),  # type: ignore[attr-defined]
        "provisional": bool(last["provisional"]),
        "revised": bool(last["revised"]),
    }


def recent_trend_words(series: pd.DataFrame, unit: str, polarity: str, points: int = 5) -> str:
    """Fingertips' recent trend over the latest points, in words."""
    last = series.tail(points)
    if unit == "percent" and last["numerator"].notna().all() and last["denominator"].notna().all():
        return stats.recent_trend(
            numerators=last["numerator"].tolist(),
            denominators=last["denominator"].tolist(),
            polarity=polarity,
            points=points,
        )
    return stats.recent_trend(
        values=last["value"].tolist(),
        lower=last["lower_ci"].tolist(),
        upper=last["upper_ci"].tolist(),
        polarity=polarity,
        points=points,
    )


def rug(
    engine: Engine,
    *,
    areas: Sequence[str],
    comparator: str,
    cohort: str = "all",
    period_to: str | None = None,
    confidence: float = 0.95,
    suppress_below: int | None = None,
    measures: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Measures (of `measures`, default all) × areas at each measure's latest period: value and comparison
    with the comparator.

    Two small queries: the latest period of each measure, then only those periods' rows for the areas."""
    latest = queries.latest_periods(engine, areas=list(areas), cohort=cohort, period_to=period_to)
    if measures is not None:
        latest = {code: period for code, period in latest.items() if code in set(measures)}
    if not latest:
        return queries.observations(engine, measure=[], area=list(areas))
    obs = queries.observations(
        engine,
        measure=list(latest),
        area=list(areas),
        cohort=cohort,
        period=sorted(set(latest.values())),
        comparator=comparator,
        confidence=confidence,
        suppress_below=suppress_below,
    )
    obs = obs[obs["period"] == obs["measure"].map(latest)]
    return obs.dropna(subset=["value"]).reset_index(drop=True)
