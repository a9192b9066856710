"""Typed, keyword-only read queries. Each returns a DataFrame (or small dataclass) of exactly the rows a view shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Select, and_, func, literal_column, select

from dashboard import stats, store
from dashboard.catalogue import ALL_COHORT

o, m, a, c, p = store.observations, store.measures, store.areas, store.cohorts, store.periods

OBS_COLUMNS = [
    "measure", "unit", "polarity", "area", "area_name", "cohort", "cohort_label", "dimension", "period", "start_date",
    *store.VALUE_COLUMNS,
]  # fmt: skip


class UnknownCode(LookupError):
    """A measure, area, cohort or period that the store does not hold."""


def _frame(engine: Engine, stmt: Select[Any]) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(stmt)
        columns = list(result.keys())
        # plain tuples: pandas probing Row objects for attributes costs more than the query
        return pd.DataFrame.from_records([tuple(row) for row in result], columns=columns)


def _observation_select(*, period_index: bool = True) -> Select[Any]:
    """Observations joined to their codes. `period_index=False` joins periods on `period_id + 0`, which keeps
    the planner from looking observations up by period (see `observations`)."""
    period_id = o.c.period_id if period_index else o.c.period_id + literal_column("0")
    return select(
        m.c.code.label("measure"),
        m.c.unit,
        m.c.polarity,
        a.c.code.label("area"),
        a.c.name.label("area_name"),
        c.c.key.label("cohort"),
        c.c.label.label("cohort_label"),
        c.c.dimension,
        p.c.label.label("period"),
        p.c.start_date,
        *(o.c[name] for name in store.VALUE_COLUMNS),
    ).select_from(
        o.join(m, m.c.id == o.c.measure_id)
        .join(a, a.c.id == o.c.area_id)
        .join(c, c.c.id == o.c.cohort_id)
        .join(p, p.c.id == period_id)
    )


def _with_intervals(frame: pd.DataFrame, confidence: float) -> pd.DataFrame:
    if frame.empty:
        return frame
    frame = stats.fill_intervals(frame, confidence=confidence)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    return frame.sort_values(["start_date", "measure", "area", "cohort"], kind="stable").reset_index(drop=True)


def _add_comparison(
    frame: pd.DataFrame, bench: pd.DataFrame, comparator: str | None, confidence: float
) -> pd.DataFrame:
    """Attach the comparator's value for the same measure, cohort and period, and the Fingertips comparison."""
    frame = frame.copy()
    frame["comparator"] = comparator
    if bench.empty or comparator is None:
        frame["comparator_value"] = float("nan")
    else:
        # a dict, not a MultiIndex reindex: building the index cost more than the query on small frames
        lookup = dict(
            zip(zip(bench["measure"], bench["cohort"], bench["period"], strict=True), bench["value"], strict=True)
        )
        keys = zip(frame["measure"], frame["cohort"], frame["period"], strict=True)
        frame["comparator_value"] = np.array([lookup.get(k, np.nan) for k in keys], dtype=float)
    frame["comparison"] = stats.compare_frame(frame).where(frame["area"] != comparator, "not compared")
    return frame


def _codes_where(
    stmt: Select[Any],
    *,
    measure: str | Sequence[str] | None = None,
    area: str | Sequence[str] | None = None,
    cohort: str | Sequence[str] | None = None,
    period: str | Sequence[str] | None = None,
) -> Select[Any]:
    for column, wanted in ((m.c.code, measure), (a.c.code, area), (c.c.key, cohort), (p.c.label, period)):
        if wanted is None:
            continue
        stmt = stmt.where(column == wanted) if isinstance(wanted, str) else stmt.where(column.in_(list(wanted)))
    return stmt


