from __future__ import annotations

import copy

import pytest
import yaml
from sqlalchemy import select

from dashboard import store
from dashboard.catalogue import CATALOGUE_PATH, CatalogueError, load_catalogue, parse_catalogue, sync_catalogue

# PRODUCT.md §6: codes, units and polarities that must not drift.
CONTRACT = {
    "ACC01": ("percent", "higher_is_better"),
    "ACC02": ("percent", "lower_is_better"),
    "ACC03": ("percent", "higher_is_better"),
    "ACC04": ("percent", "higher_is_better"),
    "ACC05": ("percent", "higher_is_better"),
    "YTH01": ("rate_per_100000", "lower_is_better"),
    "YTH02": ("percent", "lower_is_better"),
    "YTH03": ("ratio", "lower_is_better"),
    "YTH04": ("rate_per_1000", "lower_is_better"),
    "YTH05": ("percent", "higher_is_better"),
    "ETE01": ("percent", "higher_is_better"),
    "ETE02": ("percent", "higher_is_better"),
    "ETE03": ("percent", "higher_is_better"),
    "ETE04": ("percent", "higher_is_better"),
    "MH01": ("count", "higher_is_better"),
    "MH02": ("percent", "higher_is_better"),
    "MH03": ("percent", "higher_is_better"),
    "REC01": ("percent", "lower_is_better"),
    "REC02": ("ratio", "lower_is_better"),
    "REC03": ("percent", "lower_is_better"),
    "REC04": ("percent", "lower_is_better"),
    "REC05": ("count", "higher_is_better"),
    "REC06": ("percent", "higher_is_better"),
    "REC07": ("percent", "higher_is_better"),
    "REC08": ("count", "lower_is_better"),
    "REC09": ("count", "no_judgement"),
    "SUB01": ("percent", "higher_is_better"),
    "SUB02": ("count", "no_judgement"),
    "SUB03": ("percent", "higher_is_better"),
    "SUB04": ("percent", "no_judgement"),
    "DA01": ("percent", "lower_is_better"),
    "DA02": ("percent", "no_judgement"),
    "DA03": ("count", "no_judgement"),
    "DA04": ("percent", "higher_is_better"),
}
THEMES = ["accommodation", "youth", "ete", "mental-health", "reconvictions", "substance-misuse", "domestic-abuse"]


def test_catalogue_keeps_the_contract():
    cat = load_catalogue()
    for code, (unit, polarity) in CONTRACT.items():
        measure = cat.measure(code)
        assert (measure.unit, measure.polarity) == (unit, polarity), code
    assert [t.slug for t in cat.themes] == THEMES
    assert {"E06000059", "E06000058", "E23000039", "E12000009", "E92000001", "K04000001"} <= {a.code for a in cat.areas}


def test_every_measure_is_documented():
    for m in load_catalogue().measures:
        assert m.definition and m.source and m.name, m.code
        if m.unit in ("percent", "rate_per_1000", "rate_per_100000", "ratio"):
            assert m.numerator and m.denominator, m.code


def _raw():
    with open(CATALOGUE_PATH, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["measures"][0].update(unit="furlongs"), "unit 'furlongs'"),
        (lambda d: d["measures"][0].update(polarity="up"), "polarity 'up'"),
        (lambda d: d["measures"][0].update(theme="nowhere"), "unknown theme"),
        (lambda d: d["measures"][1].update(code="ACC01"), "appears twice"),
        (lambda d: d["measures"][0].update(breakdowns=["shoe-size"]), "not a cohort dimension"),
        (lambda d: d["measures"][0].pop("definition"), "missing a required field"),
    ],
)
def test_inconsistent_catalogue_is_refused(mutate, message):
    data = copy.deepcopy(_raw())
    mutate(data)
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(data)


def test_load_and_reload_updates_the_store(engine):
    data = _raw()
    data["measures"][0]["name"] = "Settled accommodation on release (edited)"
    data["measures"][0]["target"] = 58
    with engine.begin() as conn:
        sync_catalogue(conn, parse_catalogue(data))
        sync_catalogue(conn, parse_catalogue(data))  # twice is harmless
    with engine.connect() as conn:
        row = conn.execute(select(store.measures).where(store.measures.c.code == "ACC01")).mappings().one()
        n_measures = len(conn.execute(select(store.measures.c.id)).all())
        aliases = dict(conn.execute(select(store.area_aliases.c.alias, store.area_aliases.c.area_id)).all())
    assert row["name"].endswith("(edited)") and row["target"] == 58
    assert n_measures == len(data["measures"])
    assert "bcp council" in aliases and "devon and cornwall" in aliases
