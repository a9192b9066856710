"""Statistical process control: XmR charts as in NHS England's "Making Data Count" and NHSRplotthedots.

`spc` builds the chart table (mean, process limits, special-cause flags); `spc_summary` turns it into the
variation and assurance icons and plain-English lines a board member can read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

LIMIT_FACTOR = 2.66  # process limits: mean ± 2.66 × mean moving range (3 sigma)
SCREEN_FACTOR = 3.267  # moving ranges at or above 3.267 × mean moving range are outliers when screening
RUN_LENGTH = 7  # points on one side of the mean, or all increasing / decreasing, that make a signal
MIN_POINTS = 12  # fewer points than this give trial limits
IMPROVEMENTS = ("increase", "decrease", "neutral")
RULES = ("outside_limits", "trend", "two_of_three", "shift")  # in order of precedence
COLUMNS = [
    "value", "mean", "lower_limit", "upper_limit", "moving_range", "special_cause", "rule", "point_type",
    "side", "segment", "baseline", "target",
]  # fmt: skip
VARIATION_ICON = {"common_cause": "〰"}
SIDE_ICON = {"high": "▲", "low": "▼"}
ASSURANCE_ICON = {"consistently_passes": "P", "consistently_fails": "F", "inconsistent": "?"}
TRIAL_WARNING = "Fewer than 12 points: these are trial limits and may change as more data arrive."


@dataclass(frozen=True)
class Signal:
    """One special-cause pattern: the rule, the points it flags (in order) and the side ("high" or "low")."""

    rule: str
    points: tuple[int, ...]
    side: str


@dataclass(frozen=True)
class SpcSummary:
    """What an SPC chart says about the latest point, and plain-English lines about every signal."""

    variation: str
    variation_icon: str
    assurance: str | None
    assurance_icon: str | None
    trial_limits: bool
    messages: list[str] = field(default_factory=list)
    warning: str | None = None


def _check_improvement(improvement: str) -> None:
    if improvement not in IMPROVEMENTS:
        raise ValueError(f"improvement must be one of {', '.join(IMPROVEMENTS)}, not {improvement!r}")


def _segment_ids(n: int, rebase_at: Sequence[int]) -> np.ndarray:
    """Segment number of every point: a new segment starts at each rebase index."""
    starts = np.zeros(n, dtype=int)
    for i in rebase_at:
        if not 0 <= int(i) < n:
            raise ValueError(f"rebase index {i} is outside 0..{n - 1}")
        starts[int(i)] = 1
    starts[:1] = 0
    return np.cumsum(starts)


def _limits(y: np.ndarray, fix_after: int | None, screen_outliers: bool) -> tuple[float, float, np.ndarray]:
    """Mean, mean moving range and baseline mask of one segment (NHSRplotthedots' ptd_spc_standard)."""
    baseline = np.arange(len(y)) < (fix_after if fix_after is not None else len(y))
    base = y[baseline]
    ranges = np.abs(np.diff(base))
    if len(ranges) == 0:
        return float(base.mean()), float("nan"), baseline
    amr = float(ranges.mean())
    if screen_outliers:
        amr = float(ranges[ranges < SCREEN_FACTOR * amr].mean())
    return float(base.mean()), amr, baseline


def spc(
    values: Sequence[float],
    improvement: str = "neutral",
    *,
    target: float | None = None,
    fix_after: int | None = None,
    rebase_at: Sequence[int] = (),
    screen_outliers: bool = False,
) -> pd.DataFrame:
    """An XmR chart table, one row per point, in the order given.

    Columns: value, mean, lower_limit, upper_limit, moving_range (NaN at each segment start), special_cause,
    rule (the first of RULES that flags the point, else None), point_type ("improvement" | "concern" |
    "neutral" | "common_cause"), side ("high" | "low" | None), segment (0, 1, ... after each rebase),
    baseline (the point was used to compute its segment's limits) and target.

    Each segment (a new one starts at each index in `rebase_at`) has its own mean and limits, computed from
    its first `fix_after` points when given and extended to the rest. Runs and windows never cross a segment
    boundary. Values must be finite: drop missing periods before calling.
    """
    _check_improvement(improvement)
    if fix_after is not None and fix_after < 1:
        raise ValueError("fix_after must be at least 1")
    y = np.asarray(values, dtype=float)
    if not np.isfinite(y).all():
        raise ValueError("values must be finite: drop missing periods first")
    n = len(y)
    segment = _segment_ids(n, rebase_at)
    mean, amr, baseline = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    moving_range = np.full(n, np.nan)
    for seg in np.unique(segment):
        idx = np.flatnonzero(segment == seg)
        mean[idx], amr[idx], baseline[idx] = _limits(y[idx], fix_after, screen_outliers)
        moving_range[idx[1:]] = np.abs(np.diff(y[idx]))
    table = pd.DataFrame(
        {
            "value": y,
            "mean": mean,
            "lower_limit": mean - LIMIT_FACTOR * amr,
            "upper_limit": mean + LIMIT_FACTOR * amr,
            "moving_range": moving_range,
            "segment": segment,
            "baseline": baseline,
            "target": np.nan if target is None else float(target),
        }
    )
    rule: list[str | None] = [None] * n
    side: list[str | None] = [None] * n
    for signal in signals(table):  # already in order of precedence
        for i in signal.points:
            if rule[i] is None:
                rule[i], side[i] = signal.rule, signal.side
    table["rule"], table["side"] = pd.Series(rule, dtype=object), pd.Series(side, dtype=object)
    table["special_cause"] = table["rule"].notna()
    table["point_type"] = [_point_type(s, improvement) for s in side]
    return table[COLUMNS]


def _point_type(side: str | None, improvement: str) -> str:
    if side is None:
        return "common_cause"
    if improvement == "neutral":
        return "neutral"
    return "improvement" if (side == "high") == (improvement == "increase") else "concern"


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs of equal labels as (first index, last index, label)."""
    runs, start = [], 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            runs.append((start, i - 1, int(labels[start])))
            start = i
    return runs


def _segment_signals(y: np.ndarray, mean: float, upper: float, offset: int) -> dict[str, list[Signal]]:
    """The signals of one segment by rule; indices are shifted by `offset` to the whole series."""
    found: dict[str, list[Signal]] = {rule: [] for rule in RULES}
    sigma = (upper - mean) / 3
    sides = (("high", 1), ("low", -1))
    for i in np.flatnonzero(np.abs(y - mean) > 3 * sigma):
        found["outside_limits"].append(Signal("outside_limits", (offset + int(i),), "high" if y[i] > mean else "low"))
    for first, last, sign in _runs(np.sign(np.diff(y))):
        if sign != 0 and last - first + 2 >= RUN_LENGTH:
            points = tuple(range(offset + first, offset + last + 2))
            found["trend"].append(Signal("trend", points, "high" if sign > 0 else "low"))
    for name, sign in sides:
        beyond = sign * (y - mean) > 2 * sigma
        flagged: list[int] = []
        for w in range(len(y) - 2):
            if beyond[w : w + 3].sum() >= 2:
                flagged += [w + k for k in range(3) if beyond[w + k] and w + k not in flagged]
        for cluster in _clusters(flagged):
            found["two_of_three"].append(Signal("two_of_three", tuple(offset + i for i in cluster), name))
    for first, last, sign in _runs(np.sign(y - mean)):
        if sign != 0 and last - first + 1 >= RUN_LENGTH:
            points = tuple(range(offset + first, offset + last + 1))
            found["shift"].append(Signal("shift", points, "high" if sign > 0 else "low"))
    return found


def _clusters(points: list[int]) -> list[list[int]]:
    """Sorted points split where two neighbours are more than 2 apart (so cannot share a window of 3)."""
    clusters: list[list[int]] = []
    for p in sorted(points):
        if clusters and p - clusters[-1][-1] <= 2:
            clusters[-1].append(p)
        else:
            clusters.append([p])
    return clusters


def signals(table: pd.DataFrame) -> list[Signal]:
    """Every special-cause signal in an `spc` table, by rule precedence then time.

    (1) outside_limits: a point beyond a process limit. (2) trend: 7 or more points each strictly higher (or
    lower) than the one before. (3) two_of_three: in 3 consecutive points, 2 or more beyond 2 sigma on the
    same side of the mean (those beyond are flagged). (4) shift: 7 or more points on the same side of the
    mean (a point on the mean breaks the run).
    """
    found: dict[str, list[Signal]] = {rule: [] for rule in RULES}
    segment = table["segment"].to_numpy() if "segment" in table else np.zeros(len(table), dtype=int)
    y, mean, upper = (table[c].to_numpy(dtype=float) for c in ("value", "mean", "upper_limit"))
    for seg in pd.unique(segment):
        idx = np.flatnonzero(segment == seg)
        for rule, items in _segment_signals(y[idx], mean[idx[0]], upper[idx[0]], int(idx[0])).items():
            found[rule] += items
    return [s for rule in RULES for s in sorted(found[rule], key=lambda s: s.points)]


def _assurance(improvement: str, target: float | None, lower: float, upper: float) -> str | None:
    """Whether the process will meet the target: judged from the latest limits (NHSRplotthedots' rule)."""
    if improvement == "neutral" or target is None or np.isnan(target) or np.isnan(lower) or np.isnan(upper):
        return None
    passes, fails = (target < lower, target > upper) if improvement == "increase" else (target > upper, target < lower)
    return "consistently_passes" if passes else "consistently_fails" if fails else "inconsistent"


def _message(signal: Signal, labels: Sequence[str], unit_word: str) -> str:
    first, last, n = labels[signal.points[0]], labels[signal.points[-1]], len(signal.points)
    above = signal.side == "high"
    if signal.rule == "outside_limits":
        text = f"{first} is {'above the upper' if above else 'below the lower'} process limit"
    elif signal.rule == "trend":
        text = f"{n} {unit_word} in a row {'increasing' if above else 'decreasing'} ({first} to {last})"
    elif signal.rule == "two_of_three":
        span = max(signal.points[-1] - signal.points[0] + 1, 3)
        limit = "upper" if above else "lower"
        text = f"{n} of {span} {unit_word} close to the {limit} limit ({first} to {last})"
    else:
        text = f"{n} {unit_word} in a row {'above' if above else 'below'} the average ({first} to {last})"
    return text[:1].upper() + text[1:]


def spc_summary(
    table: pd.DataFrame,
    improvement: str,
    target: float | None = None,
    *,
    labels: Sequence[str] | None = None,
    unit_word: str = "quarters",
) -> SpcSummary:
    """Variation and assurance of the latest point, trial-limit warning and one message per signal.

    `labels` name the periods in messages (default "point 1", "point 2", ...). `target` defaults to the
    table's target column. Assurance is None without a target or for neutral improvement.
    """
    _check_improvement(improvement)
    if labels is None:
        labels = [f"point {i + 1}" for i in range(len(table))]
    if len(labels) != len(table):
        raise ValueError(f"{len(labels)} labels for {len(table)} points")
    if table.empty:
        return SpcSummary("common_cause", VARIATION_ICON["common_cause"], None, None, True, [], TRIAL_WARNING)
    latest = table.iloc[-1]
    if target is None and "target" in table and pd.notna(latest["target"]):
        target = float(latest["target"])
    variation, icon = "common_cause", VARIATION_ICON["common_cause"]
    if latest["point_type"] != "common_cause":
        variation, icon = f"special_cause_{latest['point_type']}", SIDE_ICON[str(latest["side"])]
    assurance = _assurance(improvement, target, float(latest["lower_limit"]), float(latest["upper_limit"]))
    segment = table["segment"] if "segment" in table else pd.Series(0, index=table.index)
    in_latest = table[segment == segment.iloc[-1]]
    base = int(in_latest["baseline"].sum()) if "baseline" in table else len(in_latest)
    trial = base < MIN_POINTS
    ordered = sorted(signals(table), key=lambda s: (s.points[0], RULES.index(s.rule)))
    return SpcSummary(
        variation=variation,
        variation_icon=icon,
        assurance=assurance,
        assurance_icon=ASSURANCE_ICON.get(assurance) if assurance else None,
        trial_limits=trial,
        messages=[_message(s, labels, unit_word) for s in ordered],
        warning=TRIAL_WARNING if trial else None,
    )
