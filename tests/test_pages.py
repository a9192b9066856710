"""Layouts render for every theme and measure; callbacks run directly (no browser) on a small store."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from dash.development.base_component import Component

from app import create_app
from callbacks import data as data_cb
from callbacks import drill as drill_cb
from callbacks import measure as measure_cb
from callbacks import overview as overview_cb
from callbacks import theme as theme_cb
from callbacks.shell import query_from_filters
from dashboard.catalogue import load_catalogue
from dashboard.config import Settings
from layouts import data, drill, measure, overview, theme

CATALOGUE = load_catalogue()


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


@pytest.mark.parametrize("slug", [t.slug for t in CATALOGUE.themes])
def test_every_theme_page_renders(app, slug):
    page = theme.layout(slug=slug)
    assert dict(t for t in [(x.slug, x.name) for x in CATALOGUE.themes])[slug] in _text(page)
    cards = theme_cb.render_cards({"theme": slug})
    assert len(cards) == sum(1 for m in CATALOGUE.measures if m.theme == slug)


@pytest.mark.parametrize("code", [m.code for m in CATALOGUE.measures])
def test_every_measure_page_renders(app, code):
    page = measure.layout(code=code)
    assert CATALOGUE.measure(code).name in _text(page)
    assert go.Figure(measure_cb.render_trend({"measure": code})).layout.title.text
    assert go.Figure(measure_cb.render_areas({"measure": code})).layout.title.text
    assert go.Figure(measure_cb.render_breakdown({"measure": code})).layout.title.text


def test_overview_tiles_show_all_seven_themes(app):
    page = _text(overview.layout())
    tiles = _text(overview_cb.render_tiles({}))
    for t in CATALOGUE.themes:
        assert t.name in tiles
    assert "22.0%" in tiles or "21.8%" in tiles  # REC01 pan-Dorset 2024-Q4 = 2490/11447 = 21.75%
    assert "Better than England and Wales" in tiles
    assert "filter" in page


def test_overview_as_at_an_earlier_period(app):
    tiles = _text(overview_cb.render_tiles({"to": "2023-Q4"}))
    assert "22.1%" in tiles and "Latest: 2023-Q4" in tiles


def test_rug_labels_every_cell_in_words(app):
    rug = _text(overview_cb.render_rug({}))
    assert "Pan-Dorset" in rug and "Better" in rug and "(comparator)" not in rug


def test_measure_details_and_summary(app):
    rows, sentence, meta = measure_cb.render_details({"measure": "REC01", "to": "2023-Q4"})
    assert sentence.startswith("Adult reoffending in Pan-Dorset was 2,533 of 11,447 (22.1%) in 2023-Q4, better than")
    assert [r["period"] for r in rows] == ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]
    assert "Definition" in _text(meta)


def test_trend_figure_has_band_comparator_and_footnote(app):
    fig = go.Figure(measure_cb.render_trend({"measure": "REC01"}))
    names = [t.name for t in fig.data]
    assert "95% confidence interval" in names and "England and Wales" in names
    assert any("Source: Ministry of Justice" in a.text for a in fig.layout.annotations)


def test_breakdown_bars_carry_cohort_keys_for_drilling(app):
    fig = go.Figure(drill_cb.render_bars({"measure": "REC01", "dimension": "sex"})[0])
    assert set(fig.data[0].customdata) == {"sex=male", "sex=female"}


def test_drill_click_writes_the_cohort_to_the_url(app):
    click = {"points": [{"customdata": "sex=female", "x": "Female"}]}
    assert drill_cb.drill_query(click, {"measure": "REC01", "dimension": "sex"}) == {
        "measure": "REC01",
        "dimension": "sex",
        "cohort": "sex=female",
    }
    assert drill_cb.drill_query({"points": [{"customdata": 7}]}, {}) is None
    assert drill_cb.drill_query(None, {}) is None


def test_drilled_view_shows_breadcrumb_and_cohort_trend(app):
    fig, crumbs, heading = drill_cb.render_bars({"measure": "REC01", "dimension": "sex", "cohort": "sex=female"})
    assert heading.endswith("Female") and "By sex" in _text(crumbs)
    trend, areas = drill_cb.render_selected({"measure": "REC01", "dimension": "sex", "cohort": "sex=female"})
    assert "Female" in go.Figure(trend).layout.title.text


def test_filters_write_only_non_default_values():
    defaults = {"area": "E23000039", "comparator": "K04000001", "cohort": "all", "ci": "95"}
    query = query_from_filters(
        ["area", "comparator", "from"], ["E06000059", "K04000001", ""], {"to": "2024-Q1"}, defaults
    )
    assert query == {"area": "E06000059", "to": "2024-Q1"}
    query = query_from_filters(["dimension"], ["ethnicity"], {"dimension": "sex", "cohort": "sex=male"}, defaults)
    assert "cohort" not in query


@pytest.mark.parametrize(
    "bad",
    [
        {"area": "'; DROP TABLE areas; --"},
        {"measure": "<script>"},
        {"from": "Q9 2021"},
        {"ci": "200"},
        {"cohort": "x" * 5000},
        {"area": ["E06000059", None]},
        "not a dict",
        None,
    ],
)
def test_callbacks_survive_hostile_view_data(app, bad):
    assert overview_cb.render_tiles(bad)
    assert go.Figure(measure_cb.render_trend(bad)).layout.title.text
    assert isinstance(data_cb.render_grid(bad), list)


def test_bad_url_parameters_show_a_message(app):
    page = _text(measure.layout(code="NOPE", area="E99"))
    assert "There is no measure" in page and "Unknown area" in page
    page = _text(theme.layout(slug="nowhere"))
    assert "There is no theme" in page


def test_data_page_quality_and_history(app):
    assert "Data" in _text(data.layout())
    quality = _text(data_cb.render_quality({}))
    assert "Missing or stale returns" in quality
    history = _text(data_cb.render_batches({}))
    assert "fixture" in history
    assert drill.layout(measure="REC01")


def test_spc_chart_with_icons_for_a_long_series(app):
    fig, notes = measure_cb.render_spc({"measure": "MH01"})  # 8 rising points in the fixture
    fig = go.Figure(fig)
    assert [t.name for t in fig.data][:3] == ["Process limits", None, "Mean"] or "Mean" in [t.name for t in fig.data]
    text = _text(notes)
    assert "trial limits" in text  # fewer than 12 points
    assert "variation" in text


def test_commentary_add_edit_delete(app, small_store):
    from callbacks import notes as notes_cb

    view = {"measure": "REC01"}
    feedback, refresh, text, note_id = notes_cb.save_note(view, "2023-Q4", "  New provider from Feb 2023 ", None, 0)
    assert refresh == 1 and text == "" and note_id is None
    listing = _text(notes_cb.render_notes(view))
    assert "New provider from Feb 2023" in listing
    fig = go.Figure(measure_cb.render_trend(view))
    assert fig.data[0].name == "Commentary" and list(fig.data[0].x) == ["2023-Q4"]
    patch = measure_cb.patch_commentary(1, view).to_plotly_json()
    assert "New provider from Feb 2023" in json.dumps(patch)  # only the markers travel, not the whole figure
    from dashboard import queries

    [note] = queries.commentary(small_store, measure="REC01").itertuples()
    notes_cb.save_note(view, "2024-Q1", "Provider changed again", int(note.id), 1)
    assert "Provider changed again" in _text(notes_cb.render_notes(view))
    feedback, refresh = notes_cb.delete_note(view, int(note.id), 2)
    assert refresh == 3 and "No commentary yet" in _text(notes_cb.render_notes(view))


@pytest.mark.parametrize(
    ("period", "text", "reason"),
    [
        ("2023-Q4", "   ", "Write the note"),
        ("2099-Q1", "x", "no period"),
        ("soon", "x", "Choose a period"),
        ("2023-Q4", "x" * 1001, "at most"),
    ],
)
def test_bad_notes_are_refused_and_change_nothing(app, small_store, period, text, reason):
    from callbacks import notes as notes_cb
    from dashboard import queries

    feedback, refresh, *_ = notes_cb.save_note({"measure": "REC01"}, period, text, None, 0)
    assert reason in _text(feedback)
    assert queries.commentary(small_store, measure="REC01").empty


def test_rug_waits_until_its_tab_is_opened(app):
    from dash import no_update

    assert overview_cb.render_rug({}, "tiles") is no_update


def test_every_chart_downloads_png_and_svg_under_a_name_that_carries_the_filters(app):
    page = _text(measure.layout(code="REC01", area="E06000059", cohort="sex=female", **{"from": "2023-Q2"}))
    name = "REC01-trend-E06000059-sex-female-2023-Q2-to-latest"
    assert f'"filename": "{name}"' in page  # the modebar's camera
    assert f'"data-filename": "{name}"' in page and '"data-format": "svg"' in page  # the buttons under the chart


def test_every_figure_has_a_title_and_a_footnote_with_source_area_cohort_period_and_data_date(app):
    fig = go.Figure(measure_cb.render_areas({"measure": "REC01", "cohort": "sex=male"}))
    assert fig.layout.title.text.startswith("Adult reoffending by area")
    note = next(a.text for a in fig.layout.annotations if a.text.startswith("Source:"))
    for part in ("Source: Ministry of Justice", "Male", "2024-Q4", "Data as at "):
        assert part in note
