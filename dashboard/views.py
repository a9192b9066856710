"""Each chart of the dashboard, assembled from a view filter: query -> statistics -> figure. No Dash here."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard import figures, formatting, queries
from dashboard.filters import Known, ViewFilter
from dashboard.service import Services


def _info(svc: Services, measure: str) -> dict[str, Any]:
    return svc.cached(queries.measure_info, measure=measure)  # type: ignore[no-any-return]


def footnote(
    svc: Services,
    view: ViewFilter,
    known: Known,
    *,
    source: str,
    period: str,
    cohort: str | None = None,
    area: str | None = None,
) -> str:
    info = svc.cached(queries.data_info)
    return figures.footnote(
        source=source,
        area=known.areas.get(area or view.area, area or view.area),
        cohort=known.cohorts.get(cohort or view.cohort, ""),
        period=period,
        data_as_at=info.get("data_as_at"),
        demo=bool(info.get("demo")),
    )


def span(frame: pd.DataFrame) -> str:
    if frame.empty:
        return ""
    first, last = str(frame["period"].iloc[0]), str(frame["period"].iloc[-1])
    return first if first == last else f"{first} to {last}"


def trend_frame(svc: Services, view: ViewFilter, measure: str, cohort: str | None = None) -> pd.DataFrame:
    return svc.cached(
        queries.trend,
        measure=measure,
        area=view.area,
        cohort=cohort or view.cohort,  # type: ignore[no-any-return]
        comparator=view.comparator,
        period_from=view.period_from,
        period_to=view.period_to,
        confidence=view.confidence,
        suppress_below=svc.settings.suppression_threshold,
    )


def trend_figure(
    svc: Services, view: ViewFilter, known: Known, measure: str, cohort: str | None = None
) -> figures.Figure:
    """The trend without its commentary markers: trend_figure_json lays them in fresh, as they are never cached."""
    info = _info(svc, measure)
    frame = trend_frame(svc, view, measure, cohort)
    cohort_name = known.cohorts.get(cohort or view.cohort, "")
    title = f"{info['short_name']}: {known.areas.get(view.area, view.area)}" + (
        f", {cohort_name}" if (cohort or view.cohort) != "all" else ""
    )
    return figures.trend(
        frame,
        unit=info["unit"],
        title=title,
        target=info["target"],
        confidence=view.confidence,
        comparator_name=known.areas.get(view.comparator, ""),
        footnote=footnote(svc, view, known, source=info["source"], period=span(frame), cohort=cohort),
    )


def latest_or_selected(svc: Services, view: ViewFilter, measure: str, cohort: str | None = None) -> str | None:
    """The period a snapshot chart shows: the end of the chosen range if it has data, else the latest."""
    if view.period_to:
        return view.period_to
    return svc.cached(
        queries.latest_period, measure=measure, area=view.area, cohort=cohort or view.cohort
    ) or svc.cached(queries.latest_period, measure=measure)


def areas_frame(
    svc: Services, view: ViewFilter, known: Known, measure: str, cohort: str | None = None
) -> tuple[str | None, pd.DataFrame]:
    """The period a compare-areas chart shows, and its rows: the catalogue's areas plus the chosen one."""
    period = latest_or_selected(svc, view, measure, cohort)
    if period is None:
        return None, pd.DataFrame()
    frame = svc.cached(
        queries.compare_areas,
        measure=measure,
        period=period,
        cohort=cohort or view.cohort,
        areas=list(known.rug_areas) + ([view.area] if view.area not in known.rug_areas else []),
        comparator=view.comparator,
        confidence=view.confidence,
        suppress_below=svc.settings.suppression_threshold,
    )
    return period, frame


def areas_figure(
    svc: Services, view: ViewFilter, known: Known, measure: str, cohort: str | None = None
) -> figures.Figure:
    info = _info(svc, measure)
    period, frame = areas_frame(svc, view, known, measure, cohort)
    bench = frame.loc[frame["area"] == view.comparator, "value"] if not frame.empty else pd.Series(dtype=float)
    return figures.areas(
        frame if not frame.empty else _empty_obs(),
        unit=info["unit"],
        highlight=view.area,
        title=f"{info['short_name']} by area, {period or 'no data'}",
        comparator_value=bench.iloc[0] if len(bench) else None,
        comparator_name=known.areas.get(view.comparator, ""),
        footnote=footnote(svc, view, known, source=info["source"], period=period or "", cohort=cohort),
    )


