"""The figure builders write plotly JSON by hand (no per-request validation), so plotly checks every one here."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.io.json import to_json_plotly

from dashboard import figures, queries, stats

Builder = Callable[[Any], figures.Figure]


def _trend(engine: Any, **extra: Any) -> figures.Figure:
    frame = queries.trend(engine, measure="REC01", area="E23000039", comparator="K04000001")
    notes = pd.DataFrame({"period": ["2024-Q2"], "text": ["New hostel opened"]})
    return figures.trend(
        frame,
        unit="percent",
        title="Reoffending",
        footnote="Source: MoJ",
        target=20.0,
        annotations=notes,
        comparator_name="England and Wales",
        **extra,
    )


def _areas(engine: Any) -> figures.Figure:
    frame = queries.compare_areas(engine, measure="REC01", period="2024-Q4", comparator="K04000001")
    return figures.areas(
        frame, unit="percent", title="By area", highlight="E23000039", comparator_value=25.1, comparator_name="E&W"
    )


def _breakdown(engine: Any) -> figures.Figure:
    frame = queries.breakdown(engine, measure="REC01", area="E23000039", period="2024-Q4", comparator="K04000001")
    return figures.breakdown(frame, unit="percent", title="By sex", selected="sex=female")


def _spc(engine: Any) -> figures.Figure:
    values = queries.trend(engine, measure="REC01", area="E23000039")["value"].tolist()
    table = stats.spc(values, "decrease", target=21.0)
    summary = stats.spc_summary(table, "decrease", 21.0, labels=[str(i) for i in range(len(values))])
    return figures.spc(table, [str(i) for i in range(len(values))], unit="percent", title="SPC", summary=summary)


EMPTY = pd.DataFrame(columns=queries.OBS_COLUMNS + ["comparator", "comparator_value", "comparison"])
BUILDERS: dict[str, Builder] = {
    "trend": _trend,
    "areas": _areas,
    "breakdown": _breakdown,
    "spc": _spc,
    "empty trend": lambda e: figures.trend(EMPTY, unit="percent", title="t"),
    "empty areas": lambda e: figures.areas(EMPTY, unit="rate", title="t", highlight="E23000039"),
    "empty breakdown": lambda e: figures.breakdown(EMPTY, unit="count", title="t"),
    "empty spc": lambda e: figures.spc(pd.DataFrame(), [], unit="percent", title="t", summary=None),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_figure_is_valid_plotly(small_store, name):
    """go.Figure raises on any property plotly does not know or any value of the wrong kind."""
    spec = BUILDERS[name](small_store)
    checked = go.Figure(spec)
    assert checked.layout.title.text
    assert json.loads(to_json_plotly(spec))["layout"]["template"]["layout"]["colorway"] == figures.PALETTE


def test_trend_draws_band_value_comparator_target_and_commentary(small_store):
    fig = go.Figure(_trend(small_store))
    names = [t.name for t in fig.data]
    assert names == ["Commentary", "95% confidence interval", "Pan-Dorset", "England and Wales"]
    assert fig.data[figures.COMMENTARY_TRACE].x == ("2024-Q2",)
    assert [s.y0 for s in fig.layout.shapes] == [20.0]
    assert any(a.text == "Target 20.0%" for a in fig.layout.annotations)
    assert list(fig.layout.xaxis.categoryarray)[0] == "2023-Q1"


def test_missing_values_become_null_not_nan(small_store):
    frame = queries.trend(small_store, measure="REC01", area="E23000039", comparator="K04000001")
    frame.loc[2, "value"] = float("nan")
    text = to_json_plotly(figures.trend(frame, unit="percent", title="t"))
    assert "NaN" not in text
    assert json.loads(text)["data"][2]["y"][2] is None


def _plotly_line(draw: Callable[[go.Figure], Any]) -> dict[str, Any]:
    fig = go.Figure()
    draw(fig)
    layout = fig.to_plotly_json()["layout"]
    return {"shapes": layout["shapes"], "annotations": layout["annotations"]}


@pytest.mark.parametrize(
    ("ours", "plotly_s"),
    [
        (
            lambda f: figures._hline(f, 3.0, {"color": "red"}, "Target", left=True),
            lambda g: g.add_hline(
                y=3.0, line={"color": "red"}, annotation_text="Target", annotation_position="top left"
            ),
        ),
        (
            lambda f: figures._hline(f, 3.0, {"color": "red"}, "Target"),
            lambda g: g.add_hline(y=3.0, line={"color": "red"}, annotation_text="Target"),
        ),
        (
            lambda f: figures._vline(f, 2.5, {"color": "black"}, "E&W"),
            lambda g: g.add_vline(x=2.5, line={"color": "black"}, annotation_text="E&W"),
        ),
    ],
)
def test_reference_lines_are_drawn_as_plotly_draws_them(ours, plotly_s):
    fig = figures._base("t", "", "percent")
    ours(fig)
    assert {"shapes": fig["layout"]["shapes"], "annotations": fig["layout"]["annotations"]} == _plotly_line(plotly_s)
