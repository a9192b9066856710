"""Plotly figures in one look: a colour-blind-safe palette, plain-English hover text, a footnote on every chart.

Each builder returns the figure as plain plotly JSON (a dict of `data` and `layout`), not a `go.Figure`: plotly's
figure objects validate every property as it is set, which cost more than the query behind a chart (11 ms of a
trend's 30 ms at national scale). The dicts are what the browser, the cache and kaleido consume anyway, and
tests/test_figures.py passes every builder's output through `go.Figure` so plotly still checks each one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go  # the template only
import plotly.io as pio

from dashboard import formatting

# Okabe–Ito, safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
INK, MUTED, GRID = "#0b0c0c", "#505a5f", "#dfe3e6"
COMPARISON = {
    "better": ("#0072B2", "✔", "Better"),
    "similar": ("#E69F00", "≈", "Similar"),
    "worse": ("#D55E00", "✖", "Worse"),
    "higher": ("#56B4E9", "▲", "Higher"),
    "lower": ("#CC79A7", "▼", "Lower"),
    "not compared": ("#bfc1c3", "–", "Not compared"),
}
TEMPLATE = "pathways"
Figure = dict[str, Any]  # plotly figure JSON: {"data": [trace, …], "layout": {…}}

pio.templates[TEMPLATE] = go.layout.Template(
    layout=go.Layout(
        font={"family": "Arial, Helvetica, sans-serif", "size": 14, "color": INK},
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis={"gridcolor": GRID, "linecolor": MUTED, "ticks": "outside", "automargin": True},
        yaxis={"gridcolor": GRID, "linecolor": MUTED, "zeroline": False, "automargin": True},
        hoverlabel={"font": {"size": 14}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": 12}},
        margin={"l": 60, "r": 20, "t": 90, "b": 110},
    )
)


def comparison_label(comparison: str) -> str:
    colour, icon, word = COMPARISON.get(comparison, COMPARISON["not compared"])
    return f"{icon} {word}"


# The template written out once; every figure's layout refers to this one (read-only) dict.
TEMPLATE_JSON: dict[str, Any] = pio.templates[TEMPLATE].to_plotly_json()


def _base(title: str, footnote: str, unit: str, height: int = 380) -> Figure:
    layout: dict[str, Any] = {
        "template": TEMPLATE_JSON,
        "height": height,
        "title": {"text": title, "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top", "font": {"size": 17}},
        "yaxis": {"title": {"text": formatting.UNIT_LABEL.get(unit, "")}},
        "xaxis": {},
        "annotations": [],
        "shapes": [],
    }
    if footnote:
        layout["annotations"].append(
            {
                "text": footnote,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.32,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 11, "color": MUTED},
                "align": "left",
            }
        )
    return {"data": [], "layout": layout}


def _hline(fig: Figure, y: float, line: dict[str, Any], text: str, *, left: bool = False) -> None:
    """A line across the plot at `y`, labelled above its left or right end (as plotly's add_hline draws it)."""
    fig["layout"]["shapes"].append(
        {"type": "line", "line": line, "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y}
    )
    fig["layout"]["annotations"].append(
        {
            "text": text,
            "showarrow": False,
            "xref": "x domain",
            "x": 0 if left else 1,
            "xanchor": "left" if left else "right",
            "yref": "y",
            "y": y,
            "yanchor": "bottom",
        }
    )


def _vline(fig: Figure, x: float, line: dict[str, Any], text: str) -> None:
    """A line up the plot at `x`, labelled at its top right (as plotly's add_vline draws it)."""
    fig["layout"]["shapes"].append(
        {"type": "line", "line": line, "xref": "x", "x0": x, "x1": x, "yref": "y domain", "y0": 0, "y1": 1}
    )
    fig["layout"]["annotations"].append(
        {
            "text": text,
            "showarrow": False,
            "xref": "x",
            "x": x,
            "xanchor": "left",
            "yref": "y domain",
            "y": 1,
            "yanchor": "top",
        }
    )


def _numbers(values: Any) -> list[float | None]:
    """A column as a JSON-ready list: floats, with None where the value is missing."""
    return [None if pd.isna(v) else float(v) for v in values]


def _hover(frame: pd.DataFrame, unit: str) -> list[str]:
    return [
        f"{r.period}: {formatting.summary(r.value, r.numerator, r.denominator, unit)}"
        + (f"<br>95% range {formatting.interval(r.lower_ci, r.upper_ci, unit)}" if pd.notna(r.lower_ci) else "")
        + (f"<br>{comparison_label(r.comparison)} than the comparator" if r.comparison in ("better", "worse") else "")
        for r in frame.itertuples()
    ]


def trend(
    frame: pd.DataFrame,
    *,
    unit: str,
    title: str,
    footnote: str = "",
    target: float | None = None,
    comparator_name: str = "",
    annotations: pd.DataFrame | None = None,
    confidence: float = 0.95,
) -> Figure:
    """Value over time with its confidence band, the comparator and target lines, and annotation markers."""
    fig = _base(title, footnote, unit)
    fig["data"].append(_commentary_trace(frame, annotations))
    if frame.empty:
        return _empty(fig, "No data for this selection")
    x = frame["period"].astype(str).tolist()
    if frame["lower_ci"].notna().any():
        fig["data"].append(
            {
                "type": "scatter",
                "x": x + x[::-1],
                "y": _numbers(frame["upper_ci"]) + _numbers(frame["lower_ci"])[::-1],
                "fill": "toself",
                "fillcolor": "rgba(0,114,178,0.15)",
                "line": {"width": 0},
                "hoverinfo": "skip",
                "name": f"{confidence * 100:g}% confidence interval",
                "showlegend": True,
            }
        )
    fig["data"].append(
        {
            "type": "scatter",
            "x": x,
            "y": _numbers(frame["value"]),
            "mode": "lines+markers",
            "name": frame["area_name"].iloc[0],
            "line": {"color": PALETTE[0], "width": 3},
            "marker": {"size": 7},
            "hovertext": _hover(frame, unit),
            "hoverinfo": "text",
        }
    )
    if "comparator_value" in frame and frame["comparator_value"].notna().any():
        fig["data"].append(
            {
                "type": "scatter",
                "x": x,
                "y": _numbers(frame["comparator_value"]),
                "mode": "lines",
                "name": comparator_name or "Comparator",
                "line": {"color": INK, "width": 2, "dash": "dash"},
                "hovertemplate": "%{x}: %{y:,.1f}<extra>" + (comparator_name or "Comparator") + "</extra>",
            }
        )
    if target is not None:
        _hline(
            fig,
            target,
            {"color": PALETTE[2], "dash": "dot", "width": 2},
            f"Target {formatting.value_with_unit(target, unit)}",
            left=True,
        )
    fig["layout"]["xaxis"].update(type="category", nticks=12, categoryorder="array", categoryarray=x)
    return fig


def commentary_points(frame: pd.DataFrame, notes: pd.DataFrame | None) -> dict[str, list[object]]:
    """x, y and hover text of the commentary markers for the periods the chart shows."""
    if notes is None or notes.empty or frame.empty:
        return {"x": [], "y": [], "hovertext": []}
    notes = notes[notes["period"].isin(set(frame["period"].astype(str)))]
    ymax = pd.concat([frame["value"], frame.get("upper_ci", frame["value"])]).max()
    return {
        "x": notes["period"].tolist(),
        "y": [None if pd.isna(ymax) else float(ymax)] * len(notes),
        "hovertext": [f"{r.period}: {r.text}" for r in notes.itertuples()],
    }


COMMENTARY_TRACE = 0  # always the first trace of a trend, so a Patch can replace just the markers


def _commentary_trace(frame: pd.DataFrame, notes: pd.DataFrame | None) -> dict[str, Any]:
    return {
        "type": "scatter",
        **commentary_points(frame, notes),
        "mode": "markers",
        "name": "Commentary",
        "hoverinfo": "text",
        "marker": {"symbol": "diamond", "size": 12, "color": PALETTE[3]},
    }


def areas(
    frame: pd.DataFrame,
    *,
    unit: str,
    title: str,
    highlight: str,
    footnote: str = "",
    comparator_value: float | None = None,
    comparator_name: str = "",
) -> Figure:
    """Horizontal bars, one per area, coloured and labelled by comparison, with interval whiskers."""
    data = frame.dropna(subset=["value"]).sort_values("value")
    height = max(320, 26 * len(data) + 160)
    fig = _base(title, footnote, unit, height=height)
    if data.empty:
        return _empty(fig, "No data for this selection")
    colours = [COMPARISON.get(c, COMPARISON["not compared"])[0] for c in data["comparison"]]
    labels = [
        f"{n} — {comparison_label(c)}" if a != data["comparator"].iloc[0] else f"{n} (comparator)"
        for n, c, a in zip(data["area_name"], data["comparison"], data["area"], strict=True)
    ]
    fig["data"].append(
        {
            "type": "bar",
            "x": _numbers(data["value"]),
            "y": labels,
            "orientation": "h",
            "marker": {
                "color": colours,
                "line": {"color": [INK if a == highlight else "white" for a in data["area"]], "width": 2},
            },
            "error_x": _whiskers(data),
            "hovertext": _hover(data, unit),
            "hoverinfo": "text",
            "customdata": data["area"].tolist(),
            "text": [formatting.value_with_unit(v, unit) for v in data["value"]],
            "textposition": "inside",
            "insidetextanchor": "start",
            "name": "",
        }
    )
    if comparator_value is not None and pd.notna(comparator_value):
        _vline(
            fig,
            float(comparator_value),
            {"color": INK, "dash": "dash"},
            f"{comparator_name} {formatting.value_with_unit(comparator_value, unit)}",
        )
    fig["layout"].update(showlegend=False)
    fig["layout"]["xaxis"]["title"] = {"text": formatting.UNIT_LABEL.get(unit, "")}
    fig["layout"]["yaxis"]["title"] = {"text": ""}
    return fig


def _whiskers(data: pd.DataFrame) -> dict[str, object]:
    if not data["lower_ci"].notna().any():
        return {"visible": False}
    return {
        "type": "data",
        "symmetric": False,
        "array": _numbers(data["upper_ci"] - data["value"]),
        "arrayminus": _numbers(data["value"] - data["lower_ci"]),
        "color": INK,
        "thickness": 1.5,
    }


def breakdown(frame: pd.DataFrame, *, unit: str, title: str, footnote: str = "", selected: str | None = None) -> Figure:
    """Bars per cohort with whiskers, against a line at the all-persons value. customdata holds cohort keys."""
    fig = _base(title, footnote, unit)
    parts = frame[frame["cohort"] != "all"].dropna(subset=["value"])
    total = frame[frame["cohort"] == "all"]
    if parts.empty:
        return _empty(fig, "No breakdown for this selection")
    colours = [COMPARISON.get(c, COMPARISON["not compared"])[0] for c in parts["comparison"]]
    fig["data"].append(
        {
            "type": "bar",
            "x": parts["cohort_label"].tolist(),
            "y": _numbers(parts["value"]),
            "customdata": parts["cohort"].tolist(),
            "error_y": _whiskers(parts),
            "marker": {
                "color": colours,
                "line": {"color": [INK if k == selected else "white" for k in parts["cohort"]], "width": 3},
            },
            "hovertext": [h + "<br>Click to drill into this cohort" for h in _hover(parts, unit)],
            "hoverinfo": "text",
            "text": [formatting.value_with_unit(v, unit) for v in parts["value"]],
            "textposition": "outside",
            "name": "",
        }
    )
    if not total.empty and pd.notna(total["value"].iloc[0]):
        all_value = float(total["value"].iloc[0])
        _hline(
            fig,
            all_value,
            {"color": INK, "dash": "dash"},
            f"All people {formatting.value_with_unit(all_value, unit)}",
            left=True,
        )
    fig["layout"].update(showlegend=False, clickmode="event")
    return fig


def _empty(fig: Figure, message: str) -> Figure:
    fig["layout"]["annotations"].append(
        {
            "text": message,
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "showarrow": False,
            "font": {"size": 16, "color": MUTED},
        }
    )
    fig["layout"]["xaxis"]["visible"] = False
    fig["layout"]["yaxis"]["visible"] = False
    return fig


def footnote(*, source: str, area: str, cohort: str, period: str, data_as_at: str | None, demo: bool) -> str:
    """Two lines under the chart: where the figures come from and what they cover; how fresh, and whether demo."""
    what = " · ".join(p for p in (f"Source: {source}", area, cohort, period) if p)
    when = [f"Data as at {data_as_at[:10]}"] if data_as_at else []
    if demo:
        when.append("DEMO DATA — synthetic, not real returns")
    return what + ("<br>" + " · ".join(when) if when else "")


SPC_COLOURS = {"improvement": "#0072B2", "concern": "#E69F00", "neutral": "#CC79A7", "common_cause": "#7f7f7f"}
VARIATION_WORDS = {
    "common_cause": "Common cause variation: no significant change",
    "special_cause_improvement": "Special cause variation: improvement",
    "special_cause_concern": "Special cause variation: concern",
    "special_cause_neutral": "Special cause variation: neither better nor worse",
}
ASSURANCE_WORDS = {
    "consistently_passes": "will consistently meet the target",
    "consistently_fails": "will consistently miss the target",
    "inconsistent": "may or may not meet the target",
}


def spc(
    table: pd.DataFrame, labels: Sequence[str], *, unit: str, title: str, summary: object, footnote: str = ""
) -> Figure:
    """XmR chart: values coloured by special-cause type, the mean, process limits and any target."""
    fig = _base(title, footnote, unit)
    if table.empty:
        return _empty(fig, "No data for this selection")
    x = list(labels)
    limit_line = {"color": MUTED, "dash": "dash", "width": 1.5}
    types = table["point_type"].tolist()
    values = _numbers(table["value"])
    fig["data"] += [
        {
            "type": "scatter",
            "x": x,
            "y": _numbers(table["upper_limit"]),
            "mode": "lines",
            "name": "Process limits",
            "line": limit_line,
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": x,
            "y": _numbers(table["lower_limit"]),
            "mode": "lines",
            "showlegend": False,
            "line": limit_line,
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": x,
            "y": _numbers(table["mean"]),
            "mode": "lines",
            "name": "Mean",
            "line": {"color": INK, "width": 1.5},
        },
        {
            "type": "scatter",
            "x": x,
            "y": values,
            "mode": "lines+markers",
            "name": "Value",
            "line": {"color": "#a0a0a0", "width": 1.5},
            "marker": {
                "size": 9,
                "color": [SPC_COLOURS.get(t, MUTED) for t in types],
                "symbol": ["circle" if t == "common_cause" else "diamond" for t in types],
            },
            "hovertext": [
                f"{lab}: {formatting.value_with_unit(v, unit)} — {t.replace('_', ' ')}"
                for lab, v, t in zip(x, table["value"], types, strict=True)
            ],
            "hoverinfo": "text",
        },
    ]
    target = table["target"].dropna()
    if len(target):
        _hline(
            fig,
            float(target.iloc[0]),
            {"color": PALETTE[2], "dash": "dot"},
            f"Target {formatting.value_with_unit(float(target.iloc[0]), unit)}",
        )
    variation = getattr(summary, "variation", "common_cause")
    icon = safe_icon(getattr(summary, "variation_icon", ""))
    fig["layout"]["annotations"].append(
        {
            "text": f"{icon} {VARIATION_WORDS.get(variation, variation)}",
            "xref": "paper",
            "yref": "paper",
            "x": 1,
            "y": 1.12,
            "showarrow": False,
            "xanchor": "right",
            "font": {"size": 12, "color": INK},
        }
    )
    fig["layout"]["xaxis"].update(type="category", nticks=12)
    return fig


def safe_icon(icon: str) -> str:
    """Icons every system font has: arrows for special causes, a dash for common cause."""
    return icon if icon in ("▲", "▼") else "—"
