"""Statistics for Pathways: confidence intervals, benchmarking, recent trends and small-number suppression.

Methods follow PHE Fingertips / PHEindicatormethods (intervals, benchmarking, recent trend) and NHS England's
"Making Data Count" (SPC, in `dashboard.spc`, re-exported here). Plain typed functions: no Dash.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from dashboard.spc import SpcSummary, signals, spc, spc_summary

__all__ = [
    "UNIT_MULTIPLIER", "SpcSummary", "byar_ci", "compare", "compare_frame", "count_ci", "exact_poisson_ci",
    "fill_intervals", "interval_for", "rate_ci", "recent_trend", "signals", "spc", "spc_summary", "suppress",
    "wilson_ci", "z_value",
]  # fmt: skip

UNIT_MULTIPLIER: dict[str, float] = {
    "percent": 100, "rate_per_1000": 1000, "rate_per_100000": 100000, "ratio": 1, "count": 1, "days": 1,
}  # fmt: skip
RATE_UNITS = ("rate_per_1000", "rate_per_100000", "ratio")
EXACT_BELOW = 10  # counts below this use exact Poisson limits, from this up Byar's approximation
POLARITIES = ("higher_is_better", "lower_is_better", "no_judgement")
SECONDARY_REASON = "withheld so a small number cannot be worked out (secondary)"
SOURCE_REASON = "suppressed at source"
SUPPRESSED_COLUMNS = ("value", "numerator", "denominator", "lower_ci", "upper_ci")

Number = float | int | None


# --- confidence intervals -------------------------------------------------------------------------


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile: 1.959964 for 0.95, 3.090232 for 0.998."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    return _normal_quantile(1 - (1 - confidence) / 2)


@functools.lru_cache(maxsize=64)
def _normal_quantile(p: float) -> float:
    """scipy's quantile is ~100 µs a call; an overview asks for the same few dozens of times."""
    return float(sps.norm.ppf(p))


@functools.lru_cache(maxsize=64)
def _chi2_quantile(p: float, df: int) -> float:
    return float(sps.chi2.ppf(p, df))


