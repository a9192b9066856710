"""A small store built from code: a few measures, areas, cohorts and periods with values tests can name."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, insert

from dashboard import bulk, store

PERIODS = ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
AREAS = ["E23000039", "E06000059", "E06000058", "E12000009", "K04000001"]

# (measure, area, cohort) -> denominators and numerators per period for percentages; values for counts.
_REOFFENDING = {
    ("REC01", "E23000039", "all"): (11447, [2600, 2580, 2560, 2533, 2520, 2510, 2500, 2490]),
    ("REC01", "E06000059", "all"): (5400, [1250, 1240, 1230, 1200, 1190, 1180, 1170, 1160]),
    ("REC01", "E06000058", "all"): (6047, [1350, 1340, 1330, 1333, 1330, 1330, 1330, 1330]),
    ("REC01", "E12000009", "all"): (100000, [24000] * 8),
    ("REC01", "K04000001", "all"): (1000000, [251000] * 8),
    ("REC01", "E23000039", "sex=male"): (9700, [2300] * 8),
    ("REC01", "E23000039", "sex=female"): (1747, [233] * 8),
    ("REC01", "K04000001", "sex=male"): (850000, [221000] * 8),
    ("REC01", "K04000001", "sex=female"): (150000, [30000] * 8),
    ("YTH02", "E23000039", "all"): (624, [210, 208, 207, 206, 204, 203, 202, 201]),
    ("YTH02", "K04000001", "all"): (40000, [13000] * 8),
}
_COUNTS = {
    ("MH01", "E23000039", "all"): [12, 14, 15, 17, 18, 20, 21, 23],
    ("MH01", "K04000001", "all"): [1300, 1350, 1400, 1450, 1500, 1550, 1600, 1650],
}


def fixture_frame() -> pd.DataFrame:
    rows = []
    for (measure, area, cohort), (den, nums) in _REOFFENDING.items():
        for period, num in zip(PERIODS, nums, strict=True):
            rows.append(
                {
                    "measure": measure,
                    "area": area,
                    "cohort": cohort,
                    "period": period,
                    "numerator": float(num),
                    "denominator": float(den),
                    "value": 100.0 * num / den,
                }
            )
    for (measure, area, cohort), values in _COUNTS.items():
        for period, value in zip(PERIODS, values, strict=True):
            rows.append({"measure": measure, "area": area, "cohort": cohort, "period": period, "value": float(value)})
    return pd.DataFrame(rows)


def load_fixture_observations(conn: Connection) -> int:
    batch = conn.execute(
        insert(store.import_batches).values(
            file_name="fixture",
            sha256="",
            kind="fixture",
            started_at=store.now(),
            outcome="loaded",
            report="",
        )
    ).inserted_primary_key[0]
    frame = bulk.with_ids(conn, fixture_frame())
    frame["batch_id"] = batch
    n = bulk.insert_observations(conn, frame)
    store.bump_data_version(conn)
    return n


# A restricted measure (`published: false` in the catalogue) with numbers found nowhere else in the fixture store,
# so a test can tell whether any of it reached a response.
RESTRICTED = "REC03"
RESTRICTED_NAMES = ("IOM cohort proven reoffending rate", "IOM reoffending")
RESTRICTED_DENOMINATOR = 7841
RESTRICTED_NUMERATORS = [4839, 4846, 4852, 4858, 4861, 4867, 4873, 4880]


def restricted_frame() -> pd.DataFrame:
    rows = [
        {
            "measure": RESTRICTED,
            "area": area,
            "cohort": "all",
            "period": period,
            "numerator": float(num + offset),
            "denominator": float(RESTRICTED_DENOMINATOR),
            "value": 100.0 * (num + offset) / RESTRICTED_DENOMINATOR,
        }
        for area, offset in (("E23000039", 0), ("K04000001", 0))
        for period, num in zip(PERIODS, RESTRICTED_NUMERATORS, strict=True)
    ]
    return pd.DataFrame(rows)


def load_restricted_observations(conn: Connection) -> int:
    """REC03 for pan-Dorset and England and Wales: partners' unpublished data only analysts and admins may see."""
    frame = bulk.with_ids(conn, restricted_frame())
    frame["batch_id"] = None
    n = bulk.insert_observations(conn, frame)
    store.bump_data_version(conn)
    return n


def restricted_leaks(text: str, *, echo_code: bool = False) -> list[str]:
    """Every trace of the restricted measure found in `text` (its code, names, denominator, numerators or values
    as the dashboard words them, e.g. 61.7%).

    With `echo_code`, the code may appear: a page that was asked for it by URL repeats the URL it was given."""
    needles = [*RESTRICTED_NAMES, str(RESTRICTED_DENOMINATOR), *map(str, RESTRICTED_NUMERATORS)]
    needles += sorted({f"{100 * n / RESTRICTED_DENOMINATOR:.1f}%" for n in RESTRICTED_NUMERATORS})
    needles += [] if echo_code else [RESTRICTED]
    return [needle for needle in needles if needle in text]
