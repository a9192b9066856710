"""Validating a return: cell text to clean observations, and every problem as (row, column, value, reason).

The checks are vectorised with pandas; Python only loops over the distinct labels of a column (a few hundred
areas, cohorts or periods at most), never over the rows of the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from dashboard import store
from dashboard.catalogue import ALL_COHORT, Catalogue, normalise_name
from dashboard.importer_read import FLAG_COLUMNS, KEY_COLUMNS, NUMBER_COLUMNS, TEXT_COLUMNS
from dashboard.periods import PeriodError, parse_period

# Markers for a value that is missing (PRODUCT.md §6), folded to lower case, with the reason stored for them.
MISSING_MARKERS: dict[str, str] = {
    "": "not supplied",
    "-": "not available (-)",
    "..": "not available (..)",
    "n/a": "not applicable (n/a)",
    "*": "suppressed (*)",
    "[c]": "confidential [c]",
    "[x]": "not available [x]",
    "[z]": "not applicable [z]",
    "[low]": "low figure, rounds to zero [low]",
    "[u]": "low reliability [u]",
}
_SMALL_NUMBER = re.compile(r"^<\s*(\d+)$")  # "<5": a small count withheld
SUPPRESSED_PREFIXES = ("suppressed", "confidential")
# value = numerator / denominator × multiplier; counts have no multiplier (the numerator is the count).
MULTIPLIERS = {"percent": 100.0, "rate_per_1000": 1000.0, "rate_per_100000": 100000.0, "ratio": 1.0, "days": 1.0}
# Units whose numerator counts a subset of the denominator, so it can never exceed it.
SUBSET_UNITS = frozenset({"percent", "rate_per_1000", "rate_per_100000"})
UNIT_WORDS = {
    "percent": "percentage",
    "rate_per_1000": "rate per 1,000",
    "rate_per_100000": "rate per 100,000",
    "ratio": "ratio",
    "count": "count",
    "days": "number of days",
}
ALL_COHORT_NAMES = frozenset({"all", "all people", "all persons", "persons"})
# What an observation stores from a row; rows with the same key must agree on all of them.
VALUE_FIELDS = (
    "value",
    "numerator",
    "denominator",
    "lower_ci",
    "upper_ci",
    "missing_reason",
    "suppressed",
    "provisional",
    "estimated",
    "note",
    "source",
)
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_GROUPED = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
_SPACES = r"[\s\u00a0\u2009\u202f%]"
_TRUE = frozenset({"yes", "y", "true", "1"})
_FALSE = frozenset({"", "no", "n", "false", "0"})
ERROR_COLUMNS = ["row", "column", "value", "reason"]


def fold(text: str) -> str:
    """Fold a cohort label: case, dashes and spacing (not punctuation: '18+' and '18-24' must stay apart)."""
    text = text.lower().replace("–", "-").replace("—", "-")
    text = re.sub(r"\s*=\s*", "=", text)
    return " ".join(text.split())


@dataclass
class Lookups:
    """Everything validation needs from the store and the catalogue, read once per import."""

    measure_units: dict[str, str]
    measure_breakdowns: dict[str, tuple[str, ...]]
    area_codes: dict[str, str]  # code -> code, and normalised names and aliases -> code
    cohort_dimensions: dict[str, str]  # folded dimension name or label -> dimension
    cohort_values: dict[tuple[str, str], str]  # (dimension, folded value, label or alias) -> key
    cohort_keys: frozenset[str]

    @classmethod
    def from_store(cls, conn: Connection, catalogue: Catalogue | None = None) -> Lookups:
        m, a, c = store.measures, store.areas, store.cohorts
        measures = conn.execute(select(m.c.code, m.c.unit, m.c.breakdowns)).all()
        area_codes: dict[str, str] = {}
        for code, name in conn.execute(select(a.c.code, a.c.name)).all():
            area_codes[code.upper()] = code
            area_codes.setdefault(normalise_name(name), code)
        join = store.area_aliases.join(a, a.c.id == store.area_aliases.c.area_id)
        for alias, code in conn.execute(select(store.area_aliases.c.alias, a.c.code).select_from(join)).all():
            area_codes.setdefault(alias, code)
        dimensions: dict[str, str] = {}
        values: dict[tuple[str, str], str] = {}
        keys = set()
        for key, dimension, value, label in conn.execute(select(c.c.key, c.c.dimension, c.c.value, c.c.label)).all():
            keys.add(key)
            dimensions[fold(dimension)] = dimension
            for name in (value, label):
                values.setdefault((dimension, fold(name)), key)
        if catalogue is not None:
            for dimension, label in catalogue.dimension_labels.items():
                dimensions.setdefault(fold(label), dimension)
            for cohort in catalogue.cohorts:
                for name in (cohort.value, cohort.label, *cohort.aliases):
                    values.setdefault((cohort.dimension, fold(name)), cohort.key)
        return cls(
            measure_units={code: unit for code, unit, _ in measures},
            measure_breakdowns={code: tuple(b for b in (bd or "").split(",") if b) for code, _, bd in measures},
            area_codes=area_codes,
            cohort_dimensions=dimensions,
            cohort_values=values,
            cohort_keys=frozenset(keys),
        )

    def area(self, text: str) -> str | None:
        return self.area_codes.get(text.upper()) or self.area_codes.get(normalise_name(text))

    def cohort(self, text: str) -> tuple[str | None, str]:
        """(cohort key, '') or (None, why not)."""
        folded = fold(text)
        if folded in ALL_COHORT_NAMES or not folded:
            return ALL_COHORT, ""
        if "=" not in folded:
            return None, "a cohort is 'all' or dimension=value, e.g. sex=female or age=18+"
        dim_text, value_text = folded.split("=", 1)
        dimension = self.cohort_dimensions.get(dim_text)
        if dimension is None or dimension == ALL_COHORT:
            known = ", ".join(sorted({d for d in self.cohort_dimensions.values() if d != ALL_COHORT}))
            return None, f"unknown cohort dimension {dim_text!r} (the store has {known})"
        key = self.cohort_values.get((dimension, value_text))
        if key is None:
            known = ", ".join(sorted(k.split("=", 1)[1] for k in self.cohort_keys if k.startswith(dimension + "=")))
            return None, f"unknown {dimension} value {value_text!r} (the store has {known})"
        return key, ""


@dataclass
class Numbers:
    """One number column parsed: values (NaN when missing or bad), marker reasons, bad cells, % signs."""

    values: pd.Series
    reason: pd.Series  # missing reason for markers (and blanks), else NaN
    bad: pd.Series
    percent: pd.Series
    text: pd.Series  # the cleaned text, for counting decimal places
    blank: pd.Series  # the cell was empty

    def decimals(self, where: pd.Series) -> pd.Series:
        """Decimal places as written, for the rows `where`: '22.1' -> 1, '2,533' -> 0 (exponent forms: 12)."""
        text = self.text[where].to_numpy(dtype=str)
        point = np.char.find(text, ".")
        places = np.where(point >= 0, np.char.str_len(text) - point - 1, 0)
        places = np.where(np.char.find(np.char.lower(text), "e") >= 0, 12, places)
        return pd.Series(places.astype(float), index=self.text.index[where]).reindex(self.text.index)


def parse_numbers(text: pd.Series, markers: dict[str, str] = MISSING_MARKERS) -> Numbers:
    """Numbers as partners write them: thousands separators, a % sign, spaces; markers mean missing."""
    blank = text.eq("")
    if blank.all():  # a column the file does not have, or leaves empty
        nothing = pd.Series(np.nan, index=text.index)
        false = pd.Series(False, index=text.index)
        return Numbers(nothing, pd.Series(markers[""], index=text.index, dtype=object), false, false, text, blank)
    values = pd.to_numeric(text, errors="coerce")
    slow = (values.isna() | ~np.isfinite(values)) & ~blank
    reason = pd.Series(np.nan, index=text.index, dtype=object).mask(blank, markers[""])
    bad = pd.Series(False, index=text.index)
    percent = pd.Series(False, index=text.index)
    cleaned = text.copy()
    if slow.any():
        t = text[slow]
        lower = t.str.lower()
        marked = lower.map(markers)
        small = lower.str.extract(_SMALL_NUMBER.pattern, expand=False)
        marked = marked.where(marked.notna() | small.isna(), "suppressed: fewer than " + small.fillna(""))
        reason[slow] = marked
        c = t.str.replace(_SPACES, "", regex=True).str.replace("\u2212", "-", regex=False)
        grouped = c.str.fullmatch(_GROUPED)
        c = c.where(~grouped, c.str.replace(",", "", regex=False))
        ok = c.str.fullmatch(_NUMBER) & marked.isna()
        values[slow] = pd.to_numeric(c.where(ok), errors="coerce")
        bad[slow] = ~ok & marked.isna()
        percent[slow] = ok & t.str.endswith("%")
        cleaned[slow] = c
    values = values.where(~bad)
    return Numbers(values.astype(float), reason, bad, percent, cleaned, blank)


@dataclass
class Validation:
    rows: pd.DataFrame  # clean, unique observations indexed by file row: KEY_COLUMNS + VALUE_FIELDS
    errors: pd.DataFrame  # ERROR_COLUMNS, one line per problem, in file order
    warnings: list[str] = field(default_factory=list)
    total: int = 0
    duplicates: list[int] = field(default_factory=list)  # rows repeating an earlier identical row
    skipped: int = 0

    @property
    def rejected_rows(self) -> list[int]:
        return sorted(set(self.errors["row"].tolist()))


# Cells a spreadsheet would run as a formula (CSV injection). Never evaluated; refused so they cannot reach an export.
FORMULA_START = r"[=+@\t\r]"
FORMULA_NUMBER = "a spreadsheet formula, not a number (formulas are never evaluated): put the value itself"
FORMULA_TEXT = "starts with '=', '+' or '@', so a spreadsheet would run it as a formula: remove that character"


class _Errors:
    """Collects problems column by column; each `add` is one vectorised rule."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, column: str, reason: str | pd.Series | Callable[[pd.Index], pd.Series]) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        index = mask.index[mask]
        why = reason(index) if callable(reason) else reason
        if isinstance(why, pd.Series):
            why = why.reindex(index).astype(str)
        self.parts.append(
            pd.DataFrame(
                {"row": index, "column": column, "value": self.frame.loc[index, column].astype(str), "reason": why},
                index=index,
            )
        )

    def extend(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        rows = list(rows)
        if rows:
            part = pd.DataFrame(rows, columns=ERROR_COLUMNS)
            self.parts.append(part.set_index(part["row"].to_numpy()))

    def rows(self) -> pd.Index:
        return pd.Index([]) if not self.parts else pd.Index(pd.concat(self.parts)["row"].unique())

    def frame_out(self, order: list[str]) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=ERROR_COLUMNS)
        out = pd.concat(self.parts, ignore_index=True)
        rank = {c: i for i, c in enumerate(order)}
        out["_c"] = out["column"].map(rank).fillna(len(rank))
        out = out.sort_values(["row", "_c"], kind="stable").drop(columns="_c").reset_index(drop=True)
        out["row"] = out["row"].astype(int)
        return out


