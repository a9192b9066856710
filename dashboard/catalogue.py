"""The measure catalogue: read and check `data/catalogue.yaml`, and load it into the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, delete, insert, select, update

from dashboard import store
from dashboard.config import DATA_DIR

CATALOGUE_PATH = DATA_DIR / "catalogue.yaml"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader: 7× faster; every import reads it
UNITS = ("percent", "rate_per_1000", "rate_per_100000", "count", "ratio", "days")
POLARITIES = ("higher_is_better", "lower_is_better", "no_judgement")
FREQUENCIES = ("quarterly", "annual")
GEOGRAPHIES = ("all", "police", "national")
ALL_COHORT = "all"


class CatalogueError(ValueError):
    """The catalogue file is inconsistent."""


@dataclass(frozen=True)
class Measure:
    code: str
    theme: str
    name: str
    short_name: str
    definition: str
    unit: str
    polarity: str
    numerator: str
    denominator: str
    source: str
    frequency: str
    target: float | None
    caveats: str
    published: bool
    headline: bool
    breakdowns: tuple[str, ...]
    geography: str


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    type: str
    parent: str | None
    comparator: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cohort:
    key: str
    dimension: str
    value: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    description: str


@dataclass
class Catalogue:
    themes: list[Theme]
    measures: list[Measure]
    areas: list[Area]
    cohorts: list[Cohort]
    dimension_labels: dict[str, str] = field(default_factory=dict)

    def measure(self, code: str) -> Measure:
        for m in self.measures:
            if m.code == code:
                return m
        raise KeyError(code)

    def cohort_keys_for(self, measure: Measure) -> list[str]:
        """The cohorts a measure is broken down by, `all` first."""
        keys = [ALL_COHORT]
        for item in measure.breakdowns:
            if "=" in item:
                keys.append(item)
            else:
                keys.extend(c.key for c in self.cohorts if c.dimension == item)
        return keys


def _measure(raw: dict[str, Any]) -> Measure:
    return Measure(
        code=str(raw["code"]),
        theme=str(raw["theme"]),
        name=str(raw["name"]),
        short_name=str(raw.get("short_name") or raw["name"]),
        definition=str(raw["definition"]),
        unit=str(raw["unit"]),
        polarity=str(raw["polarity"]),
        numerator=str(raw.get("numerator") or ""),
        denominator=str(raw.get("denominator") or ""),
        source=str(raw["source"]),
        frequency=str(raw["frequency"]),
        target=None if raw.get("target") is None else float(raw["target"]),
        caveats=str(raw.get("caveats") or ""),
        published=bool(raw.get("published", True)),
        headline=bool(raw.get("headline", False)),
        breakdowns=tuple(str(b) for b in raw.get("breakdowns") or ()),
        geography=str(raw.get("geography", "all")),
    )


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    try:
        themes = [Theme(t["slug"], t["name"], t.get("description", "")) for t in data["themes"]]
        measures = [_measure(m) for m in data["measures"]]
        areas = [
            Area(
                a["code"],
                a["name"],
                a["type"],
                a.get("parent"),
                bool(a.get("comparator")),
                tuple(a.get("aliases") or ()),
            )
            for a in data["areas"]
        ]
        cohorts, labels = [], {}
        for dim in data["cohort_dimensions"]:
            labels[dim["dimension"]] = dim["label"]
            for v in dim["values"]:
                key = f"{dim['dimension']}={v['value']}"
                cohorts.append(
                    Cohort(key, dim["dimension"], str(v["value"]), v["label"], tuple(v.get("aliases") or ()))
                )
    except (KeyError, TypeError) as exc:
        raise CatalogueError(f"catalogue is missing a required field: {exc}") from exc
    catalogue = Catalogue(themes, measures, areas, cohorts, labels)
    check_catalogue(catalogue)
    return catalogue


def check_catalogue(cat: Catalogue) -> None:
    """Raise CatalogueError naming every inconsistency at once."""
    problems: list[str] = []
    theme_slugs = {t.slug for t in cat.themes}
    cohort_keys = {c.key for c in cat.cohorts}
    codes = [m.code for m in cat.measures]
    problems += [f"measure code {c} appears twice" for c in sorted({c for c in codes if codes.count(c) > 1})]
    for m in cat.measures:
        if m.theme not in theme_slugs:
            problems.append(f"{m.code}: unknown theme {m.theme!r}")
        if m.unit not in UNITS:
            problems.append(f"{m.code}: unit {m.unit!r} is not one of {', '.join(UNITS)}")
        if m.polarity not in POLARITIES:
            problems.append(f"{m.code}: polarity {m.polarity!r} is not one of {', '.join(POLARITIES)}")
        if m.frequency not in FREQUENCIES:
            problems.append(f"{m.code}: frequency {m.frequency!r} is not one of {', '.join(FREQUENCIES)}")
        if m.geography not in GEOGRAPHIES:
            problems.append(f"{m.code}: geography {m.geography!r} is not one of {', '.join(GEOGRAPHIES)}")
        for b in m.breakdowns:
            if b not in cat.dimension_labels and b not in cohort_keys:
                problems.append(f"{m.code}: breakdown {b!r} is not a cohort dimension or key")
    area_codes = {a.code for a in cat.areas}
    problems += [
        f"area {a.code}: unknown parent {a.parent}" for a in cat.areas if a.parent and a.parent not in area_codes
    ]
    if problems:
        raise CatalogueError("; ".join(problems))


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    with open(path, encoding="utf-8") as fh:
        return parse_catalogue(yaml.load(fh, Loader=_YAML_LOADER))


def _upsert(conn: Connection, table: Any, key_col: str, rows: list[dict[str, Any]]) -> None:
    """Insert new rows and update existing ones, matched on `key_col`."""
    existing = set(conn.execute(select(table.c[key_col])).scalars())
    new = [r for r in rows if r[key_col] not in existing]
    if new:
        conn.execute(insert(table), new)
    for row in rows:
        if row[key_col] in existing:
            conn.execute(update(table).where(table.c[key_col] == row[key_col]).values(**row))


def sync_catalogue(conn: Connection, cat: Catalogue) -> None:
    """Load or update themes, measures, areas and cohorts (codes never change meaning, so nothing is deleted)."""
    _upsert(
        conn,
        store.themes,
        "slug",
        [
            {"slug": t.slug, "name": t.name, "description": t.description, "position": i}
            for i, t in enumerate(cat.themes)
        ],
    )
    _upsert(conn, store.measures, "code", [_measure_row(m, i) for i, m in enumerate(cat.measures)])
    _upsert(
        conn,
        store.areas,
        "code",
        [
            {
                "code": a.code,
                "name": a.name,
                "type": a.type,
                "parent": a.parent,
                "comparator": a.comparator,
                "position": i,
            }
            for i, a in enumerate(cat.areas)
        ],
    )
    all_row = {"key": ALL_COHORT, "dimension": ALL_COHORT, "value": ALL_COHORT, "label": "All people", "position": 0}
    cohort_rows = [all_row] + [
        {"key": c.key, "dimension": c.dimension, "value": c.value, "label": c.label, "position": i + 1}
        for i, c in enumerate(cat.cohorts)
    ]
    _upsert(conn, store.cohorts, "key", cohort_rows)
    _sync_aliases(conn, cat.areas)


def _measure_row(m: Measure, position: int) -> dict[str, Any]:
    return {
        "code": m.code,
        "theme": m.theme,
        "name": m.name,
        "short_name": m.short_name,
        "definition": m.definition,
        "unit": m.unit,
        "polarity": m.polarity,
        "numerator_definition": m.numerator,
        "denominator_definition": m.denominator,
        "source": m.source,
        "frequency": m.frequency,
        "target": m.target,
        "caveats": m.caveats,
        "published": m.published,
        "headline": m.headline,
        "breakdowns": ",".join(m.breakdowns),
        "position": position,
    }


def _sync_aliases(conn: Connection, areas: list[Area]) -> None:
    ids = dict(conn.execute(select(store.areas.c.code, store.areas.c.id)).all())
    rows: dict[str, int] = {}
    for a in areas:
        for alias in (a.code, a.name, *a.aliases):
            rows.setdefault(normalise_name(alias), ids[a.code])
    conn.execute(delete(store.area_aliases).where(store.area_aliases.c.area_id.in_(set(rows.values()))))
    conn.execute(insert(store.area_aliases), [{"alias": k, "area_id": v} for k, v in rows.items()])


def normalise_name(text: str) -> str:
    """Fold case, '&' and punctuation so 'Devon & Cornwall' matches 'devon and cornwall'."""
    text = text.lower().replace("&", " and ")
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())
