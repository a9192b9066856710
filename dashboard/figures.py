"""Plotly figures in one look: a colour-blind-safe palette, plain-English hover text, a footnote on every chart."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
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


def _base(title: str, footnote: str, unit: str, height: int = 380) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        title={"text": title, "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top", "font": {"size": 17}},
        yaxis_title=formatting.UNIT_LABEL.get(unit, ""),
    )
    if footnote:
        fig.add_annotation(
            text=footnote,
            xref="paper",
            yref="paper",
            x=0,
            y=-0.32,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"size": 11, "color": MUTED},
            align="left",
        )
    return fig


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
) -> go.Figure:
    """Value over time with its confidence band, the comparator and target lines, and annotation markers."""
    fig = _base(title, footnote, unit)
    _add_commentary_trace(fig, frame, annotations)
    if frame.empty:
        return _empty(fig, "No data for this selection")
    x = frame["period"].astype(str).tolist()
    has_ci = frame["lower_ci"].notna().any()
    if has_ci:
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=frame["upper_ci"].tolist() + frame["lower_ci"].tolist()[::-1],
                fill="toself",
                fillcolor="rgba(0,114,178,0.15)",
                line={"width": 0},
                hoverinfo="skip",
                name=f"{confidence * 100:g}% confidence interval",
                showlegend=True,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame["value"],
            mode="lines+markers",
            name=frame["area_name"].iloc[0],
            line={"color": PALETTE[0], "width": 3},
            marker={"size": 7},
            hovertext=_hover(frame, unit),
            hoverinfo="text",
        )
    )
    if "comparator_value" in frame and frame["comparator_value"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame["comparator_value"],
                mode="lines",
                name=comparator_name or "Comparator",
                line={"color": INK, "width": 2, "dash": "dash"},
                hovertemplate="%{x}: %{y:,.1f}<extra>" + (comparator_name or "Comparator") + "</extra>",
            )
        )
    if target is not None:
        fig.add_hline(
            y=target,
            line={"color": PALETTE[2], "dash": "dot", "width": 2},
            annotation_text=f"Target {formatting.value_with_unit(target, unit)}",
            annotation_position="top left",
        )
    fig.update_xaxes(type="category", nticks=12, categoryorder="array", categoryarray=x)
    return fig


def commentary_points(frame: pd.DataFrame, notes: pd.DataFrame | None) -> dict[str, list[object]]:
    """x, y and hover text of the commentary markers for the periods the chart shows."""
    if notes is None or notes.empty or frame.empty:
        return {"x": [], "y": [], "hovertext": []}
    notes = notes[notes["period"].isin(set(frame["period"].astype(str)))]
    ymax = pd.concat([frame["value"], frame.get("upper_ci", frame["value"])]).max()
    return {
        "x": notes["period"].tolist(),
        "y": [ymax] * len(notes),
        "hovertext": [f"{r.period}: {r.text}" for r in notes.itertuples()],
    }


COMMENTARY_TRACE = 0  # always the first trace of a trend, so a Patch can replace just the markers


def _add_commentary_trace(fig: go.Figure, frame: pd.DataFrame, notes: pd.DataFrame | None) -> None:
    points = commentary_points(frame, notes)
    fig.add_trace(
        go.Scatter(
            **points,
            mode="markers",
            name="Commentary",
            hoverinfo="text",
            marker={"symbol": "diamond", "size": 12, "color": PALETTE[3]},
        )
    )


def areas(
    frame: pd.DataFrame,
    *,
    unit: str,
    title: str,
    highlight: str,
    footnote: str = "",
    comparator_value: float | None = None,
    comparator_name: str = "",
) -> go.Figure:
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
    fig.add_trace(
        go.Bar(
            x=data["value"],
            y=labels,
            orientation="h",
            marker={
                "color": colours,
                "line": {"color": [INK if a == highlight else "white" for a in data["area"]], "width": 2},
            },
            error_x=_whiskers(data),
            hovertext=_hover(data, unit),
            hoverinfo="text",
            customdata=data["area"],
            text=[formatting.value_with_unit(v, unit) for v in data["value"]],
            textposition="inside",
            insidetextanchor="start",
            name="",
        )
    )
    if comparator_value is not None and pd.notna(comparator_value):
        fig.add_vline(
            x=comparator_value,
            line={"color": INK, "dash": "dash"},
            annotation_text=f"{comparator_name} {formatting.value_with_unit(comparator_value, unit)}",
        )
    fig.update_layout(showlegend=False, xaxis_title=formatting.UNIT_LABEL.get(unit, ""), yaxis_title="")
    return fig


def _whiskers(data: pd.DataFrame) -> dict[str, object]:
    if not data["lower_ci"].notna().any():
        return {"visible": False}
    return {
        "type": "data",
        "symmetric": False,
        "array": (data["upper_ci"] - data["value"]).tolist(),
        "arrayminus": (data["value"] - data["lower_ci"]).tolist(),
        "color": INK,
        "thickness": 1.5,
    }


def breakdown(
    frame: pd.DataFrame, *, unit: str, title: str, footnote: str = "", selected: str | None = None
) -> go.Figure:
    """Bars per cohort with whiskers, against a line at the all-persons value. customdata holds cohort keys."""
    fig = _base(title, footnote, unit)
    parts = frame[frame["cohort"] != "all"].dropna(subset=["value"])
    total = frame[frame["cohort"] == "all"]
    if parts.empty:
        return _empty(fig, "No breakdown for this selection")
    colours = [COMPARISON.get(c, COMPARISON["not compared"])[0] for c in parts["comparison"]]
    fig.add_trace(
        go.Bar(
            x=parts["cohort_label"],
            y=parts["value"],
            customdata=parts["cohort"],
            error_y=_whiskers_y(parts),
            marker={
                "color": colours,
                "line": {"color": [INK if k == selected else "white" for k in parts["cohort"]], "width": 3},
            },
            hovertext=[h + "<br>Click to drill into this cohort" for h in _hover(parts, unit)],
            hoverinfo="text",
            text=[formatting.value_with_unit(v, unit) for v in parts["value"]],
            textposition="outside",
            name="",
        )
    )
    if not total.empty and pd.notna(total["value"].iloc[0]):
        all_value = total["value"].iloc[0]
        fig.add_hline(
            y=all_value,
            line={"color": INK, "dash": "dash"},
            annotation_text=f"All people {formatting.value_with_unit(all_value, unit)}",
            annotation_position="top left",
        )
    fig.update_layout(showlegend=False, clickmode="event")
    return fig


def _whiskers_y(data: pd.DataFrame) -> dict[str, object]:
    spec = _whiskers(data)
    return spec


def sparkline(values: Sequence[float], *, colour: str = PALETTE[0]) -> go.Figure:
    """A tiny line with no axes, for tiles."""
    fig = go.Figure(go.Scatter(y=list(values), mode="lines", line={"color": colour, "width": 2}, hoverinfo="skip"))
    fig.update_layout(
        template=TEMPLATE,
        height=48,
        margin={"l": 0, "r": 0, "t": 2, "b": 2},
        xaxis={"visible": False},
        yaxis={"visible": False},
        showlegend=False,
    )
    return fig


def _empty(fig: go.Figure, message: str) -> go.Figure:
    fig.add_annotation(
        text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font={"size": 16, "color": MUTED}
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
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
) -> go.Figure:
    """XmR chart: values coloured by special-cause type, the mean, process limits and any target."""
    fig = _base(title, footnote, unit)
    if table.empty:
        return _empty(fig, "No data for this selection")
    x = list(labels)
    fig.add_trace(
        go.Scatter(
            x=x,
            y=table["upper_limit"],
            mode="lines",
            name="Process limits",
            line={"color": MUTED, "dash": "dash", "width": 1.5},
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=table["lower_limit"],
            mode="lines",
            showlegend=False,
            line={"color": MUTED, "dash": "dash", "width": 1.5},
            hoverinfo="skip",
        )
    )
    fig.add_trace(go.Scatter(x=x, y=table["mean"], mode="lines", name="Mean", line={"color": INK, "width": 1.5}))
    types = table["point_type"].tolist()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=table["value"],
            mode="lines+markers",
            name="Value",
            line={"color": "#a0a0a0", "width": 1.5},
            marker={
                "size": 9,
                "color": [SPC_COLOURS.get(t, MUTED) for t in types],
                "symbol": ["circle" if t == "common_cause" else "diamond" for t in types],
            },
            hovertext=[
                f"{lab}: {formatting.value_with_unit(v, unit)} — {t.replace('_', ' ')}"
                for lab, v, t in zip(x, table["value"], types, strict=True)
            ],
            hoverinfo="text",
        )
    )
    target = table["target"].dropna()
    if len(target):
        fig.add_hline(
            y=float(target.iloc[0]),
            line={"color": PALETTE[2], "dash": "dot"},
            annotation_text=f"Target {formatting.value_with_unit(float(target.iloc[0]), unit)}",
        )
    variation = getattr(summary, "variation", "common_cause")
    icon = safe_icon(getattr(summary, "variation_icon", ""))
    fig.add_annotation(
        text=f"{icon} {VARIATION_WORDS.get(variation, variation)}",
        xref="paper",
        yref="paper",
        x=1,
        y=1.12,
        showarrow=False,
        xanchor="right",
        font={"size": 12, "color": INK},
    )
    fig.update_xaxes(type="category", nticks=12)
    return fig


def safe_icon(icon: str) -> str:
    """Icons every system font has: arrows for special causes, a dash for common cause."""
    return icon if icon in ("▲", "▼") else "—"
