"""The overview's tiles and tartan rug against the plain per-measure and per-cell code they replaced.

The references below are the earlier implementations, kept word for word (apart from names) so the faster code
can be held to exactly the same output on the small store."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import pytest
from dash import html
from plotly.io.json import to_json_plotly

from dashboard import figures, formatting, overview, queries, stats
from dashboard.filters import Known, ViewFilter
from dashboard.service import load_known
from layouts import overview as overview_layout

DEFAULTS = ViewFilter(area="E23000039", comparator="K04000001", confidence=0.95)


# --- references: the per-measure tiles and the component-built rug -------------------------------------------


def _reference_tiles(engine: Any, *, spark_points: int = 12, **filters: Any) -> pd.DataFrame:
    catalogue = queries.catalogue_frame(engine, "measures")
    measures = filters.pop("measures", None)
    if measures is not None:
        catalogue = catalogue[catalogue["code"].isin(list(measures))]
    filters.setdefault("cohort", "all")
    obs = queries.observations(engine, measure=None if measures is None else list(measures), **filters)
    obs = obs.dropna(subset=["value"])
    return pd.DataFrame(
        [_reference_row(m, obs[obs["measure"] == m.code], spark_points) for m in catalogue.itertuples()]
    )


def _reference_row(m: Any, series: pd.DataFrame, spark_points: int) -> dict[str, object]:
    row: dict[str, object] = {
        "measure": m.code, "theme": m.theme, "name": m.name, "short_name": m.short_name, "unit": m.unit,
        "polarity": m.polarity, "headline": bool(m.headline), "target": m.target, "published": bool(m.published),
        "frequency": m.frequency,
    }  # fmt: skip
    if series.empty:
        return {
            **row, "latest_period": None, "value": np.nan, "comparison": "not compared", "spark": [],
            "target_status": "no target", "delta": np.nan, "previous_period": None, "trend": overview.NO_TREND,
        }  # fmt: skip
    last = series.iloc[-1]
    prev = series.iloc[-2] if len(series) > 1 else None
    return {
        **row,
        "latest_period": last["period"],
        "period_end": last["start_date"],
        "value": last["value"],
        "numerator": last["numerator"],
        "denominator": last["denominator"],
        "lower_ci": last["lower_ci"],
        "upper_ci": last["upper_ci"],
        "comparator_value": last["comparator_value"],
        "comparison": last["comparison"],
        "previous_period": None if prev is None else prev["period"],
        "delta": np.nan if prev is None else last["value"] - prev["value"],
        "target_status": overview.target_status(last["value"], m.target, m.polarity),
        "spark": series["value"].tail(spark_points).round(4).tolist(),
        "trend": _reference_trend(series.tail(5), m.unit, m.polarity),
        "provisional": bool(last["provisional"]),
        "revised": bool(last["revised"]),
    }


def _reference_trend(last: pd.DataFrame, unit: str, polarity: str) -> str:
    if unit == "percent" and last["numerator"].notna().all() and last["denominator"].notna().all():
        return stats.recent_trend(
            numerators=last["numerator"].tolist(), denominators=last["denominator"].tolist(), polarity=polarity
        )
    return stats.recent_trend(
        values=last["value"].tolist(),
        lower=last["lower_ci"].tolist(),
        upper=last["upper_ci"].tolist(),
        polarity=polarity,
    )


def _link(path: str, view: ViewFilter, defaults: ViewFilter, **extra: str) -> str:
    query = {**view.to_query(defaults), **extra}
    query.pop("measure", None) if "measure" not in extra else None
    return path + ("?" + urlencode(query) if query else "")


def _reference_rug(frame: pd.DataFrame, *, view: ViewFilter, defaults: ViewFilter, known: Known) -> Any:
    if frame.empty:
        return html.P("No data for this selection.")
    area_codes = [a for a in known.areas if a in set(frame["area"])]
    head = html.Thead(
        html.Tr(
            [html.Th("Measure", scope="col"), html.Th("Period", scope="col")]
            + [html.Th(known.areas[a], scope="col", className="rug-area") for a in area_codes]
        )
    )
    body = []
    for code, grp in frame.groupby("measure", sort=False):
        cells = {r.area: r for r in grp.itertuples()}
        row = [
            html.Th(
                html.A(known.measures.get(code, code), href=_link(f"/measure/{code}", view, defaults)), scope="row"
            ),
            html.Td(grp["period"].iloc[0]),
        ]
        for a in area_codes:
            r = cells.get(a)
            if r is None:
                row.append(html.Td("–", className="rug-cell rug-empty"))
                continue
            _, icon, word = figures.COMPARISON.get(r.comparison, figures.COMPARISON["not compared"])
            text = f"{formatting.value_with_unit(r.value, r.unit)} {icon} {word}"
            row.append(
                html.Td(
                    html.A(text, href=_link(f"/measure/{code}", view, defaults, area=a)),
                    className=f"rug-cell comparison-{r.comparison.replace(' ', '-')}",
                )
            )
        body.append(html.Tr(row))
    return html.Div(
        html.Table(
            [
                html.Caption(f"Latest value of each measure by area, compared with {known.areas.get(view.comparator)}"),
                head,
                html.Tbody(body),
            ],
            className="table table-sm rug-table",
        ),
        className="rug-scroll",
        tabIndex=0,
    )


def _as_json(tree: Any) -> Any:
    return json.loads(to_json_plotly(tree))


# --- tiles -----------------------------------------------------------------------------------------------------

TILE_VIEWS = {
    "defaults": {"area": "E23000039", "comparator": "K04000001"},
    "three periods (no trend)": {"area": "E23000039", "comparator": "K04000001", "period_to": "2023-Q3"},
    "one period (no change)": {"area": "E23000039", "comparator": "K04000001", "period_to": "2023-Q1"},
    "area with one measure": {"area": "E06000058", "comparator": "E12000009"},
    "female cohort": {"area": "E23000039", "comparator": "K04000001", "cohort": "sex=female"},
    "small numbers withheld": {"area": "E23000039", "comparator": "K04000001", "suppress_below": 300},
    "99.8% intervals": {"area": "E23000039", "comparator": "K04000001", "confidence": 0.998},
    "some measures": {"area": "E23000039", "comparator": "K04000001", "measures": ["MH01", "REC01", "ACC01"]},
    "short sparkline": {"area": "E23000039", "comparator": "K04000001", "spark_points": 3},
}


@pytest.mark.parametrize("filters", TILE_VIEWS.values(), ids=TILE_VIEWS.keys())
def test_tiles_match_the_per_measure_computation(small_store, filters):
    fast = overview.tiles(small_store, **filters)
    pd.testing.assert_frame_equal(fast, _reference_tiles(small_store, **filters))


def test_tile_references_cover_trends_gaps_and_changes(small_store):
    """The views above are worth comparing: between them they hold trends in both methods, measures without data,
    first periods without a change, and withheld values."""
    frames = {name: overview.tiles(small_store, **filters) for name, filters in TILE_VIEWS.items()}
    trends = frames["defaults"].set_index("measure")["trend"]
    assert "cannot be calculated" not in {trends["REC01"], trends["MH01"]}  # counts' test, values' regression
    assert frames["defaults"]["value"].isna().any() and frames["defaults"]["value"].notna().sum() >= 3
    assert set(frames["three periods (no trend)"]["trend"].dropna()) == {"cannot be calculated"}
    assert frames["one period (no change)"]["delta"].isna().all()
    assert frames["small numbers withheld"]["value"].notna().sum() < frames["defaults"]["value"].notna().sum()


def test_a_measure_without_data_says_its_trend_cannot_be_calculated(small_store):
    frame = overview.tiles(small_store, area="E23000039", comparator="K04000001")
    empty = frame[frame["latest_period"].isna()]
    assert len(empty) and set(empty["trend"]) == {overview.NO_TREND}
    tree = overview_layout.tiles(frame, view=DEFAULTS, defaults=DEFAULTS, known=load_known(small_store))
    shown = to_json_plotly(tree)
    assert "Recent trend: nan" not in shown and f"Recent trend: {overview.NO_TREND}" in shown


# --- tartan rug ------------------------------------------------------------------------------------------------

RUG_VIEWS = {
    "defaults": ({}, {}),
    "earlier, regional comparator": ({"comparator": "E12000009", "period_to": "2023-Q3"}, {}),
    "male cohort": ({"cohort": "sex=male"}, {}),
    "small numbers withheld, 99.8%": ({"confidence": 0.998}, {"suppress_below": 1500}),
    "some measures": ({}, {"measures": ["YTH02", "REC01"]}),
}


@pytest.mark.parametrize(("view_changes", "extra"), RUG_VIEWS.values(), ids=RUG_VIEWS.keys())
def test_rug_renders_as_the_component_tree_did(small_store, view_changes, extra):
    known = load_known(small_store)
    view = DEFAULTS.replace(**view_changes)
    frame = overview.rug(
        small_store,
        areas=list(known.rug_areas),
        comparator=view.comparator,
        cohort=view.cohort,
        period_to=view.period_to,
        confidence=view.confidence,
        **extra,
    )
    fast = overview_layout.rug(frame, view=view, defaults=DEFAULTS, known=known, measure_names=dict(known.measures))
    assert _as_json(fast) == _as_json(_reference_rug(frame, view=view, defaults=DEFAULTS, known=known))


def test_rug_cells_link_to_their_measure_and_area(small_store):
    known = load_known(small_store)
    view = DEFAULTS.replace(cohort="sex=male", period_to="2024-Q2")
    frame = overview.rug(small_store, areas=list(known.rug_areas), comparator="K04000001", cohort=view.cohort)
    rows = _as_json(overview_layout.rug(frame, view=view, defaults=DEFAULTS, known=known, measure_names={}))
    rows = rows["props"]["children"]["props"]["children"][2]["props"]["children"]
    first = rows[0]["props"]["children"]
    assert first[0]["props"]["children"]["props"]["href"] == "/measure/REC01?cohort=sex%3Dmale&to=2024-Q2"
    cell = next(c for c in first[2:] if "rug-empty" not in c["props"]["className"])
    link = cell["props"]["children"]["props"]
    assert link["href"].startswith("/measure/REC01?cohort=sex%3Dmale&to=2024-Q2&area=")
    assert link["children"].endswith(("Better", "Worse", "Similar", "Not compared", "Higher", "Lower"))
    assert cell["props"]["className"].startswith("rug-cell comparison-")


def test_empty_rug_says_so(small_store):
    known = load_known(small_store)
    frame = overview.rug(small_store, areas=list(known.rug_areas), comparator="K04000001", measures=[])
    tree = overview_layout.rug(frame, view=DEFAULTS, defaults=DEFAULTS, known=known, measure_names={})
    assert _as_json(tree)["props"]["children"] == "No data for this selection."