def _by_label(column: pd.Series, resolve: Callable[[str], Any]) -> pd.Series:
    """Apply `resolve` once per distinct label, not once per row."""
    codes, labels = pd.factorize(column)
    results = np.empty(max(len(labels), 1), dtype=object)
    for i, label in enumerate(labels):
        results[i] = resolve(label)
    return pd.Series(results[codes], index=column.index, dtype=object)


def _by_label_why(column: pd.Series, resolve: Callable[[str], tuple[str | None, str]]) -> tuple[pd.Series, pd.Series]:
    """Like `_by_label` for resolvers that say why a label is unknown: (codes, reasons)."""
    codes, labels = pd.factorize(column)
    found = np.empty(max(len(labels), 1), dtype=object)
    why = np.empty(max(len(labels), 1), dtype=object)
    for i, label in enumerate(labels):
        found[i], why[i] = resolve(label)
    return pd.Series(found[codes], index=column.index, dtype=object), pd.Series(why[codes], index=column.index)


def _period(text: str) -> tuple[str | None, str]:
    try:
        return parse_period(text).label, ""
    except PeriodError as exc:
        return None, str(exc)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.6g}" if abs(x) >= 1 else f"{x:.4g}"


def validate_frame(
    frame: pd.DataFrame,
    lookups: Lookups,
    *,
    markers: dict[str, str] | None = None,
    multiply: dict[str, float] | None = None,
    skip_unknown: Collection[str] = (),
    row_errors: Iterable[tuple[int, str, str, str]] = (),
) -> Validation:
    """Check every row of `frame` (contract columns as text, indexed by file row number) at once."""
    f = frame.copy()
    for col in KEY_COLUMNS + NUMBER_COLUMNS + TEXT_COLUMNS + FLAG_COLUMNS:
        f[col] = (
            f[col].fillna("").astype(str).astype(object) if col in f else pd.Series("", index=f.index, dtype=object)
        )
    errors = _Errors(f)
    errors.extend(row_errors)
    keys, skip = _check_keys(f, lookups, errors, skip_unknown)
    numbers = {col: parse_numbers(f[col], markers or MISSING_MARKERS) for col in NUMBER_COLUMNS}
    for col, factor in (multiply or {}).items():
        numbers[col].values = numbers[col].values * factor
    out = _check_numbers(f, keys["unit"], numbers, errors, multiply or {})
    out = pd.concat([keys[list(KEY_COLUMNS)], out, _flags_and_text(f, errors)], axis=1)
    bad = out.index.isin(errors.rows())
    good = out[~bad & ~skip]
    warnings, dups, conflicts = _duplicates(good, errors)
    good = good.drop(index=dups + conflicts)
    warnings += _breakdown_warnings(good, lookups)
    if skip.any():
        warnings.insert(0, _skip_warning(f, keys, skip, skip_unknown))
    order = list(KEY_COLUMNS + NUMBER_COLUMNS + TEXT_COLUMNS + FLAG_COLUMNS)
    problems = errors.frame_out(order)
    problems = problems[~problems["row"].isin(f.index[skip])].reset_index(drop=True)
    result = Validation(good[list(KEY_COLUMNS + VALUE_FIELDS)], problems, warnings)
    result.total, result.duplicates, result.skipped = len(f), dups, int(skip.sum())
    return result


