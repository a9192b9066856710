"""Deterministic demo data: plausible synthetic observations that contain every published figure exactly."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from dashboard.catalogue import Area, Catalogue, Measure
from dashboard.config import DATA_DIR
from dashboard.periods import financial_year, parse_period, quarters

DEMO_PATH = DATA_DIR / "demo.yaml"
SCALES = ("local", "national")
POLICE_TYPES = {"police_force_area", "region", "country"}
NATIONAL_LAS, NATIONAL_PFAS, NATIONAL_CSPS = 318, 43, 310
COLUMNS = ["measure", "area", "cohort", "period", "value", "numerator", "denominator"]


@dataclass(frozen=True)
class DemoData:
    observations: pd.DataFrame  # columns COLUMNS, keyed by codes and labels
    annotations: list[dict[str, Any]]
    areas: list[Area]  # areas the catalogue does not define (national scale)


def load_params(path: Path = DEMO_PATH) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        params: dict[str, Any] = yaml.safe_load(fh)
    return params


def national_areas() -> list[Area]:
    """Synthetic local authorities, police force areas and CSPs for a national-scale store."""
    las = [
        Area(f"E069{i:05d}", f"Local authority {i:03d}", "unitary_authority", "E92000001")
        for i in range(1, NATIONAL_LAS + 1)
    ]
    pfas = [
        Area(f"E239{i:05d}", f"Police force area {i:02d}", "police_force_area", "E92000001")
        for i in range(1, NATIONAL_PFAS + 1)
    ]
    csps = [
        Area(f"E229{i:05d}", f"Community safety partnership {i:03d}", "community_safety_partnership", "E92000001")
        for i in range(1, NATIONAL_CSPS + 1)
    ]
    return las + pfas + csps


def _areas_for(measure: Measure, areas: list[Area]) -> list[Area]:
    if measure.geography == "national":
        return [a for a in areas if a.code == "K04000001"]
    if measure.geography == "police":
        return [a for a in areas if a.type in POLICE_TYPES]
    return areas


def _periods_for(measure: Measure, params: dict[str, Any]) -> list[str]:
    qs = quarters(params["first_quarter"], params["last_quarter"])
    if measure.frequency == "quarterly":
        return [q.label for q in qs]
    last_end = qs[-1].end
    years = range(qs[0].start.year, last_end.year + 1)
    return [financial_year(y).label for y in years if financial_year(y).end <= last_end]


def _rng(seed: int, *parts: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32("|".join(parts).encode())])


def _area_scale(area: Area, params: dict[str, Any], rng: np.random.Generator) -> float:
    known = params["area_scale"].get(area.code)
    return float(known) if known is not None else float(rng.uniform(0.25, 2.5))


def _cohort_level(measure: Measure, level: np.ndarray, cohort: str, params: dict[str, Any]) -> np.ndarray:
    """Apply a cohort's factor in the direction that makes it worse off."""
    if cohort == "all" or measure.unit == "count":
        return level
    factor = float(params["cohort_factors"].get(cohort, 1.0))
    if measure.polarity == "higher_is_better":
        return level / factor
    return level * factor


