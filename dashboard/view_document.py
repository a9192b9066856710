"""Any dashboard address as a Document: the same charts, tables and words the page shows, with its stamp."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pandas as pd

from dashboard import figures, formatting, queries, views
from dashboard.document import Chart, Document, Section, Table, Text
from dashboard.filters import Known, ViewFilter, parse_query
from dashboard.service import Services

PAGES = ("overview", "theme", "measure", "drill", "data", "present")
DATA_ROW_LIMIT = 300  # a PDF is not the place for the whole table; the CSV and XLSX downloads have every row
DEMO_NOTICE = "DEMO DATA: synthetic figures for demonstration, not real returns."


class BadViewUrl(ValueError):
    """A dashboard address that names no page, or a theme or measure the store does not hold."""


@dataclass(frozen=True)
class PageView:
    """The page a dashboard address names and its filters, with messages about ignored parameters."""

    page: str
    view: ViewFilter
    messages: tuple[str, ...] = ()
    path: str = "/"


def parse_url(url: str, known: Known, defaults: ViewFilter) -> PageView:
    """'/measure/REC01?area=E06000059' (or a full http address) -> the page and its ViewFilter."""
    parts = urlsplit(url.strip())
    view, messages = parse_query(parse_qs(parts.query), known, defaults)
    segments = [unquote(s) for s in parts.path.strip("/").split("/") if s]
    page = segments[0] if segments else "overview"
    wrong_shape = len(segments) > 2 or (len(segments) == 2) != (page in ("theme", "measure"))
    if segments and (page not in PAGES[1:] or wrong_shape):
        raise BadViewUrl(
            f"“{parts.path[:60]}” is not a dashboard page: use /, /theme/<slug>, /measure/<code>, "
            "/drill, /data or /present"
        )
    if page == "theme":
        if segments[1] not in known.themes:
            raise BadViewUrl(f"unknown theme “{segments[1][:40]}”: one of {', '.join(known.themes)}")
        view = view.replace(theme=segments[1], measure=None)
    elif page == "measure":
        code = segments[1].upper()
        if code not in known.measures:
            raise BadViewUrl(f"unknown measure code “{segments[1][:40]}”")
        view = view.replace(measure=code)
    elif page in ("drill", "data") and view.measure is None:
        view = view.replace(measure="REC01" if "REC01" in known.measures else next(iter(known.measures)))
    if page == "drill" and view.dimension is None:
        view = view.replace(dimension="sex")
    if page == "present" and view.theme is None:
        view = view.replace(theme=next(iter(known.themes)))
    path = parts.path or "/"
    return PageView(
        page=page, view=view, messages=tuple(messages), path=path + (f"?{parts.query}" if parts.query else "")
    )


def build(svc: Services, page: PageView, known: Known) -> Document:
    """The document of one dashboard view."""
    view = page.view
    builders = {
        "overview": lambda: ("Overview", overview_sections(svc, view, known)),
        "theme": lambda: (known.themes[view.theme or ""], theme_sections(svc, view, known)),
        "present": lambda: (known.themes[view.theme or ""], theme_sections(svc, view, known)),
        "measure": lambda: (known.measures[view.measure or ""], measure_sections(svc, view, known)),
        "drill": lambda: (f"Cohort drill-down: {known.measures[view.measure or '']}", drill_sections(svc, view, known)),
        "data": lambda: (f"Data: {known.measures[view.measure or '']}", data_sections(svc, view, known)),
    }
    title, sections = builders[page.page]()
    codes = measures_of(svc, page, known)
    return Document(
        title=title,
        subtitle=view.describe(known),
        stamp=stamp(svc, view),
        sections=sections,
        notes=notes(svc, view, codes),
        demo=bool(svc.cached(queries.data_info).get("demo")),
        path=page.path,
        measures=codes,
    )


def measures_of(svc: Services, page: PageView, known: Known) -> list[str]:
    """The measures a view shows: its measure, else its theme's, else every measure."""
    if page.page in ("measure", "drill", "data"):
        return [page.view.measure or ""]
    frame = svc.cached(queries.catalogue_frame, table="measures")
    if page.page in ("theme", "present"):
        frame = frame[frame["theme"] == page.view.theme]
    return [code for code in frame["code"] if code in known.measures]


