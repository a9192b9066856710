"""Data quality: which returns are missing or stale, which values are provisional or revised; import history."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

from dashboard import store

o, m, a, c, p = store.observations, store.measures, store.areas, store.cohorts, store.periods


def _frame(engine: Engine, stmt) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        result = conn.execute(stmt)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def latest_by_measure_area(
    engine: Engine, *, areas: list[str] | None = None, measures: list[str] | None = None
) -> pd.DataFrame:
    """For every measure × area with data (all people): its latest period with a value."""
    stmt = (
        select(
            m.c.code.label("measure"),
            m.c.name.label("measure_name"),
            m.c.frequency,
            a.c.code.label("area"),
            a.c.name.label("area_name"),
            func.max(p.c.start_date).label("latest_start"),
        )
        .select_from(
            o.join(m, m.c.id == o.c.measure_id)
            .join(a, a.c.id == o.c.area_id)
            .join(c, c.c.id == o.c.cohort_id)
            .join(p, p.c.id == o.c.period_id)
        )
        .where(c.c.key == "all", o.c.value.is_not(None))
        .group_by(m.c.code, m.c.name, m.c.frequency, a.c.code, a.c.name)
    )
    if areas:
        stmt = stmt.where(a.c.code.in_(areas))
    if measures is not None:
        stmt = stmt.where(m.c.code.in_(measures))
    return _frame(engine, stmt)


def stale_returns(engine: Engine, *, areas: list[str] | None = None, measures: list[str] | None = None) -> pd.DataFrame:
    """Measure × area pairs (of `measures`, default all) whose latest value is older than the newest period of
    the same frequency."""
    frame = latest_by_measure_area(engine, areas=areas, measures=measures)
    if frame.empty:
        return frame.assign(newest_start=pd.Series(dtype="object"), status=pd.Series(dtype="object"))
    newest = frame.groupby("frequency")["latest_start"].transform("max")
    frame = frame.assign(newest_start=newest)
    stale = frame[frame["latest_start"] < frame["newest_start"]].copy()
    stale["status"] = "missing the latest period"
    labels = _period_labels(engine)
    stale["latest_period"] = stale["latest_start"].map(labels)
    stale["newest_period"] = stale["newest_start"].map(labels)
    return stale.sort_values(["measure", "area"]).reset_index(drop=True)


def _period_labels(engine: Engine) -> dict[object, str]:
    frame = _frame(engine, select(p.c.start_date, p.c.label).where(p.c.kind != "calendar_year"))
    return dict(zip(frame["start_date"], frame["label"], strict=True))


def flagged_values(engine: Engine, *, limit: int = 500, measures: list[str] | None = None) -> pd.DataFrame:
    """Values (of `measures`, default all) marked provisional or revised, newest first."""
    stmt = (
        select(
            m.c.code.label("measure"),
            a.c.name.label("area_name"),
            c.c.label.label("cohort"),
            p.c.label.label("period"),
            o.c.value,
            o.c.provisional,
            o.c.revised,
            o.c.updated_at,
        )
        .select_from(
            o.join(m, m.c.id == o.c.measure_id)
            .join(a, a.c.id == o.c.area_id)
            .join(c, c.c.id == o.c.cohort_id)
            .join(p, p.c.id == o.c.period_id)
        )
        .where(o.c.provisional.is_(True) | o.c.revised.is_(True))
        .order_by(o.c.updated_at.desc())
        .limit(limit)
    )
    if measures is not None:
        stmt = stmt.where(m.c.code.in_(measures))
    return _frame(engine, stmt)


def import_history(engine: Engine, *, limit: int = 200) -> pd.DataFrame:
    b = store.import_batches
    stmt = select(
        b.c.id,
        b.c.file_name,
        b.c.kind,
        b.c.rows_total,
        b.c.rows_loaded,
        b.c.rows_rejected,
        b.c.rows_unchanged,
        b.c.imported_by,
        b.c.started_at,
        b.c.outcome,
        b.c.report,
    )
    return _frame(engine, stmt.order_by(b.c.id.desc()).limit(limit))
