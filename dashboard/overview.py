"""The board's overview: a headline row per measure, and the tartan rug of measures × areas."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard import queries, stats

NO_TREND = "cannot be calculated"  # a measure with no data yet: said in words, not left blank (or 'nan')


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
    series = _series_by_measure(obs)
    return pd.DataFrame([_tile_row(m, series.get(m.code), spark_points) for m in catalogue.itertuples()])


_TILE_COLUMNS = (
    "period", "start_date", "value", "numerator", "denominator", "lower_ci", "upper_ci", "comparator_value",
    "comparison", "provisional", "revised",
)  # fmt: skip


def _series_by_measure(obs: pd.DataFrame) -> dict[str, dict[str, list[Any]]]:
    """measure -> column -> that measure's values in the frame's (time) order, in one pass over the frame.

    Plain lists (Timestamps, floats, bools as `Series.tolist` gives them) so a tile's row costs no pandas
    indexing; the spark column holds the values rounded as `Series.round(4)` rounds them."""
    columns = {c: obs[c].tolist() for c in _TILE_COLUMNS}
    columns["spark"] = np.round(obs["value"].to_numpy(dtype=float), 4).tolist()
    return {
        code: {c: [values[i] for i in positions] for c, values in columns.items()}
        for code, positions in obs.groupby("measure", sort=False).indices.items()
    }


def _tile_row(m: Any, series: dict[str, list[Any]] | None, spark_points: int) -> dict[str, object]:
    row: dict[str, object] = {
        "measure": m.code,
        "theme": m.theme,
        "name": m.name,
        "short_name": m.short_name,
        "unit": m.unit,
        "polarity": m.polarity,
        "headline": bool(m.headline),
        "target": m.target,
        "published": bool(m.published),
        "frequency": m.frequency,
    }
    if not series:
        return {
            **row,
            "latest_period": None,
            "value": np.nan,
            "comparison": "not compared",
            "spark": [],
            "target_status": "no target",
            "delta": np.nan,
            "previous_period": None,
            "trend": NO_TREND,
        }
    values = series["value"]
    has_prev = len(values) > 1
    return {
        **row,
        "latest_period": series["period"][-1],
        "period_end": series["start_date"][-1],
        "value": values[-1],
        "numerator": series["numerator"][-1],
        "denominator": series["denominator"][-1],
        "lower_ci": series["lower_ci"][-1],
        "upper_ci": series["upper_ci"][-1],
        "comparator_value": series["comparator_value"][-1],
        "comparison": series["comparison"][-1],
        "previous_period": series["period"][-2] if has_prev else None,
        "delta": values[-1] - values[-2] if has_prev else np.nan,
        "target_status": target_status(values[-1], m.target, m.polarity),
        "spark": series["spark"][-spark_points:],
        "trend": recent_trend_words(series, m.unit, m.polarity),
        "provisional": bool(series["provisional"][-1]),
        "revised": bool(series["revised"][-1]),
    }


def recent_trend_words(series: Mapping[str, Sequence[Any]], unit: str, polarity: str, points: int = 5) -> str:
    """Fingertips' recent trend over the latest points of a measure's columns (oldest first), in words."""
    numerators, denominators = series["numerator"][-points:], series["denominator"][-points:]
    if unit == "percent" and not any(pd.isna(v) for v in (*numerators, *denominators)):
        return stats.recent_trend(
            numerators=list(numerators), denominators=list(denominators), polarity=polarity, points=points
        )
    return stats.recent_trend(
        values=list(series["value"][-points:]),
        lower=list(series["lower_ci"][-points:]),
        upper=list(series["upper_ci"][-points:]),
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
