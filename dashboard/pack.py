"""The quarterly board pack: cover, contents, the seven themes at a glance, a section per theme, exceptions, notes."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard import figures, formatting, queries, stats, views
from dashboard.document import Document, Section, Table, Text
from dashboard.filters import Known, ViewFilter
from dashboard.service import Services
from dashboard.view_document import measure_block, notes, overview_sections, stamp, tiles

EXCEPTION_COLUMNS = [["measure", "Measure"], ["period", "Period"], ["value", "Value"], ["why", "Why it is here"]]


def pack_view(svc: Services, known: Known, *, period: str, area: str | None, comparator: str | None) -> ViewFilter:
    """The filter a pack is drawn with: everything up to `period`, for one area and comparator."""
    view = svc.defaults().replace(period_to=period)
    if area:
        view = view.replace(area=area)
    if comparator:
        view = view.replace(comparator=comparator)
    return view


def spc_variation(svc: Services, view: ViewFilter, code: str) -> str | None:
    """The SPC variation of the latest point (e.g. 'special_cause_concern'), or None with too few points."""
    info = svc.cached(queries.measure_info, measure=code)
    frame = views.trend_frame(svc, view, code).dropna(subset=["value"])
    if len(frame) < 2:
        return None
    improvement = views.IMPROVEMENT.get(info["polarity"], "neutral")
    table = stats.spc(frame["value"].tolist(), improvement, target=info["target"])
    return stats.spc_summary(table, improvement, info["target"]).variation


def exceptions(svc: Services, view: ViewFilter, known: Known, frame: pd.DataFrame) -> list[dict[str, str]]:
    """Measures worse than the comparator, or whose latest point is special-cause concern."""
    rows = []
    for r in frame.to_dict("records"):
        why = []
        if r.get("comparison") == "worse":
            why.append(f"{figures.comparison_label('worse')} than {known.areas.get(view.comparator, '')}")
        if spc_variation(svc, view, r["measure"]) == "special_cause_concern":
            why.append(figures.VARIATION_WORDS["special_cause_concern"])
        if why:
            rows.append(
                {
                    "measure": f"{r['measure']} {r['short_name']}",
                    "period": str(r.get("latest_period") or ""),
                    "value": formatting.value_with_unit(_num(r.get("value")), r["unit"]),
                    "why": "; ".join(why),
                }
            )
    return rows


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def build_pack(svc: Services, known: Known, view: ViewFilter) -> Document:
    """The board pack's document for `view` (its period_to is the pack's quarter)."""
    measures = svc.cached(queries.catalogue_frame, table="measures")
    codes = [c for c in measures["code"] if c in known.measures]
    glance = overview_sections(svc, view, known, headline_only=False)
    sections = [Section("The seven themes at a glance", glance[0].blocks, level=1), *glance[1:]]
    for slug, name in known.themes.items():
        theme_codes = [c for c in measures.loc[measures["theme"] == slug, "code"] if c in known.measures]
        sections.append(Section(name, [], level=1))
        sections += [measure_block(svc, view, known, code, full=False) for code in theme_codes]
    found = exceptions(svc, view, known, tiles(svc, view, known, headline_only=False))
    sections.append(
        Section(
            "Exceptions",
            [
                Text(
                    "Measures worse than the comparator (its value lies outside the area's confidence interval, on the "
                    "wrong side), or whose latest point shows special-cause variation of concern on the SPC chart."
                ),
                Table(EXCEPTION_COLUMNS, found, caption=f"{len(found)} exceptions")
                if found
                else Text("No measure is worse than the comparator or shows special-cause concern."),
            ],
            level=1,
        )
    )
    area = known.areas.get(view.area, view.area)
    return Document(
        title=f"Reducing Reoffending Strategy Group: board pack, {view.period_to}",
        subtitle=f"{area}, compared with {known.areas.get(view.comparator, view.comparator)}",
        stamp=[["Quarter", view.period_to or ""], ["Area", area], *stamp(svc, view)[1:]],
        sections=sections,
        notes=notes(svc, view, codes),
        demo=bool(svc.cached(queries.data_info).get("demo")),
        path="/?" + "&".join(f"{k}={v}" for k, v in view.to_query(svc.defaults()).items()),
        kind="pack",
        measures=codes,
    )
