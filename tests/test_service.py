"""The query cache: same answers cached or not, retired by imports, harmless when the cache is down."""

from __future__ import annotations

import pandas as pd
import pytest
from cachelib import SimpleCache
from plotly.io.json import to_json_plotly

from dashboard import queries, store, views
from dashboard.config import Settings
from dashboard.filters import ViewFilter
from dashboard.service import NoCache, Services


class BrokenCache:
    def get(self, key):
        raise ConnectionError("redis is down")

    def set(self, key, value, timeout=None):
        raise ConnectionError("redis is down")


def _services(engine, cache) -> Services:
    svc = Services(engine=engine, settings=Settings(database_url="sqlite://"), cache=cache)
    return svc


def test_cached_and_uncached_results_are_identical(small_store):
    svc = _services(small_store, SimpleCache())
    args = {"measure": "REC01", "area": "E23000039", "comparator": "K04000001"}
    first = svc.cached(queries.trend, **args)
    second = svc.cached(queries.trend, **args)  # from the cache
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, queries.trend(small_store, **args))


def test_an_import_retires_cached_results(small_store):
    svc = _services(small_store, SimpleCache())
    before = svc.cached(queries.trend, measure="MH01", area="E23000039")
    with small_store.begin() as conn:
        conn.execute(store.observations.update().where(store.observations.c.value == 23.0).values(value=99.0))
        store.bump_data_version(conn)  # what every import does when it changes anything
    svc._versions = (0.0, {})  # the one-second re-read window has passed
    after = svc.cached(queries.trend, measure="MH01", area="E23000039")
    assert before["value"].iloc[-1] == 23.0 and after["value"].iloc[-1] == 99.0


def test_a_cache_that_is_down_does_not_stop_the_dashboard(small_store):
    svc = _services(small_store, BrokenCache())
    frame = svc.cached(queries.trend, measure="REC01", area="E23000039")
    assert len(frame) == 8


def test_an_import_retires_exactly_the_affected_measures(small_store, tmp_path):
    from dashboard.importer import import_file

    svc = _services(small_store, SimpleCache())
    calls = []

    def counted(engine, **kwargs):
        calls.append(kwargs["measure"])
        return queries.trend(engine, **kwargs)

    for measure in ("REC01", "MH01"):
        svc.cached(counted, measure=measure, area="E23000039")
    path = tmp_path / "return.csv"
    path.write_text("measure,area,period,cohort,value\nMH01,E23000039,2024-Q4,all,30\n", encoding="utf-8")
    assert import_file(small_store, path).rows_updated == 1
    svc._versions = (0.0, {})
    for measure in ("REC01", "MH01"):
        svc.cached(counted, measure=measure, area="E23000039")
    assert calls == ["REC01", "MH01", "MH01"]  # REC01 came from the cache; MH01 was read again
    overall = svc.data_version()
    assert int(overall) == int(svc.data_version("MH01")) > int(svc.data_version("REC01"))


VIEW_PRODUCTS = {
    "trend figure": lambda svc, view, known: views.trend_figure_json(svc, view, known, "REC01"),
    "SPC figure and notes": lambda svc, view, known: views.spc_view_json(svc, view, known, "REC01"),
    "breakdown figure": lambda svc, view, known: views.breakdown_figure_json(svc, view, known, "REC01"),
    "areas figure": lambda svc, view, known: views.areas_figure_json(svc, view, known, "REC01"),
    "data-table rows": lambda svc, view, known: views.grid_rows(svc, view, "REC01"),
    "summary sentence": lambda svc, view, known: views.summary_sentence(svc, view, known, "REC01"),
    "overview tiles": lambda svc, view, known: views.tiles_frame(svc, view, known),
}


@pytest.mark.parametrize("product", VIEW_PRODUCTS)
def test_memoised_views_match_freshly_built_ones(small_store, product):
    """Figures, rows and sentences come out the same from the cache as built afresh, and as built uncached."""
    build = VIEW_PRODUCTS[product]
    cached, uncached = _services(small_store, SimpleCache()), _services(small_store, NoCache())
    view = ViewFilter(area="E23000039", comparator="K04000001", measure="REC01")
    known = cached.known()
    fresh, again, plain = (build(cached, view, known), build(cached, view, known), build(uncached, view, known))
    if isinstance(fresh, pd.DataFrame):
        pd.testing.assert_frame_equal(fresh, again)
        pd.testing.assert_frame_equal(fresh, plain)
    else:
        assert to_json_plotly(fresh) == to_json_plotly(again) == to_json_plotly(plain)