def _check_keys(
    f: pd.DataFrame, lookups: Lookups, errors: _Errors, skip_unknown: Collection[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """Resolve measure, area, cohort and period to codes; unknown ones are errors (or skipped, if asked)."""
    blank = {col: f[col].eq("") for col in ("measure", "area", "period")}
    measure = _by_label(f["measure"], str.upper)
    unit = measure.map(lookups.measure_units)
    area = _by_label(f["area"], lookups.area)
    cohort, cohort_why = _by_label_why(f["cohort"], lookups.cohort)
    period, period_why = _by_label_why(f["period"], _period)
    unknown = {
        "measure": unit.isna() & ~blank["measure"],
        "area": area.isna() & ~blank["area"],
        "cohort": cohort.isna(),
        "period": period.isna() & ~blank["period"],
    }
    skip = pd.Series(False, index=f.index)
    for col in skip_unknown:
        skip |= unknown[col]
    errors.add(blank["measure"] & ~skip, "measure", "measure is blank")
    errors.add(unknown["measure"] & ~skip, "measure", "unknown measure code")
    errors.add(blank["area"] & ~skip, "area", "area is blank")
    errors.add(unknown["area"] & ~skip, "area", "unknown area: not a GSS code or an area name the store knows")
    errors.add(unknown["cohort"] & ~skip, "cohort", cohort_why)
    errors.add(blank["period"] & ~skip, "period", "period is blank")
    errors.add(unknown["period"] & ~skip, "period", period_why)
    keys = pd.DataFrame({"measure": measure.where(unit.notna()), "area": area, "cohort": cohort, "period": period})
    keys["unit"] = unit
    return keys, skip


def _check_numbers(
    f: pd.DataFrame, unit: pd.Series, nums: dict[str, Numbers], errors: _Errors, multiply: dict[str, float]
) -> pd.DataFrame:
    """Parse, compute the value from numerator and denominator, and apply the range rules."""
    for col, parsed in nums.items():
        if not parsed.bad.any():  # a clean file: no cell to look at again
            continue
        formula = f.loc[parsed.bad, col].str.startswith("=").reindex(f.index, fill_value=False)
        errors.add(parsed.bad & formula, col, FORMULA_NUMBER)
        errors.add(parsed.bad & ~formula, col, "not a number")
    value, num, den, lo, hi = (nums[c].values for c in NUMBER_COLUMNS)
    is_percent = unit.eq("percent")
    for col in ("numerator", "denominator"):
        errors.add(nums[col].percent, col, f"a {col} is a number of people or events, not a percentage")
    for col in ("value", "lower_ci", "upper_ci"):
        errors.add(nums[col].percent & unit.notna() & ~is_percent, col, _unit_reason(f, unit, "has a % sign but"))
    multiplier = unit.map(MULTIPLIERS)
    both = num.notna() & den.notna() & multiplier.notna()
    errors.add(both & den.eq(0), "denominator", "the denominator is zero, so no value can be computed")
    computed = (num / den * multiplier).where(both & den.ne(0))
    compare = value.notna() & computed.notna()
    tolerance = 0.5 * 10.0 ** -nums["value"].decimals(compare) * multiply.get("value", 1.0) + 1e-9 * computed.abs()
    mismatch = compare & ((value - computed).abs() > tolerance)
    errors.add(mismatch, "value", lambda idx: _mismatch_reasons(idx, value, num, den, multiplier, computed))
    is_count = unit.eq("count")
    count_mismatch = is_count & value.notna() & num.notna() & (value - num).abs().gt(1e-9)
    errors.add(count_mismatch, "value", "the value and the numerator of a count must be the same number")
    final = computed.fillna(value).where(~(is_count & value.isna()), num)
    needs_den = num.notna() & nums["denominator"].blank & nums["value"].blank & multiplier.notna()
    errors.add(needs_den, "denominator", _unit_reason(f, unit, "needs a denominator with its numerator (or a value):"))
    _range_rules(f, unit, nums, errors)
    limits_ok = lo.isna() | hi.isna() | lo.le(hi)
    errors.add(~limits_ok, "lower_ci", "the lower confidence limit is above the upper one")
    for col, side in (("lower_ci", -1), ("upper_ci", 1)):
        bound = nums[col].values
        check = final.notna() & bound.notna() & limits_ok
        slack = 0.5 * 10.0 ** -nums[col].decimals(check) * multiply.get(col, 1.0) + 1e-9 * bound.abs()
        outside = check & ((final - bound) * side > slack)
        errors.add(outside, col, f"the value {'is below' if side < 0 else 'is above'} this confidence limit")
    reason = _missing_reason(f, nums).where(final.isna())
    suppressed = _by_label(reason.fillna(""), lambda r: r.startswith(SUPPRESSED_PREFIXES)).astype(bool)
    return pd.DataFrame(
        {
            "value": final,
            "numerator": num,
            "denominator": den,
            "lower_ci": lo,
            "upper_ci": hi,
            "missing_reason": reason,
            "suppressed": suppressed,
        }
    )


def _range_rules(f: pd.DataFrame, unit: pd.Series, nums: dict[str, Numbers], errors: _Errors) -> None:
    value, num, den, lo, hi = (nums[c].values for c in NUMBER_COLUMNS)
    is_percent = unit.eq("percent")
    for col in ("value", "lower_ci", "upper_ci"):
        v = nums[col].values
        errors.add(is_percent & (v.lt(0) | v.gt(100)), col, "a percentage must be between 0 and 100")
        errors.add(
            unit.notna() & ~is_percent & v.lt(0),
            col,
            _unit_reason(f, unit, "below zero:", ", which cannot be negative"),
        )
    for col, v in (("numerator", num), ("denominator", den)):
        errors.add(v.lt(0), col, f"below zero: a {col} is a count and cannot be negative")
    over = unit.isin(SUBSET_UNITS) & num.gt(den) & den.ge(0)
    errors.add(over, "numerator", lambda idx: "the numerator is larger than the denominator (" + _pair(idx, num, den))


def _pair(idx: pd.Index, a: pd.Series, b: pd.Series) -> pd.Series:
    return pd.Series([f"{_fmt(x)} > {_fmt(y)})" for x, y in zip(a[idx], b[idx], strict=True)], index=idx)


def _unit_reason(f: pd.DataFrame, unit: pd.Series, prefix: str, suffix: str = "") -> Callable[[pd.Index], pd.Series]:
    def reasons(idx: pd.Index) -> pd.Series:
        words = unit[idx].map(UNIT_WORDS).fillna("value")
        return prefix + " " + f.loc[idx, "measure"].str.upper() + " is a " + words + suffix

    return reasons


def _mismatch_reasons(
    idx: pd.Index, value: pd.Series, num: pd.Series, den: pd.Series, multiplier: pd.Series, computed: pd.Series
) -> pd.Series:
    out = []
    for v, n, d, k, c in zip(value[idx], num[idx], den[idx], multiplier[idx], computed[idx], strict=True):
        times = "" if k == 1 else f" × {_fmt(k)}"
        text = f"does not agree with numerator and denominator: {_fmt(n)} / {_fmt(d)}{times} = {c:,.4g}"
        if k == 100 and abs(v * 100 - c) <= 0.5:
            text += " (it looks like a proportion: give percentages as 22.1, not 0.221)"
        out.append(text)
    return pd.Series(out, index=idx)


def _missing_reason(f: pd.DataFrame, nums: dict[str, Numbers]) -> pd.Series:
    """Why a value is missing: its own marker first, then a marker in the numerator or denominator."""
    reason = nums["value"].reason.where(~nums["value"].blank)
    for col in ("numerator", "denominator"):
        reason = reason.fillna(nums[col].reason.where(~nums[col].blank))
    return reason.fillna(MISSING_MARKERS[""])


_LINE_STARTING_A_FORMULA = re.compile("(?:^|\n)" + FORMULA_START)


def _may_start_a_formula(column: pd.Series) -> bool:
    """Whether any cell might start like a formula: one scan of the whole column, not a match per cell.
    (A cell holding a line break can give a false alarm; the caller then checks cell by cell.)"""
    return bool(_LINE_STARTING_A_FORMULA.search("\n".join(map(str, column.tolist()))))


def _flags_and_text(f: pd.DataFrame, errors: _Errors) -> pd.DataFrame:
    out = {}
    for col in FLAG_COLUMNS:
        if f[col].eq("").all():
            out[col] = pd.Series(False, index=f.index)
            continue
        lower = _by_label(f[col], str.lower)
        errors.add(~lower.isin(_TRUE | _FALSE), col, "should be yes or no (or blank for no)")
        out[col] = lower.isin(_TRUE)
    errors.add(_by_label(f["source"], len).astype(int).gt(200), "source", "longer than 200 characters")
    for col in TEXT_COLUMNS:
        if _may_start_a_formula(f[col]):
            errors.add(f[col].str.match(FORMULA_START), col, FORMULA_TEXT)
        empty = f[col].eq("")
        out[col] = pd.Series(None, index=f.index, dtype=object) if empty.all() else f[col].where(~empty)
    return pd.DataFrame(out, index=f.index)


def _duplicates(good: pd.DataFrame, errors: _Errors) -> tuple[list[str], list[int], list[int]]:
    """Identical repeats are loaded once (a warning); the same key with different values is an error."""
    key = list(KEY_COLUMNS)
    repeated = good.duplicated(subset=key, keep=False)
    if not repeated.any():
        return [], [], []
    group = good[repeated]
    distinct = group.drop_duplicates(subset=key + list(VALUE_FIELDS))
    clash_keys = pd.MultiIndex.from_frame(distinct.loc[distinct.duplicated(subset=key, keep=False), key])
    in_clash = pd.MultiIndex.from_frame(group[key]).isin(clash_keys)
    clash_rows = group.index[in_clash]
    identical = group.duplicated(subset=key + list(VALUE_FIELDS)) & ~in_clash
    rows_by_key = group.loc[clash_rows].groupby(key, sort=False).groups
    parts = []
    for rows in rows_by_key.values():
        for row in rows:
            others = ", ".join(str(r) for r in rows if r != row)
            why = f"same measure, area, cohort and period as row {others} but a different value"
            parts.append((int(row), "value", str(errors.frame.at[row, "value"]), why))
    errors.extend(parts)
    dups = [int(r) for r in group.index[identical]]
    warnings = []
    if dups:
        listed = ", ".join(map(str, dups[:10])) + (f" and {len(dups) - 10} more" if len(dups) > 10 else "")
        warnings.append(f"row(s) {listed} repeat an earlier row exactly; each observation was loaded once")
    return warnings, dups, [int(r) for r in clash_rows]


def _breakdown_warnings(good: pd.DataFrame, lookups: Lookups) -> list[str]:
    pairs = good.loc[good["cohort"].ne(ALL_COHORT), ["measure", "cohort"]].value_counts()
    odd = []
    for pair, n in pairs.items():
        measure, cohort = str(pair[0]), str(pair[1])  # type: ignore[index]
        listed = lookups.measure_breakdowns.get(measure, ())
        if cohort not in listed and cohort.split("=", 1)[0] not in listed:
            odd.append(f"{measure} by {cohort} ({n} rows)")
    if not odd:
        return []
    more = f" and {len(odd) - 5} more" if len(odd) > 5 else ""
    return [f"breakdowns the catalogue does not list for the measure, loaded anyway: {'; '.join(odd[:5])}{more}"]


def _skip_warning(f: pd.DataFrame, keys: pd.DataFrame, skip: pd.Series, columns: Collection[str]) -> str:
    labels = []
    for col in (c for c in KEY_COLUMNS if c in columns):
        unknown = f.loc[skip & keys[col].isna() & f[col].ne(""), col].unique().tolist()
        labels += [f"{col} {x!r}" for x in unknown]
    listed = ", ".join(labels[:8]) + (f" and {len(labels) - 8} more" if len(labels) > 8 else "")
    return f"skipped {int(skip.sum())} row(s) the mapping says to skip when unknown: {listed}"
