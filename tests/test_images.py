"""Charts drawn in one Chromium session come out exactly as each would alone (tabs are reused, not reloaded)."""

from __future__ import annotations

import pandas as pd

from dashboard import figures, images, queries


def test_a_batch_draws_each_figure_exactly_as_it_draws_alone(small_store):
    trend = figures.trend(
        queries.trend(small_store, measure="REC01", area="E23000039", comparator="K04000001"),
        unit="percent",
        title="Reoffending",
        target=20.0,
    )
    bars = figures.areas(
        queries.compare_areas(small_store, measure="REC01", period="2024-Q4", comparator="K04000001"),
        unit="percent",
        title="By area",
        highlight="E23000039",
    )
    empty = figures.spc(pd.DataFrame(), [], unit="percent", title="Nothing yet", summary=None)
    batch = images.render_pngs([trend, bars, empty, trend])
    alone = [images.render_pngs([fig])[0] for fig in (trend, bars, empty)]
    assert all(png.startswith(b"\x89PNG") for png in batch)
    assert batch == [*alone, alone[0]]
    assert len(set(alone)) == 3
