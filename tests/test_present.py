"""Presentation mode renders every theme; its links keep the filters; tables spell out each chart."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from dash.development.base_component import Component

from app import create_app
from dashboard import views
from dashboard.catalogue import load_catalogue
from dashboard.config import Settings
from layouts import ids, present

CATALOGUE = load_catalogue()
SLUGS = [t.slug for t in CATALOGUE.themes]


@pytest.fixture
def app(small_store):
    app = create_app(Settings(database_url=small_store.url.render_as_string(hide_password=False), auth=False))
    with app.server.test_request_context("/"):
        yield app


def _text(component) -> str:
    return json.dumps(
        component.to_plotly_json() if isinstance(component, Component) else component,
        default=lambda c: c.to_plotly_json() if isinstance(c, Component) else str(c),
        ensure_ascii=False,
    )


def _root_props(page: Component) -> dict:
    return page.to_plotly_json()["props"]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_theme_has_a_slide(app, slug):
    page = present.layout(theme=slug)
    props = _root_props(page)
    assert props["id"] == ids.PRESENT
    text = _text(page)
    assert CATALOGUE.themes[SLUGS.index(slug)].name in text
    assert f"Theme {SLUGS.index(slug) + 1} of {len(SLUGS)}" in text
    assert "compared with England and Wales" in text
    assert (props["data-prev"] == "") == (slug == SLUGS[0])
    assert (props["data-next"] == "") == (slug == SLUGS[-1])
    assert props["data-exit"] == "/"


def test_reconvictions_slide_says_the_sentence_that_matters(app):
    text = _text(present.layout(theme="reconvictions", to="2023-Q4"))
    assert "Adult reoffending in Pan-Dorset was 2,533 of 11,447 (22.1%) in 2023-Q4, better than" in text
    assert "figures as at 2023-Q4" in text
    assert "Show as a table" in text and "✔ Better" in text


def test_links_keep_the_filters_and_escape_goes_to_the_overview(app):
    props = _root_props(present.layout(theme="youth", area="E06000059", to="2023-Q4"))
    assert props["data-next"] == "/present?theme=ete&area=E06000059&to=2023-Q4"
    assert props["data-prev"] == "/present?theme=accommodation&area=E06000059&to=2023-Q4"
    assert props["data-exit"] == "/?area=E06000059&to=2023-Q4"


def test_an_unknown_theme_shows_the_first_with_a_message(app):
    text = _text(present.layout(theme="nowhere"))
    assert "Unknown theme" in text and CATALOGUE.themes[0].name in text


def test_large_figure_keeps_data_and_grows_the_type():
    fig = {
        "data": [{"y": [1]}],
        "layout": {"title": {"text": "T", "font": {"size": 17}}, "annotations": [{"text": "n"}]},
    }
    big = present.large(fig, height=500)
    assert big["data"] == fig["data"] and big["layout"]["height"] == 500
    assert big["layout"]["title"] == {"text": "T", "font": {"size": present.FONT["title"]}}
    assert big["layout"]["annotations"][0]["font"]["size"] == present.FONT["note"]
    assert fig["layout"]["title"]["font"]["size"] == 17  # the cached original is not touched


def test_headline_rows_fall_back_to_the_first_two():
    frame = pd.DataFrame(
        {"theme": ["a", "a", "a", "b"], "headline": [False, False, False, True], "measure": ["A1", "A2", "A3", "B1"]}
    )
    assert present.headline_rows(frame, "a")["measure"].tolist() == ["A1", "A2"]
    assert present.headline_rows(frame, "b")["measure"].tolist() == ["B1"]


def test_table_rows_put_every_value_in_words():
    frame = pd.DataFrame(
        {
            "period": ["2023-Q4"],
            "value": [22.13],
            "lower_ci": [21.4],
            "upper_ci": [22.9],
            "comparator_value": [25.1],
            "comparison": ["better"],
            "provisional": [True],
            "revised": [False],
        }
    )
    [row] = views.table_rows(frame, "percent", "period")
    assert row == {
        "label": "2023-Q4",
        "value": "22.1%",
        "interval": "21.4%–22.9%",
        "comparator": "25.1%",
        "comparison": "✔ Better",
        "flags": "provisional",
    }
    [empty] = views.table_rows(pd.DataFrame({"period": ["2024-Q1"], "value": [None]}), "count", "period")
    assert empty["value"] == "–" and empty["comparison"] == "– Not compared" and empty["flags"] == ""


def test_chart_tables_for_trend_areas_and_breakdown(app):
    from layouts.common import services

    svc = services()
    view = svc.defaults()
    known = svc.known()
    assert [
        r["label"] for r in views.trend_table(svc, view.replace(period_from="2023-Q1", period_to="2023-Q4"), "REC01")
    ] == [
        "2023-Q1",
        "2023-Q2",
        "2023-Q3",
        "2023-Q4",
    ]
    assert "Pan-Dorset" in [r["label"] for r in views.areas_table(svc, view, known, "REC01")]
    assert {r["label"] for r in views.breakdown_table(svc, view, "REC01", "sex")} >= {"Male", "Female"}


def test_measure_and_drill_charts_have_tables(app):
    from callbacks import drill as drill_cb
    from callbacks import measure as measure_cb
    from callbacks import theme as theme_cb

    trend, breakdown, areas = (_text(t) for t in measure_cb.render_tables({"measure": "REC01", "to": "2023-Q4"}))
    assert "Show as a table" in trend and "2023-Q4" in trend and "22.1%" in trend
    assert "Female" in breakdown and "Pan-Dorset" in areas
    bars, cohort_trend, cohort_areas = (
        _text(t) for t in drill_cb.render_tables({"measure": "REC01", "cohort": "sex=female"})
    )
    assert "Male" in bars and "Female: trend" in cohort_trend and "Female: by area" in cohort_areas
    assert _text(theme_cb.render_cards({"theme": "reconvictions"})).count("Show as a table") >= 2


def test_favicon_and_present_link_on_the_overview(app):
    from layouts import overview

    index = app.server.test_client().get("/").get_data(as_text=True)
    assert "/assets/favicon.ico" in index and 'lang="en-GB"' in index
    assert "/present?area=E06000059" in _text(overview.layout(area="E06000059"))
