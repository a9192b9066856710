#!/usr/bin/env python
"""Write a clean import file of N rows (real catalogue codes, valid numbers) for benchmarks and tests.

    python scripts/make_import_file.py 100000 /tmp/return.csv [--seed 1] [--xlsx]

Rows are measures × areas × cohorts × quarterly periods (counting back from 2024-Q4), each key once.
Percentages and rates carry numerator, denominator and the value rounded to one decimal place; ratios and
counts a value. Another --seed gives different numbers for the same keys (a "corrected" file).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.catalogue import load_catalogue  # noqa: E402
from dashboard.periods import quarter  # noqa: E402

MULTIPLIERS = {"percent": 100, "rate_per_1000": 1000, "rate_per_100000": 100000}


def keys(n: int) -> pd.DataFrame:
    """The first `n` (measure, area, cohort, period) keys, newest quarter first."""
    cat = load_catalogue()
    per_quarter = [(m.code, m.unit, a.code, c) for m in cat.measures for a in cat.areas for c in cat.cohort_keys_for(m)]
    rows: list[tuple[str, str, str, str, str]] = []
    for back in itertools.count():
        year, q = 2024 - (back // 4), 4 - back % 4
        label = quarter(year, q).label
        rows.extend((m, u, a, c, label) for m, u, a, c in per_quarter[: n - len(rows)])
        if len(rows) >= n:
            break
    return pd.DataFrame(rows, columns=["measure", "unit", "area", "cohort", "period"])


def make_frame(n: int, seed: int = 1) -> pd.DataFrame:
    frame = keys(n)
    rng = np.random.default_rng(seed)
    den = rng.integers(200, 20000, size=n).astype(float)
    share = rng.uniform(0.05, 0.6, size=n)
    num = np.floor(den * share)
    out = frame[["measure", "area", "cohort", "period"]].copy()
    mult = frame["unit"].map(MULTIPLIERS)
    with_ratio = frame["unit"].isin(list(MULTIPLIERS))
    value = np.where(with_ratio, np.round(num / den * mult.fillna(1), 1), np.round(rng.uniform(1, 500, size=n), 1))
    value = np.where(frame["unit"].eq("ratio"), np.round(rng.uniform(1.5, 5, size=n), 2), value)
    value = np.where(frame["unit"].eq("count"), np.round(rng.uniform(0, 900, size=n)), value)
    out["numerator"] = np.where(with_ratio, num, np.nan)
    out["denominator"] = np.where(with_ratio, den, np.nan)
    out["value"] = value
    out["note"] = ""
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--xlsx", action="store_true", help="write an .xlsx workbook instead of CSV")
    args = parser.parse_args()
    frame = make_frame(args.rows, args.seed)
    if args.xlsx:
        frame.to_excel(args.output, index=False, sheet_name="data")
    else:
        frame.to_csv(args.output, index=False, float_format="%.10g")
    print(f"wrote {len(frame):,} rows to {args.output}")


if __name__ == "__main__":
    main()