def wilson_ci(numerator: float, denominator: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for numerator / denominator, as proportions 0-1."""
    z = z_value(confidence)
    if not (math.isfinite(denominator) and denominator > 0):
        raise ValueError(f"denominator must be positive, not {denominator!r}")
    if not 0 <= numerator <= denominator:
        raise ValueError(f"numerator {numerator!r} is outside 0..{denominator!r}")
    q = 1 - numerator / denominator
    root = z * math.sqrt(z * z + 4 * numerator * q)
    scale = 2 * (denominator + z * z)
    lower = 0.0 if numerator == 0 else (2 * numerator + z * z - root) / scale
    upper = 1.0 if numerator == denominator else (2 * numerator + z * z + root) / scale
    return max(0.0, lower), min(1.0, upper)


def _check_count(count: float) -> None:
    if not (math.isfinite(count) and count >= 0):
        raise ValueError(f"count must be a finite number >= 0, not {count!r}")


def exact_poisson_ci(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """Exact Poisson limits for a count, from the chi-squared distribution."""
    alpha = 1 - confidence
    z_value(confidence)
    _check_count(count)
    lower = 0.0 if count == 0 else float(sps.chi2.ppf(alpha / 2, 2 * count)) / 2
    return lower, float(sps.chi2.ppf(1 - alpha / 2, 2 * count + 2)) / 2


def byar_ci(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """Byar's approximation to the Poisson limits of a count (lower limit floored at 0)."""
    z = z_value(confidence)
    _check_count(count)
    o, o1 = count, count + 1
    lower = 0.0 if o == 0 else max(0.0, o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3)
    return lower, o1 * (1 - 1 / (9 * o1) + z / (3 * math.sqrt(o1))) ** 3


def count_ci(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """Poisson limits of a count: exact below 10 events, Byar's approximation from 10 up."""
    return exact_poisson_ci(count, confidence) if count < EXACT_BELOW else byar_ci(count, confidence)


def rate_ci(count: float, denominator: float, multiplier: float = 1.0, confidence: float = 0.95) -> tuple[float, float]:
    """Limits of the crude rate count / denominator × multiplier (Poisson limits of the count, scaled)."""
    if not (math.isfinite(denominator) and denominator > 0):
        raise ValueError(f"denominator must be positive, not {denominator!r}")
    lower, upper = count_ci(count, confidence)
    return lower / denominator * multiplier, upper / denominator * multiplier


def _as_float(x: Any) -> float:
    """A float, NaN for None / NA / anything not numeric."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def _check_unit(unit: str) -> None:
    if unit not in UNIT_MULTIPLIER:
        raise ValueError(f"unit must be one of {', '.join(UNIT_MULTIPLIER)}, not {unit!r}")


def interval_for(
    unit: str, *, value: Number, numerator: Number, denominator: Number, confidence: float = 0.95
) -> tuple[float | None, float | None]:
    """The interval in the unit's display scale, or (None, None) when the inputs are missing or invalid.

    percent: Wilson on numerator / denominator × 100; rates and ratio: `rate_ci` with the unit's multiplier;
    count: `count_ci` on value (numerator when value is missing); days: no interval. Raises only for an
    unknown unit or confidence.
    """
    z_value(confidence)
    _check_unit(unit)
    num, den = _as_float(numerator), _as_float(denominator)
    try:
        if unit == "percent":
            lower, upper = wilson_ci(num, den, confidence)
            return lower * 100, upper * 100
        if unit in RATE_UNITS:
            return rate_ci(num, den, UNIT_MULTIPLIER[unit], confidence)
        if unit == "count":
            count = _as_float(value)
            return count_ci(num if math.isnan(count) else count, confidence)
    except ValueError:
        pass
    return None, None


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _wilson_arrays(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    root = z * np.sqrt(z * z + 4 * x * (1 - x / n))
    scale = 2 * (n + z * z)
    lower = np.where(x == 0, 0.0, np.maximum(0.0, (2 * x + z * z - root) / scale))
    return lower, np.where(x == n, 1.0, np.minimum(1.0, (2 * x + z * z + root) / scale))


def _count_arrays(k: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    alpha, z = 1 - confidence, z_value(confidence)
    lower, upper = np.zeros_like(k), np.zeros_like(k)
    small = k < EXACT_BELOW
    ks, kb = k[small], k[~small]
    positive = ks > 0
    lower[small] = np.where(positive, sps.chi2.ppf(alpha / 2, np.where(positive, 2 * ks, 1)) / 2, 0.0)
    upper[small] = sps.chi2.ppf(1 - alpha / 2, 2 * ks + 2) / 2
    lower[~small] = np.maximum(0.0, kb * (1 - 1 / (9 * kb) - z / (3 * np.sqrt(kb))) ** 3)
    upper[~small] = (kb + 1) * (1 - 1 / (9 * (kb + 1)) + z / (3 * np.sqrt(kb + 1))) ** 3
    return lower, upper


def fill_intervals(frame: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """A copy with missing lower_ci / upper_ci filled by `interval_for`, vectorised; supplied limits are kept.

    Needs a `unit` column; value, numerator, denominator, lower_ci and upper_ci may be missing or hold
    None / NaN / numeric strings. Each missing limit is filled independently; where no interval can be
    computed it stays NaN. lower_ci and upper_ci come back as float columns. Unknown units raise ValueError.
    """
    z = z_value(confidence)
    out = frame.copy()
    unit = out["unit"].to_numpy(dtype=object)
    unknown = set(pd.unique(unit)) - set(UNIT_MULTIPLIER)
    if unknown:
        raise ValueError(f"unknown units: {sorted(map(str, unknown))}")
    value, num, den = _column(out, "value"), _column(out, "numerator"), _column(out, "denominator")
    lower, upper = np.full(len(out), np.nan), np.full(len(out), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        good_den = np.isfinite(den) & (den > 0)
        percent = (unit == "percent") & good_den & (num >= 0) & (num <= den)
        lo, hi = _wilson_arrays(num[percent], den[percent], z)
        lower[percent], upper[percent] = lo * 100, hi * 100
        rate = np.isin(unit, RATE_UNITS) & good_den & np.isfinite(num) & (num >= 0)
        multiplier = pd.Series(unit[rate]).map(UNIT_MULTIPLIER).to_numpy(dtype=float)
        lo, hi = _count_arrays(num[rate], confidence)
        lower[rate], upper[rate] = lo / den[rate] * multiplier, hi / den[rate] * multiplier
        k = np.where(np.isnan(value), num, value)
        count = (unit == "count") & np.isfinite(k) & (k >= 0)
        lower[count], upper[count] = _count_arrays(k[count], confidence)
    supplied_lower, supplied_upper = _column(out, "lower_ci"), _column(out, "upper_ci")
    out["lower_ci"] = np.where(np.isnan(supplied_lower), lower, supplied_lower)
    out["upper_ci"] = np.where(np.isnan(supplied_upper), upper, supplied_upper)
    return out


# --- benchmarking ---------------------------------------------------------------------------------

_JUDGEMENT = {  # polarity -> (word when the interval is above the benchmark, word when below)
    "higher_is_better": ("better", "worse"),
    "lower_is_better": ("worse", "better"),
    "no_judgement": ("higher", "lower"),
}


def _check_polarity(polarity: str) -> None:
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}, not {polarity!r}")


def compare(
    value: Number, lower: Number, upper: Number, benchmark: Number, polarity: str, confidence: float = 0.95
) -> str:
    """Fingertips comparison of a value's interval with a benchmark value.

    "not compared" if anything is missing; "similar" if the interval contains the benchmark; otherwise
    better / worse by polarity ("higher" / "lower" for no_judgement). `confidence` only documents the level
    of the interval passed in.
    """
    _check_polarity(polarity)
    v, lo, hi, b = (_as_float(x) for x in (value, lower, upper, benchmark))
    if any(math.isnan(x) for x in (v, lo, hi, b)):
        return "not compared"
    lo, hi = min(lo, hi), max(lo, hi)
    if lo <= b <= hi:
        return "similar"
    above, below = _JUDGEMENT[polarity]
    return above if lo > b else below


def compare_frame(
    frame: pd.DataFrame,
    *,
    benchmark: str | float = "comparator_value",
    polarity: str = "polarity",
    value: str = "value",
    lower: str = "lower_ci",
    upper: str = "upper_ci",
) -> pd.Series:
    """`compare` for every row, vectorised.

    `benchmark` is a column name or a number; `polarity` a column name or one polarity for every row.
    """
    pol = frame[polarity].to_numpy(dtype=object) if polarity in frame else np.full(len(frame), polarity, dtype=object)
    bad = set(pd.unique(pol)) - set(POLARITIES)
    if bad:
        raise ValueError(f"unknown polarities: {sorted(map(str, bad))}")
    b = _column(frame, benchmark) if isinstance(benchmark, str) else np.full(len(frame), float(benchmark))
    v, lo, hi = _column(frame, value), _column(frame, lower), _column(frame, upper)
    missing = np.isnan(v) | np.isnan(lo) | np.isnan(hi) | np.isnan(b)
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    above_word = np.array([_JUDGEMENT[p][0] for p in pol], dtype=object)
    below_word = np.array([_JUDGEMENT[p][1] for p in pol], dtype=object)
    with np.errstate(invalid="ignore"):
        result = np.where(
            missing,
            "not compared",
            np.where((lo <= b) & (b <= hi), "similar", np.where(lo > b, above_word, below_word)),
        )
    return pd.Series(result, index=frame.index, dtype=object, name="comparison")


# --- recent trend ---------------------------------------------------------------------------------


def _proportion_trend(x: np.ndarray, n: np.ndarray, confidence: float) -> int | None:
    """Chi-squared test for trend in proportions (1 df): +1 / -1 significant, 0 not, None impossible."""
    if not (np.isfinite(x).all() and np.isfinite(n).all() and (n > 0).all() and (x >= 0).all() and (x <= n).all()):
        return None
    t = np.arange(len(x), dtype=float)
    total = n.sum()
    p = x.sum() / total
    spread = (n * t * t).sum() - (n * t).sum() ** 2 / total
    if not 0 < p < 1 or spread <= 0:
        return None
    score = (t * (x - n * p)).sum()
    chi = score**2 / (p * (1 - p) * spread)
    return int(np.sign(score)) if chi > _chi2_quantile(confidence, 1) else 0


def _regression_trend(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, confidence: float, ci_z: float) -> int | None:
    """Weighted least-squares slope of value on time (weights 1 / variance from CI width), z-tested."""
    se = (hi - lo) / (2 * ci_z)
    if not (np.isfinite(y).all() and np.isfinite(se).all() and (se > 0).all()):
        return None
    w, t = 1 / se**2, np.arange(len(y), dtype=float)
    centred = t - (w * t).sum() / w.sum()
    sxx = (w * centred**2).sum()
    slope = (w * centred * y).sum() / sxx
    return int(np.sign(slope)) if abs(slope) * math.sqrt(sxx) > z_value(confidence) else 0


def _tail(seq: Sequence[float] | None, points: int) -> np.ndarray | None:
    if seq is None or len(seq) < points:
        return None
    return np.array([_as_float(v) for v in list(seq)[-points:]], dtype=float)


def recent_trend(
    *,
    numerators: Sequence[float] | None = None,
    denominators: Sequence[float] | None = None,
    values: Sequence[float] | None = None,
    lower: Sequence[float] | None = None,
    upper: Sequence[float] | None = None,
    polarity: str,
    points: int = 5,
    confidence: float = 0.998,
    ci_confidence: float = 0.95,
) -> str:
    """Fingertips recent trend over the last `points` periods (oldest first in every sequence).

    With numerators and denominators: chi-squared test for trend in proportions. Otherwise values with
    lower / upper limits (at `ci_confidence`): weighted regression of value on time. Significance at
    `confidence`. "cannot be calculated" when fewer than `points` periods, any is missing, or a variance
    is zero.
    """
    _check_polarity(polarity)
    z_value(confidence)
    if points < 2:
        raise ValueError("points must be at least 2")
    if numerators is not None and denominators is not None:
        x, n = _tail(numerators, points), _tail(denominators, points)
        direction = None if x is None or n is None else _proportion_trend(x, n, confidence)
    elif values is not None and lower is not None and upper is not None:
        y, lo, hi = _tail(values, points), _tail(lower, points), _tail(upper, points)
        ci_z = z_value(ci_confidence)
        direction = None
        if y is not None and lo is not None and hi is not None:
            direction = _regression_trend(y, lo, hi, confidence, ci_z)
    else:
        raise ValueError("give numerators and denominators, or values with lower and upper")
    if direction is None:
        return "cannot be calculated"
    if direction == 0:
        return "no significant change"
    word = "increasing" if direction > 0 else "decreasing"
    if polarity == "no_judgement":
        return word
    better = (direction > 0) == (polarity == "higher_is_better")
    return f"{word} and getting {'better' if better else 'worse'}"


# --- small-number suppression ---------------------------------------------------------------------


def _flags(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column as an array (missing or None read as False)."""
    if column not in frame:
        return np.zeros(len(frame), dtype=bool)
    values = frame[column].to_numpy(dtype=object)
    return np.where(pd.notna(values), values, False).astype(bool)


def _reason(primary: bool, source: bool, secondary: bool, old: Any, threshold: int) -> str | None:
    """Why a row is withheld: small number first, then the supplier's own reason, then secondary."""
    if primary:
        return f"fewer than {threshold} (small number)"
    if source:
        return str(old) if pd.notna(old) else SOURCE_REASON
    return SECONDARY_REASON if secondary else None


def _secondary_pick(part: np.ndarray, counts: np.ndarray, hidden: np.ndarray) -> int | None:
    """Position of the part to withhold next: smallest shown non-zero count, else smallest shown count."""
    shown = part[~hidden[part] & ~np.isnan(counts[part])]
    if not len(shown):
        return None
    nonzero = shown[counts[shown] > 0]
    pool = nonzero if len(nonzero) else shown
    return int(pool[np.argmin(counts[pool])])  # argmin takes the first, i.e. earliest, of equal counts


def _secondary(hidden: np.ndarray, counts: np.ndarray, totals: np.ndarray, breakdowns: list[np.ndarray]) -> set[int]:
    """Extra positions to withhold in one group so no hidden count can be worked out by subtraction."""
    total_hidden = bool(hidden[totals].any())
    extra: set[int] = set()
    for part in breakdowns:
        n_hidden = int(hidden[part].sum())
        if (n_hidden == 1 and not total_hidden) or (n_hidden == 0 and total_hidden):
            pick = _secondary_pick(part, counts, hidden)
            if pick is not None:
                extra.add(pick)
            elif n_hidden == 1:
                extra.update(totals.tolist())
    return extra


def _apply_secondary(
    work: pd.DataFrame,
    hidden: np.ndarray,
    counts: np.ndarray,
    group_cols: Sequence[str],
    is_total: np.ndarray,
    dimension_col: str | None,
) -> np.ndarray:
    """Positions withheld by secondary suppression (`hidden` is updated in place). Groups share no rows."""
    secondary = np.zeros(len(work), dtype=bool)
    dims = np.zeros(len(work), dtype=int)
    if dimension_col:
        dims = np.asarray(pd.factorize(work[dimension_col], use_na_sentinel=False)[0])
    for rows in work.groupby(list(group_cols), sort=False, dropna=False).indices.values():
        rows = np.asarray(rows)
        totals, parts = rows[is_total[rows]], rows[~is_total[rows]]
        breakdowns = [parts[dims[parts] == d] for d in np.unique(dims[parts])]
        while extra := sorted(_secondary(hidden, counts, totals, breakdowns)):
            hidden[extra] = secondary[extra] = True
    return secondary


def suppress(
    frame: pd.DataFrame,
    *,
    threshold: int = 5,
    count_cols: Sequence[str] = ("numerator",),
    group_cols: Sequence[str] = (),
    is_total_col: str | None = None,
    dimension_col: str | None = None,
) -> pd.DataFrame:
    """A copy with small numbers withheld: adds `suppressed` (bool) and `suppression_reason` (str or None).

    Primary: a row is withheld when any count column is 1..threshold-1 (a zero is shown: it is a common,
    published fact such as "no proven reoffences", and hiding every zero would blank most breakdowns).
    Rows whose existing `suppressed` column is already true stay withheld ("suppressed at source").

    Secondary (only with `group_cols` and `is_total_col`): each group of `group_cols` holds parts that sum
    to the row(s) where the boolean `is_total_col` is true. With `dimension_col`, the parts are several
    breakdowns (e.g. sex, age) of that one shared total, each checked on its own. Repeated until stable:
    - total shown and exactly one part of a breakdown hidden -> also withhold that breakdown's smallest shown
      non-zero part (smallest shown part if all are zero; the total itself if no part is left);
    - total hidden and a breakdown fully shown (its sum would reveal the total) -> withhold its smallest part.
    A group with no total row is treated as if its total were published elsewhere (the cautious reading).
    Parts with a missing count are never picked. Ties go to the earlier row.
    value, numerator, denominator, lower_ci, upper_ci and the count columns become NaN on withheld rows.
    """
    if bool(group_cols) != bool(is_total_col):
        raise ValueError("secondary suppression needs both group_cols and is_total_col")
    out = frame.copy()
    counts = [_column(out, c) for c in count_cols]  # plain arrays, by position
    primary = np.zeros(len(out), dtype=bool)
    with np.errstate(invalid="ignore"):
        for column in counts:
            primary |= (column > 0) & (column < threshold)
    source = _flags(out, "suppressed")
    hidden = primary | source
    secondary = np.zeros(len(out), dtype=bool)
    if group_cols and is_total_col and hidden.any():  # nothing withheld yet: nothing can be worked out either
        work = out.reset_index(drop=True)  # positions throughout, whatever the frame's index
        first = counts[0] if counts else np.full(len(work), np.nan)
        secondary = _apply_secondary(work, hidden, first, group_cols, _flags(work, is_total_col), dimension_col)
    if hidden.any():
        old = out["suppression_reason"].to_numpy(dtype=object) if "suppression_reason" in out else [None] * len(out)
        flags = zip(primary, source, secondary, old, strict=True)
        reason: list[str | None] = [_reason(p, s, x, o, threshold) for p, s, x, o in flags]
    else:
        reason = [None] * len(out)
    out["suppressed"] = hidden
    out["suppression_reason"] = pd.Series(reason, index=out.index, dtype=object)
    for col in dict.fromkeys([*SUPPRESSED_COLUMNS, *count_cols]):
        if col in out:
            numbers = pd.to_numeric(out[col], errors="coerce")
            out[col] = numbers.where(~hidden) if hidden.any() else numbers
    return out