def _sample(
    measure: Measure, expected: np.ndarray, size: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Draw numerators and denominators (or counts) around the expected values."""
    den = np.maximum(1, rng.poisson(size)).astype(float)
    if measure.unit == "percent":
        p = np.clip(expected / 100, 0.005, 0.995)
        num = rng.binomial(den.astype(np.int64), p).astype(float)
        return {"numerator": num, "denominator": den, "value": 100 * num / den}
    if measure.unit in ("rate_per_1000", "rate_per_100000", "ratio"):
        mult = {"rate_per_1000": 1000.0, "rate_per_100000": 100000.0, "ratio": 1.0}[measure.unit]
        num = rng.poisson(np.maximum(expected, 0) * den / mult).astype(float)
        return {"numerator": num, "denominator": den, "value": mult * num / den}
    counts = rng.poisson(np.maximum(expected, 0)).astype(float)
    return {"numerator": np.full_like(counts, np.nan), "denominator": np.full_like(counts, np.nan), "value": counts}


def _measure_frame(measure: Measure, cat: Catalogue, areas: list[Area], params: dict[str, Any]) -> pd.DataFrame:
    """All areas × cohorts × periods of one measure; each area draws from its own seeded generator."""
    mp = params["measures"][measure.code]
    seed = int(params["seed"])
    periods = _periods_for(measure, params)
    quarterly = measure.frequency == "quarterly"
    years = (np.arange(len(periods)) - (19 if quarterly else 4)) / (4.0 if quarterly else 1.0)
    cohorts = cat.cohort_keys_for(measure)
    shares = np.array([1.0 if c == "all" else float(params["cohort_shares"].get(c, 0.2)) for c in cohorts])[:, None]
    area_list = _areas_for(measure, areas)
    parts: dict[str, list[np.ndarray]] = {"value": [], "numerator": [], "denominator": []}
    for area in area_list:
        rng = _rng(seed, measure.code, area.code)
        scale = _area_scale(area, params, rng)
        offset = mp.get("area_offsets", {}).get(area.code, rng.normal(0, mp.get("spread", 0) or 1e-9))
        if area.type == "country":
            offset = 0.0
        drift = np.cumsum(rng.normal(0, abs(mp["level"]) * 0.004, len(periods)))
        base = mp["level"] + mp["trend"] * years + offset + drift
        expected = np.vstack([_cohort_level(measure, base, c, params) for c in cohorts])
        if measure.unit == "count":
            expected = expected * shares * (1.0 if measure.geography == "national" else scale)
        size = np.broadcast_to(mp["size"] * scale * shares, expected.shape)
        sample = _sample(measure, expected, size, rng)
        for key in parts:
            parts[key].append(sample[key].ravel())
    n_per_area = len(cohorts) * len(periods)
    return pd.DataFrame(
        {
            "measure": measure.code,
            "area": np.repeat([a.code for a in area_list], n_per_area),
            "cohort": np.tile(np.repeat(cohorts, len(periods)), len(area_list)),
            "period": np.tile(periods, len(cohorts) * len(area_list)),
            **{key: np.concatenate(values) for key, values in parts.items()},
        }
    )


def _derive_free_places(frame: pd.DataFrame) -> pd.DataFrame:
    """Free prison places are capacity minus population, never an independent draw."""
    key = ["area", "cohort", "period"]
    pop = frame[frame.measure == "REC11"].set_index(key)["value"]
    cap = frame[frame.measure == "REC12"].set_index(key)["value"]
    cap = np.maximum(cap, pop + 200)
    frame.loc[frame.measure == "REC12", "value"] = cap.reindex(
        frame[frame.measure == "REC12"].set_index(key).index
    ).to_numpy()
    free = frame[frame.measure == "REC13"].set_index(key).index
    frame.loc[frame.measure == "REC13", "value"] = (cap - pop).reindex(free).to_numpy()
    return frame


def _apply_real_figures(frame: pd.DataFrame, figures: list[dict[str, Any]]) -> pd.DataFrame:
    index = frame.set_index(["measure", "area", "cohort", "period"]).index
    for fig in figures:
        key = (fig["measure"], fig["area"], fig["cohort"], parse_period(str(fig["period"])).label)
        rows = np.flatnonzero(index == key)
        if len(rows) != 1:
            raise ValueError(f"real figure {key} has no place in the demo data")
        if "numerator" in fig:
            num, den = float(fig["numerator"]), float(fig["denominator"])
            mult = 100.0 if fig["measure"] not in {"REC02", "YTH03"} else 1.0
            frame.loc[rows, ["numerator", "denominator", "value"]] = [num, den, mult * num / den]
        else:
            frame.loc[rows, ["numerator", "denominator", "value"]] = [np.nan, np.nan, float(fig["value"])]
    return frame


def generate(cat: Catalogue, *, scale: str = "local", params: dict[str, Any] | None = None) -> DemoData:
    """Every measure × area × cohort × period that makes sense, deterministic for a given parameter file."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}")
    params = params or load_params()
    extra = national_areas() if scale == "national" else []
    areas = cat.areas + extra
    frame = pd.concat([_measure_frame(m, cat, areas, params) for m in cat.measures], ignore_index=True)
    frame = _apply_real_figures(frame, params["real_figures"])
    frame = _derive_free_places(frame)
    frame["value"] = frame["value"].round(6)
    return DemoData(frame[COLUMNS], list(params.get("annotations", [])), extra)