def breakdown_frame(
    svc: Services, view: ViewFilter, measure: str, period: str | None, dimension: str | None = None
) -> pd.DataFrame:
    if period is None:
        return _empty_obs()
    return svc.cached(
        queries.breakdown,
        measure=measure,
        area=view.area,
        period=period,  # type: ignore[no-any-return]
        dimension=dimension,
        comparator=view.comparator,
        confidence=view.confidence,
        suppress_below=svc.settings.suppression_threshold,
    )


def breakdown_figure(
    svc: Services,
    view: ViewFilter,
    known: Known,
    measure: str,
    dimension: str | None = None,
    selected: str | None = None,
) -> figures.Figure:
    info = _info(svc, measure)
    period = latest_or_selected(svc, view, measure, "all")
    frame = breakdown_frame(svc, view, measure, period, dimension)
    what = known.dimensions.get(dimension, "cohort").lower() if dimension else "cohort"
    return figures.breakdown(
        frame,
        unit=info["unit"],
        selected=selected,
        title=f"{info['short_name']} by {what}, {known.areas.get(view.area, view.area)}, {period or 'no data'}",
        footnote=footnote(svc, view, known, source=info["source"], period=period or "", cohort="all"),
    )


def _overview_filters(svc: Services, view: ViewFilter, known: Known) -> dict[str, Any]:
    """What the overview's tiles and rug share: the view's comparison, cohort and period, over the measures the
    viewer may see."""
    return {
        "comparator": view.comparator,
        "cohort": view.cohort,
        "period_to": view.period_to,
        "confidence": view.confidence,
        "suppress_below": svc.settings.suppression_threshold,
        "measures": list(known.measures),
    }


def tiles_frame(svc: Services, view: ViewFilter, known: Known) -> pd.DataFrame:
    """The overview's headline row per measure the viewer may see (overview tiles, presentation, exports)."""
    from dashboard import overview

    return svc.cached(overview.tiles, area=view.area, **_overview_filters(svc, view, known))  # type: ignore[no-any-return]


def rug_frame(svc: Services, view: ViewFilter, known: Known) -> pd.DataFrame:
    """The tartan rug's cells: each measure the viewer may see at its latest period, across the catalogue's areas."""
    from dashboard import overview

    return svc.cached(  # type: ignore[no-any-return]
        overview.rug, areas=list(known.rug_areas), **_overview_filters(svc, view, known)
    )


def grid_frame(svc: Services, view: ViewFilter, measure: str | list[str]) -> pd.DataFrame:
    """The observations behind a view's data table, for one measure or several."""
    if isinstance(measure, str):  # the same rows as the trend: share its cache entry rather than query twice
        return trend_frame(svc, view, measure)
    return svc.cached(  # type: ignore[no-any-return]
        queries.observations,
        measure=measure,
        area=view.area,
        cohort=view.cohort,
        period_from=view.period_from,
        period_to=view.period_to,
        comparator=view.comparator,
        confidence=view.confidence,
        suppress_below=svc.settings.suppression_threshold,
    )


def grid_rows(svc: Services, view: ViewFilter, measure: str) -> list[dict[str, Any]]:
    """The rows behind the measure's charts: the trend, the breakdown and the areas, as plain records."""
    return svc.memo(  # type: ignore[no-any-return]
        "grid-rows", _view_key(view, measure), lambda: records(grid_frame(svc, view, measure)), measure=measure
    )


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    if frame.empty:
        return []
    out = frame.copy()
    out["flags"] = [
        ", ".join(f for f in ("suppressed", "provisional", "revised", "estimated") if getattr(r, f))
        for r in out.itertuples()
    ]
    out["comparison"] = out["comparison"].map(figures.comparison_label)
    out["withheld_because"] = out.get("suppression_reason", None)
    columns = [
        "measure",
        "period",
        "area",
        "area_name",
        "cohort",
        "cohort_label",
        "value",
        "numerator",
        "denominator",
        "lower_ci",
        "upper_ci",
        "comparator_value",
        "comparison",
        "flags",
        "missing_reason",
        "withheld_because",
    ]
    out = out[columns].astype(object).where(out[columns].notna(), None)
    return out.to_dict("records")  # type: ignore[no-any-return]


