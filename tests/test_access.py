"""Confidentiality: restricted measures reach analysts and admins only — through every page, callback and URL.

The crafted requests below are what Dash's renderer posts; a tampered page store can name any measure."""

from __future__ import annotations

import pytest

from dashboard import access
from dashboard.catalogue import load_catalogue
from layouts import ids
from tests.fixtures import RESTRICTED, restricted_leaks
from tests.web import (
    auth_app,
    callback_body,
    page_content,
    post_callback,
    response_text,
    sign_in,
    view_callback,
    web_client,
)

CATALOGUE = load_catalogue()
PUBLISHED = {m.code: m.published for m in CATALOGUE.measures}
ASKS = {  # what each crafted request asks for: a restricted measure's numbers by every route there is
    "trend": view_callback((ids.MEASURE_TREND, "figure"), {"measure": RESTRICTED}),
    "compare areas": view_callback((ids.MEASURE_AREAS, "figure"), {"measure": RESTRICTED}),
    "measure grid": view_callback(
        [(ids.MEASURE_GRID, "rowData"), (ids.MEASURE_SUMMARY, "children"), (ids.MEASURE_META, "children")],
        {"measure": RESTRICTED},
    ),
    "data grid": view_callback((ids.DATA_GRID, "rowData"), {"measure": RESTRICTED}),
    "drill": view_callback(
        [(ids.DRILL_BARS_TABLE, "children"), (ids.DRILL_TREND_TABLE, "children"), (ids.DRILL_AREAS_TABLE, "children")],
        {"measure": RESTRICTED, "dimension": "sex"},
    ),
    "theme cards": view_callback((ids.THEME_CARDS, "children"), {"theme": "reconvictions"}),
    "overview rug": callback_body(
        [(ids.OVERVIEW_RUG, "children")], [(ids.VIEW, "data", {}), (ids.OVERVIEW_TABS, "value", "rug")]
    ),
    "overview tiles": view_callback((ids.OVERVIEW_TILES, "children"), {}),
    "data quality": view_callback((ids.DATA_QUALITY, "children"), {}),
    "measure page": page_content(f"/measure/{RESTRICTED}"),
    "presentation": page_content("/present", "?theme=reconvictions"),
}
ECHOES_URL = {"measure page"}  # the page repeats the path it was asked for (and says there is no such measure)
SHOWS_RESTRICTED = {
    "drill",
    "trend",
    "compare areas",
    "measure grid",
    "data grid",
    "theme cards",
    "overview rug",
    "measure page",
}


def test_policy_by_role():
    assert access.visible_measures("analyst", PUBLISHED) == list(PUBLISHED)
    assert access.visible_measures("admin", PUBLISHED) == list(PUBLISHED)
    for role in ("viewer", None, "someone-else"):
        visible = access.visible_measures(role, PUBLISHED)
        assert RESTRICTED not in visible and visible == [c for c, p in PUBLISHED.items() if p]


@pytest.mark.parametrize(
    ("role", "published", "expected"),
    [("viewer", True, True), ("viewer", False, False), (None, False, False), ("analyst", False, True)],
)
def test_can_see(role, published, expected):
    assert access.can_see(role, {"published": published}) is expected
    assert access.can_see(role, CATALOGUE.measure(RESTRICTED if not published else "REC01")) is expected


def test_a_code_missing_from_the_catalogue_counts_as_restricted():
    assert access.visible_measures("viewer", {"X": False}) == []
    assert access.visible_measures("viewer", {}) == []


def test_visible_codes_from_the_store(engine):
    assert RESTRICTED in access.visible_codes(engine, "analyst")
    assert RESTRICTED not in access.visible_codes(engine, "viewer")
    assert RESTRICTED not in access.visible_codes(engine, None)


@pytest.fixture
def client(secure_store):
    return web_client(auth_app(secure_store))


@pytest.mark.parametrize("ask", sorted(ASKS))
def test_anonymous_requests_are_refused(client, ask):
    response = post_callback(client, ASKS[ask])
    assert response.status_code == 401 and restricted_leaks(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("ask", sorted(ASKS))
def test_a_viewer_never_receives_a_restricted_measure(client, ask):
    sign_in(client, "viewer")
    response = post_callback(client, ASKS[ask])
    assert response.status_code in (200, 204)
    assert restricted_leaks(response.get_data(as_text=True), echo_code=ask in ECHOES_URL) == []


@pytest.mark.parametrize("ask", sorted(SHOWS_RESTRICTED))
def test_an_analyst_does_receive_it(client, ask):
    """The same requests as an analyst show the restricted numbers: the viewer test can see a leak."""
    sign_in(client, "analyst")
    response = post_callback(client, ASKS[ask])
    assert response.status_code == 200
    assert restricted_leaks(response_text(response))


@pytest.mark.parametrize("ask", sorted(ASKS))
def test_public_mode_shows_anonymous_visitors_published_measures_only(secure_store, ask):
    client = web_client(auth_app(secure_store, public=True))
    response = post_callback(client, ASKS[ask])
    assert response.status_code in (200, 204)
    assert restricted_leaks(response.get_data(as_text=True), echo_code=ask in ECHOES_URL) == []


def test_a_restricted_measure_in_the_url_falls_back_with_a_message(client):
    sign_in(client, "viewer")
    page = response_text(post_callback(client, ASKS["measure page"]))
    unknown = response_text(post_callback(client, page_content("/measure/NOPE99")))
    assert "There is no measure" in page and page.replace(RESTRICTED, "NOPE99") == unknown  # no hint it exists


def test_the_page_title_does_not_name_a_restricted_measure(client):
    sign_in(client, "viewer")
    assert restricted_leaks(client.get(f"/measure/{RESTRICTED}").get_data(as_text=True), echo_code=True) == []
    client.get("/logout")
    sign_in(client, "analyst")
    assert "IOM cohort proven reoffending rate" in client.get(f"/measure/{RESTRICTED}").get_data(as_text=True)


def test_measure_filters_offer_viewers_published_measures_only(client):
    sign_in(client, "viewer")
    page = response_text(post_callback(client, page_content("/data")))
    assert restricted_leaks(page) == [] and "REC01" in page
    asked = response_text(post_callback(client, page_content("/data", f"?measure={RESTRICTED}")))
    assert restricted_leaks(asked, echo_code=True) == [] and "Unknown measure" in asked


def test_cached_results_are_kept_apart_by_role(client):
    """The rug is cached: an analyst's copy must never be served to a viewer with the same filters."""
    sign_in(client, "analyst")
    assert restricted_leaks(response_text(post_callback(client, ASKS["overview rug"])))
    client.get("/logout")
    sign_in(client, "viewer")
    assert restricted_leaks(response_text(post_callback(client, ASKS["overview rug"]))) == []


def test_import_reports_are_shown_to_analysts_only(client):
    body = view_callback((ids.DATA_BATCHES, "children"), {})
    sign_in(client, "viewer")
    assert "shown to analysts and admins" in response_text(post_callback(client, body))
    client.get("/logout")
    sign_in(client, "analyst")
    assert "shown to analysts and admins" not in response_text(post_callback(client, body))
