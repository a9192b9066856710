"""Bulk reads of the small dimension tables and bulk writes of observations (COPY on PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert, select

from dashboard import store
from dashboard.periods import parse_period

OBSERVATION_COLUMNS = [
    "measure_id", "area_id", "cohort_id", "period_id", *store.VALUE_COLUMNS, "source", "batch_id", "updated_at",
]  # fmt: skip


def code_ids(conn: Connection, table: Any, key: str = "code") -> dict[str, int]:
    return dict(conn.execute(select(table.c[key], table.c.id)).all())


def ensure_periods(conn: Connection, labels: Iterable[str]) -> dict[str, int]:
    """Ids of the given canonical period labels, creating the periods that are new."""
    known = code_ids(conn, store.periods, "label")
    new = sorted({label for label in labels if label not in known})
    if new:
        rows = []
        for label in new:
            p = parse_period(label)
            rows.append({"label": p.label, "kind": p.kind, "start_date": p.start, "end_date": p.end})
        conn.execute(insert(store.periods), rows)
        known = code_ids(conn, store.periods, "label")
    return known


def with_ids(conn: Connection, frame: pd.DataFrame) -> pd.DataFrame:
    """Map measure/area/cohort codes and period labels to ids (all codes must exist)."""
    out = frame.copy()
    out["measure_id"] = out["measure"].map(code_ids(conn, store.measures))
    out["area_id"] = out["area"].map(code_ids(conn, store.areas))
    out["cohort_id"] = out["cohort"].map(code_ids(conn, store.cohorts, "key"))
    out["period_id"] = out["period"].map(ensure_periods(conn, out["period"].unique()))
    missing = out[["measure_id", "area_id", "cohort_id", "period_id"]].isna().any(axis=1)
    if missing.any():
        raise KeyError(f"unknown codes in {missing.sum()} rows, first: {frame[missing].iloc[0].to_dict()}")
    return out


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    defaults: dict[str, Any] = {
        "lower_ci": np.nan,
        "upper_ci": np.nan,
        "missing_reason": None,
        "suppressed": False,
        "provisional": False,
        "revised": False,
        "estimated": False,
        "note": None,
        "source": None,
        "batch_id": None,
        "updated_at": store.now(),
    }
    out = frame.copy()
    for col, default in defaults.items():
        if col not in out:
            out[col] = default
    return out[OBSERVATION_COLUMNS]


def insert_observations(conn: Connection, frame: pd.DataFrame, *, chunk_rows: int = 200_000) -> int:
    """Insert many observations (ids resolved), in chunks: COPY on PostgreSQL, executemany on SQLite."""
    total = 0
    for start in range(0, len(frame), chunk_rows):
        rows = _complete(frame.iloc[start : start + chunk_rows])
        if conn.dialect.name == "postgresql":
            _copy_postgres(conn, rows)
        elif conn.dialect.name == "sqlite":
            _executemany_sqlite(conn, rows)
        else:
            records = rows.astype(object).where(rows.notna(), None).to_dict("records")
            conn.execute(insert(store.observations), records)
        total += len(rows)
    return total


def _executemany_sqlite(conn: Connection, rows: pd.DataFrame) -> None:
    """The DBAPI's executemany on plain tuples: several times faster than building dicts."""
    rows = rows.copy()
    rows["updated_at"] = pd.to_datetime(rows["updated_at"]).dt.strftime("%Y-%m-%d %H:%M:%S.%f")
    for flag in ("suppressed", "provisional", "revised", "estimated"):
        rows[flag] = rows[flag].astype(bool).astype(int)
    values = rows.astype(object).where(rows.notna(), None).itertuples(index=False, name=None)
    placeholders = ", ".join("?" * len(OBSERVATION_COLUMNS))
    sql = f"INSERT INTO observations ({', '.join(OBSERVATION_COLUMNS)}) VALUES ({placeholders})"  # noqa: S608 (fixed column names, values bound)
    conn.connection.driver_connection.executemany(sql, values)  # type: ignore[union-attr]


def _copy_postgres(conn: Connection, rows: pd.DataFrame) -> None:
    buffer = io.StringIO()
    rows.to_csv(buffer, index=False, header=False, na_rep="\\N")
    buffer.seek(0)
    cols = ", ".join(OBSERVATION_COLUMNS)
    dbapi = conn.connection.driver_connection
    sql = f"COPY observations ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with dbapi.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[union-attr]
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