def summary_sentence(svc: Services, view: ViewFilter, known: Known, measure: str) -> str:
    """'Adult reoffending in Pan-Dorset was 22.1% in 2021-Q4, better than England and Wales (25.1%).'"""
    return svc.memo(  # type: ignore[no-any-return]
        "summary-sentence",
        _view_key(view, measure),
        lambda: _summary_sentence(svc, view, known, measure),
        measure=measure,
    )


def _summary_sentence(svc: Services, view: ViewFilter, known: Known, measure: str) -> str:
    info = _info(svc, measure)
    frame = trend_frame(svc, view, measure).dropna(subset=["value"])
    if frame.empty:
        return f"No data for {known.areas.get(view.area, view.area)} yet."
    last = frame.iloc[-1]
    comparator = known.areas.get(view.comparator, view.comparator)
    bench = (
        ""
        if pd.isna(last["comparator_value"])
        else f" ({formatting.value_with_unit(last['comparator_value'], info['unit'])})"
    )
    words = {
        "better": f"better than {comparator}",
        "worse": f"worse than {comparator}",
        "similar": f"similar to {comparator}",
        "higher": f"higher than {comparator}",
        "lower": f"lower than {comparator}",
    }.get(last["comparison"], f"not compared with {comparator}")
    return (
        f"{info['short_name']} in {known.areas.get(view.area, view.area)} was "
        f"{formatting.summary(last['value'], last['numerator'], last['denominator'], info['unit'])} in "
        f"{last['period']}, {words}{bench if last['comparison'] != 'not compared' else ''}."
    )


def _empty_obs() -> pd.DataFrame:
    return pd.DataFrame(columns=queries.OBS_COLUMNS + ["comparator", "comparator_value", "comparison"])


IMPROVEMENT = {"higher_is_better": "increase", "lower_is_better": "decrease", "no_judgement": "neutral"}


def spc_view(svc: Services, view: ViewFilter, known: Known, measure: str) -> tuple[figures.Figure, list[str]]:
    """The SPC chart and its plain-English lines (icons in words, warnings for trial limits)."""
    from dashboard import stats

    info = _info(svc, measure)
    frame = trend_frame(svc, view, measure).dropna(subset=["value"])
    title = f"{info['short_name']}: SPC chart, {known.areas.get(view.area, view.area)}"
    note = footnote(svc, view, known, source=info["source"], period=span(frame))
    if len(frame) < 2:
        return figures.spc(pd.DataFrame(), [], unit=info["unit"], title=title, summary=None, footnote=note), [
            "Not enough points for an SPC chart."
        ]
    improvement = IMPROVEMENT.get(info["polarity"], "neutral")
    table = stats.spc(frame["value"].tolist(), improvement, target=info["target"])
    labels = frame["period"].astype(str).tolist()
    summary = stats.spc_summary(
        table,
        improvement,
        info["target"],
        labels=labels,
        unit_word="quarters" if info["frequency"] == "quarterly" else "years",
    )
    lines = [
        f"{figures.safe_icon(summary.variation_icon)} {figures.VARIATION_WORDS.get(summary.variation, summary.variation)}."
    ]
    if summary.assurance:
        lines.append(f"Assurance ({summary.assurance_icon}): the process {figures.ASSURANCE_WORDS[summary.assurance]}.")
    if summary.warning:
        lines.append(summary.warning)
    lines += summary.messages
    fig = figures.spc(table, labels, unit=info["unit"], title=title, summary=summary, footnote=note)
    return fig, lines


def commentary_patch_points(svc: Services, view: ViewFilter, measure: str) -> dict[str, list[object]]:
    """Only the commentary markers of the trend, for a Patch after a note is added, edited or deleted."""
    notes = queries.commentary(svc.engine, measure=measure, area=view.area)
    if notes.empty:  # the usual case: no need to fetch the trend's rows to place markers
        return figures.commentary_points(pd.DataFrame(), notes)
    return figures.commentary_points(trend_frame(svc, view, measure), notes)


# --- Figures memoised: a warm request skips building them altogether ---------------------------------------