def stamp(svc: Services, view: ViewFilter) -> list[list[str]]:
    info = svc.cached(queries.data_info)
    period = (
        f"{view.period_from or 'first period held'} to {view.period_to or 'latest held'}"
        if view.period_from or view.period_to
        else "all held"
    )
    return [
        ["Period", period],
        ["Data as at", (info.get("data_as_at") or "no data loaded")[:10]],
        ["Confidence", f"{view.confidence * 100:g}%"],
        ["Generated", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")],
    ]


def notes(svc: Services, view: ViewFilter, codes: Sequence[str]) -> list[str]:
    """Footnotes: the demo notice, suppression, intervals, then each measure's source, definition and caveats."""
    out = [DEMO_NOTICE] if svc.cached(queries.data_info).get("demo") else []
    out.append(suppression_note(svc.settings.suppression_threshold))
    out.append(
        f"Intervals are {view.confidence * 100:g}% confidence intervals (Wilson for percentages, Byar or exact "
        "Poisson for counts and rates). Better, similar or worse: whether the comparator lies outside or inside "
        "the area's interval."
    )
    for code in codes:
        info = svc.cached(queries.measure_info, measure=code)
        line = f"{code} {info['name']}: {info['definition']} Source: {info['source']}."
        if info.get("caveats"):
            line += f" Caveats: {info['caveats']}"
        if not info.get("published"):
            line += " Restricted partner data: do not share."
        out.append(line)
    return out


def suppression_note(threshold: int) -> str:
    return (
        f"Small numbers: counts from 1 to {threshold - 1} are withheld, and so are other cells from which a "
        "withheld count could be worked out (secondary suppression)."
    )


# --- Sections, page by page ----------------------------------------------------------------------------------

TILE_COLUMNS = [
    ["measure", "Measure"],
    ["period", "Latest"],
    ["value", "Value"],
    ["change", "Change"],
    ["comparison", "Compared with comparator"],
    ["target", "Target"],
    ["trend", "Recent trend"],
]


def tile_rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    """The overview tiles as rows of words."""
    rows = []
    for r in frame.to_dict("records"):
        delta = r.get("delta")
        change = (
            "no earlier period"
            if formatting.is_missing(delta) or not r.get("previous_period")
            else f"{formatting.change(delta, r['unit'])} since {r['previous_period']}"
        )
        rows.append(
            {
                "measure": f"{r['measure']} {r['short_name']}",
                "period": str(r.get("latest_period") or "no data"),
                "value": formatting.value_with_unit(_num(r.get("value")), r["unit"]),
                "change": change,
                "comparison": figures.comparison_label(str(r.get("comparison") or "not compared")),
                "target": str(r.get("target_status") or ""),
                "trend": str(r.get("trend") or ""),
            }
        )
    return rows


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def tiles(svc: Services, view: ViewFilter, known: Known, *, headline_only: bool = True) -> pd.DataFrame:
    frame = views.tiles_frame(svc, view, known)
    return frame[frame["headline"]] if headline_only and not frame.empty else frame


def overview_sections(svc: Services, view: ViewFilter, known: Known, *, headline_only: bool = True) -> list[Section]:
    frame = tiles(svc, view, known, headline_only=headline_only)
    sections = []
    for slug, name in known.themes.items():
        rows = tile_rows(frame[frame["theme"] == slug]) if not frame.empty else []
        sections.append(Section(name, [Table(TILE_COLUMNS, rows, caption=f"{name}: headline measures")], level=2))
    return [Section("All seven themes", [], level=1), *sections]


def measure_block(svc: Services, view: ViewFilter, known: Known, code: str, *, full: bool) -> Section:
    """One measure: its sentence, trend, (SPC and inequalities when `full`), compare areas, commentary."""
    blocks: list[Any] = [Text(views.summary_sentence(svc, view, known, code), style="lead")]
    blocks.append(Chart(views.trend_figure_json(svc, view, known, code), f"{code}-trend"))
    if full:
        spc, lines = views.spc_view_json(svc, view, known, code)
        blocks.append(Chart(spc, f"{code}-spc"))
        blocks.append(Chart(views.breakdown_figure_json(svc, view, known, code), f"{code}-inequalities"))
    blocks.append(Chart(views.areas_figure_json(svc, view, known, code), f"{code}-areas"))
    if full:
        blocks += [Text(line, style="small") for line in lines]
    blocks += commentary_blocks(svc, view, code)
    if full:
        blocks.append(
            Table(
                [list(c) for c in views.TABLE_COLUMNS["trend"]],
                views.trend_table(svc, view, code),
                caption=f"{known.measures[code]}: the numbers behind the trend",
            )
        )
    return Section(known.measures[code], blocks, level=2)


def commentary_blocks(svc: Services, view: ViewFilter, code: str) -> list[Any]:
    """The measure's commentary (annotations) as a table, when there is any."""
    frame = queries.commentary(svc.engine, measure=code, area=view.area)
    if frame.empty:
        return []
    rows = [{"period": str(r["period"]), "text": str(r["text"])} for r in frame.to_dict("records")]
    return [Table([["period", "Period"], ["text", "Commentary"]], rows, caption="Commentary")]


def measure_sections(svc: Services, view: ViewFilter, known: Known) -> list[Section]:
    return [measure_block(svc, view, known, view.measure or "", full=True)]


def theme_sections(svc: Services, view: ViewFilter, known: Known) -> list[Section]:
    frame = svc.cached(queries.catalogue_frame, table="measures")
    codes = [c for c in frame.loc[frame["theme"] == view.theme, "code"] if c in known.measures]
    return [measure_block(svc, view, known, code, full=False) for code in codes]


def drill_sections(svc: Services, view: ViewFilter, known: Known) -> list[Section]:
    code = view.measure or ""
    selected = view.cohort if view.cohort != "all" else None
    blocks: list[Any] = [
        Chart(
            views.breakdown_figure_json(svc, view, known, code, dimension=view.dimension, selected=selected),
            f"{code}-by-{view.dimension or 'cohort'}",
        ),
        Table(
            [list(c) for c in views.TABLE_COLUMNS["breakdown"]],
            views.breakdown_table(svc, view, code, view.dimension),
            caption="Cohorts",
        ),
    ]
    sections = [Section(f"By {known.dimensions.get(view.dimension or '', 'cohort').lower()}", blocks, level=2)]
    if selected:
        cohort = known.cohorts.get(view.cohort, view.cohort)
        sections.append(
            Section(
                cohort,
                [
                    Chart(views.trend_figure_json(svc, view, known, code, cohort=view.cohort), f"{code}-trend"),
                    Chart(views.areas_figure_json(svc, view, known, code, cohort=view.cohort), f"{code}-areas"),
                ],
                level=2,
            )
        )
    return sections


DATA_COLUMNS = [
    ["period", "Period"],
    ["area_name", "Area"],
    ["cohort_label", "Cohort"],
    ["value", "Value"],
    ["numerator", "Numerator"],
    ["denominator", "Denominator"],
    ["interval", "Interval"],
    ["comparison", "Compared"],
    ["flags", "Flags"],
]


def data_sections(svc: Services, view: ViewFilter, known: Known) -> list[Section]:
    code = view.measure or ""
    unit = svc.cached(queries.measure_info, measure=code)["unit"]
    records = views.grid_rows(svc, view, code)
    rows = [
        {
            **r,
            "value": formatting.value_with_unit(r["value"], unit),
            "numerator": formatting.count(r["numerator"]),
            "denominator": formatting.count(r["denominator"]),
            "interval": formatting.interval(r["lower_ci"], r["upper_ci"], unit),
            "flags": r["flags"] or r.get("withheld_because") or r.get("missing_reason") or "",
        }
        for r in records[:DATA_ROW_LIMIT]
    ]
    blocks: list[Any] = []
    if len(records) > DATA_ROW_LIMIT:
        blocks.append(
            Text(
                f"The first {DATA_ROW_LIMIT:,} of {len(records):,} rows; download CSV or XLSX for every row.",
                style="warning",
            )
        )
    blocks.append(Table(DATA_COLUMNS, rows, caption=known.measures[code]))
    return [Section("The data", blocks, level=2)]