def withhold_small_numbers(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Small-number suppression for public views: counts below `threshold` withheld, and (within each
    measure, area and period) the other cells that would let a withheld count be worked out from the total."""
    if frame.empty or threshold <= 1:
        return frame
    work = frame.assign(
        _count=frame["numerator"].where(frame["numerator"].notna(), frame["value"].where(frame["unit"] == "count")),
        _total=frame["cohort"] == ALL_COHORT,
    )
    out = stats.suppress(
        work,
        threshold=threshold,
        count_cols=("_count",),
        group_cols=("measure", "area", "period"),
        is_total_col="_total",
        dimension_col="dimension",
    )
    if "comparison" in out:
        out.loc[out["suppressed"], "comparison"] = "not compared"
    return out.drop(columns=["_count", "_total"])


def observations(
    engine: Engine,
    *,
    measure: str | Sequence[str] | None = None,
    area: str | Sequence[str] | None = None,
    cohort: str | Sequence[str] | None = None,
    period: str | Sequence[str] | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    comparator: str | None = None,
    confidence: float = 0.95,
    suppress_below: int | None = None,
) -> pd.DataFrame:
    """Observations matching the filters, with intervals and (when given) the comparison with `comparator`.
    With `suppress_below`, small numbers are withheld as public views require."""
    filters = {"measure": measure, "cohort": cohort, "period": period}
    # SQLite keeps no statistics, so given a few periods it walks all their observations by ix_observations_period
    # (~200 ms for the tartan rug on a national store) even when a list of areas narrows them to a few thousand
    # rows by ix_observations_area (~10 ms). PostgreSQL's planner has statistics and is left to choose.
    by_area = period is not None and isinstance(area, Sequence) and not isinstance(area, str)
    period_index = not (by_area and engine.dialect.name == "sqlite")
    stmt = _codes_where(_observation_select(period_index=period_index), area=area, **filters)
    stmt = _period_range(stmt, period_from, period_to)
    frame = _with_intervals(_frame(engine, stmt), confidence)
    if frame.empty:
        return pd.DataFrame(columns=OBS_COLUMNS + ["comparator", "comparator_value", "comparison"])
    bench = pd.DataFrame()
    if comparator:
        bench_stmt = _codes_where(_observation_select(), area=comparator, **filters)
        bench = _frame(engine, _period_range(bench_stmt, period_from, period_to))
    frame = _add_comparison(frame, bench, comparator, confidence)
    return withhold_small_numbers(frame, suppress_below) if suppress_below else frame


def _period_range(stmt: Select[Any], period_from: str | None, period_to: str | None) -> Select[Any]:
    """Keep periods that start on or after `period_from`'s start and end on or before `period_to`'s end."""
    if period_from:
        start = select(p.c.start_date).where(p.c.label == period_from).scalar_subquery()
        stmt = stmt.where(p.c.start_date >= start)
    if period_to:
        end = select(p.c.end_date).where(p.c.label == period_to).scalar_subquery()
        stmt = stmt.where(p.c.end_date <= end)
    return stmt


def trend(
    engine: Engine,
    *,
    measure: str,
    area: str,
    cohort: str = ALL_COHORT,
    comparator: str | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    confidence: float = 0.95,
    suppress_below: int | None = None,
) -> pd.DataFrame:
    """One measure for one area and cohort over time, with the comparator's values beside it."""
    return observations(
        engine,
        measure=measure,
        area=area,
        cohort=cohort,
        comparator=comparator,
        period_from=period_from,
        period_to=period_to,
        confidence=confidence,
        suppress_below=suppress_below,
    )


def compare_areas(
    engine: Engine,
    *,
    measure: str,
    period: str,
    cohort: str = ALL_COHORT,
    areas: Sequence[str] | None = None,
    comparator: str | None = None,
    confidence: float = 0.95,
    suppress_below: int | None = None,
) -> pd.DataFrame:
    """One measure, cohort and period across areas (all areas unless `areas` is given)."""
    return observations(
        engine,
        measure=measure,
        cohort=cohort,
        period=period,
        area=areas,
        comparator=comparator,
        confidence=confidence,
        suppress_below=suppress_below,
    )


def breakdown(
    engine: Engine,
    *,
    measure: str,
    area: str,
    period: str,
    dimension: str | None = None,
    comparator: str | None = None,
    confidence: float = 0.95,
    suppress_below: int | None = None,
) -> pd.DataFrame:
    """Every cohort of one measure, area and period (or one dimension's cohorts plus `all`)."""
    frame = observations(
        engine,
        measure=measure,
        area=area,
        period=period,
        comparator=comparator,
        confidence=confidence,
        suppress_below=suppress_below,
    )
    if dimension:
        frame = frame[frame["dimension"].isin([dimension, ALL_COHORT])].reset_index(drop=True)
    return frame


def latest_period(engine: Engine, *, measure: str, area: str | None = None, cohort: str = ALL_COHORT) -> str | None:
    """Label of the latest period with a value for the measure (and area)."""
    stmt = _codes_where(
        select(p.c.label).select_from(
            o.join(m, m.c.id == o.c.measure_id)
            .join(a, a.c.id == o.c.area_id)
            .join(c, c.c.id == o.c.cohort_id)
            .join(p, p.c.id == o.c.period_id)
        ),
        measure=measure,
        area=area,
        cohort=cohort,
    ).where(o.c.value.is_not(None))
    with engine.connect() as conn:
        return conn.execute(stmt.order_by(p.c.start_date.desc(), p.c.end_date.desc()).limit(1)).scalar()


def latest_periods(
    engine: Engine, *, areas: Sequence[str], cohort: str = ALL_COHORT, period_to: str | None = None
) -> dict[str, str]:
    """measure code -> label of its latest period with a value in any of `areas`."""
    stmt = _codes_where(
        select(m.c.code.label("measure"), p.c.label.label("period"), p.c.start_date)
        .distinct()
        .select_from(
            o.join(m, m.c.id == o.c.measure_id)
            .join(a, a.c.id == o.c.area_id)
            .join(c, c.c.id == o.c.cohort_id)
            .join(p, p.c.id == o.c.period_id)
        )
        .where(o.c.value.is_not(None)),
        area=list(areas),
        cohort=cohort,
    )
    frame = _frame(engine, _period_range(stmt, None, period_to))
    if frame.empty:
        return {}
    frame = frame.sort_values(["measure", "start_date"]).drop_duplicates("measure", keep="last")
    return dict(zip(frame["measure"], frame["period"], strict=True))


def catalogue_frame(engine: Engine, table: str) -> pd.DataFrame:
    """A whole dimension table (themes, measures, areas, cohorts, periods), in display order."""
    tables = {"themes": store.themes, "measures": m, "areas": a, "cohorts": c, "periods": p}
    if table not in tables:
        raise ValueError(f"no dimension table {table!r}")
    t = tables[table]
    order = t.c.start_date if table == "periods" else t.c.position
    return _frame(engine, select(t).order_by(order))


def measure_info(engine: Engine, *, measure: str) -> dict[str, Any]:
    """The catalogue row of one measure, or UnknownCode."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(m, store.themes.c.name.label("theme_name"))
                .join(store.themes, store.themes.c.slug == m.c.theme)
                .where(m.c.code == measure)
            )
            .mappings()
            .first()
        )
    if row is None:
        raise UnknownCode(f"unknown measure code {measure!r}")
    return dict(row)


def check_codes(
    engine: Engine,
    *,
    measure: str | None = None,
    area: str | None = None,
    cohort: str | None = None,
    period: str | None = None,
) -> None:
    """Raise UnknownCode naming the first code the store does not hold."""
    checks = (
        (m.c.code, measure, "measure code"),
        (a.c.code, area, "area code"),
        (c.c.key, cohort, "cohort"),
        (p.c.label, period, "period"),
    )
    with engine.connect() as conn:
        for column, wanted, what in checks:
            if wanted is not None and conn.execute(select(func.count()).where(column == wanted)).scalar() == 0:
                raise UnknownCode(f"unknown {what} {wanted!r}")


def commentary(engine: Engine, *, measure: str, area: str | None = None) -> pd.DataFrame:
    """Commentary on a measure: notes for every area plus those for `area`."""
    an = store.notes
    stmt = (
        select(
            an.c.id,
            p.c.label.label("period"),
            p.c.start_date,
            an.c.text,
            an.c.author,
            an.c.updated_at,
            a.c.code.label("area"),
        )
        .select_from(
            an.join(m, m.c.id == an.c.measure_id).join(p, p.c.id == an.c.period_id).outerjoin(a, a.c.id == an.c.area_id)
        )
        .where(m.c.code == measure)
        .order_by(p.c.start_date)
    )
    stmt = stmt.where(and_(an.c.area_id.is_(None) | (a.c.code == area))) if area else stmt
    return _frame(engine, stmt)


def data_info(engine: Engine) -> dict[str, str | None]:
    """What the banner and footnotes need: demo scale (if demo), data version and 'data as at' time."""
    return {key: store.get_info(engine, key) for key in ("demo", "data_version", "data_as_at")}