def _view_key(view: ViewFilter, *parts: Any) -> list[Any]:
    return [view.to_query(), *parts]


def trend_figure_json(
    svc: Services, view: ViewFilter, known: Known, measure: str, cohort: str | None = None
) -> dict[str, Any]:
    """trend_figure as a dict; the commentary markers (never cached, so edits show at once) are laid in fresh."""
    base = svc.memo(
        "trend-figure",
        _view_key(view, measure, cohort),
        lambda: trend_figure(svc, view, known, measure, cohort),
        measure=measure,
    )
    marker = dict(base["data"][figures.COMMENTARY_TRACE])
    marker.update(commentary_patch_points(svc, view, measure))
    data = list(base["data"])
    data[figures.COMMENTARY_TRACE] = marker
    return {**base, "data": data}


def areas_figure_json(
    svc: Services, view: ViewFilter, known: Known, measure: str, cohort: str | None = None
) -> dict[str, Any]:
    return svc.memo(  # type: ignore[no-any-return]
        "areas-figure",
        _view_key(view, measure, cohort),
        lambda: areas_figure(svc, view, known, measure, cohort),
        measure=measure,
    )


def breakdown_figure_json(
    svc: Services,
    view: ViewFilter,
    known: Known,
    measure: str,
    dimension: str | None = None,
    selected: str | None = None,
) -> dict[str, Any]:
    return svc.memo(  # type: ignore[no-any-return]
        "breakdown-figure",
        _view_key(view, measure, dimension, selected),
        lambda: breakdown_figure(svc, view, known, measure, dimension, selected),
        measure=measure,
    )


def spc_view_json(svc: Services, view: ViewFilter, known: Known, measure: str) -> tuple[dict[str, Any], list[str]]:
    return svc.memo(  # type: ignore[no-any-return]
        "spc-figure", _view_key(view, measure), lambda: spc_view(svc, view, known, measure), measure=measure
    )


# --- Every chart as a table: its text alternative, built from the same frames as the chart ----------------

_JUDGED = [("interval", "Confidence interval"), ("comparison", "Compared with comparator"), ("flags", "Flags")]
TABLE_COLUMNS = {
    "trend": [("label", "Period"), ("value", "Value"), ("comparator", "Comparator"), *_JUDGED],
    "areas": [("label", "Area"), ("value", "Value"), *_JUDGED],
    "breakdown": [("label", "Cohort"), ("value", "Value"), *_JUDGED],
}
FLAG_NAMES = ("suppressed", "provisional", "revised", "estimated")


def table_rows(frame: pd.DataFrame, unit: str, label: str) -> list[dict[str, str]]:
    """A chart's frame as rows of words: '22.1%', '21.3%–22.9%', '✔ Better', 'provisional'."""
    rows = []
    for r in frame.to_dict("records"):
        rows.append(
            {
                "label": str(r.get(label) or ""),
                "value": formatting.value_with_unit(_num(r.get("value")), unit),
                "interval": formatting.interval(_num(r.get("lower_ci")), _num(r.get("upper_ci")), unit),
                "comparator": formatting.value_with_unit(_num(r.get("comparator_value")), unit),
                "comparison": figures.comparison_label(str(r.get("comparison") or "not compared")),
                "flags": ", ".join(f for f in FLAG_NAMES if r.get(f) is True or r.get(f) == 1),
            }
        )
    return rows


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def trend_table(svc: Services, view: ViewFilter, measure: str, cohort: str | None = None) -> list[dict[str, str]]:
    return table_rows(trend_frame(svc, view, measure, cohort), _info(svc, measure)["unit"], "period")


def areas_table(
    svc: Services, view: ViewFilter, known: Known, measure: str, cohort: str | None = None
) -> list[dict[str, str]]:
    period, frame = areas_frame(svc, view, known, measure, cohort)
    return [] if period is None else table_rows(frame, _info(svc, measure)["unit"], "area_name")


def breakdown_table(
    svc: Services, view: ViewFilter, measure: str, dimension: str | None = None
) -> list[dict[str, str]]:
    period = latest_or_selected(svc, view, measure, "all")
    return table_rows(
        breakdown_frame(svc, view, measure, period, dimension), _info(svc, measure)["unit"], "cohort_label"
    )
