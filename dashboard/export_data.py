"""Data downloads: the rows behind any view as CSV or XLSX, with their metadata, safe to open in a spreadsheet.

The rows are exactly those the data table shows (`views.records` of `queries.observations` with the view's
filters and small-number suppression), plus each row's unit and note. Every text cell that a spreadsheet
would read as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

import pandas as pd

from dashboard import formatting, queries, views
from dashboard.filters import Known, ViewFilter
from dashboard.service import Services
from dashboard.view_document import DEMO_NOTICE, suppression_note

Format = Literal["csv", "xlsx"]
WITHHELD = " Withheld rows keep their place with no value; the column withheld_because says why."
MEASURE_FIELDS = [
    ("code", "Code"),
    ("name", "Measure"),
    ("theme_name", "Theme"),
    ("definition", "Definition"),
    ("unit", "Unit"),
    ("polarity", "Polarity"),
    ("numerator_definition", "Numerator"),
    ("denominator_definition", "Denominator"),
    ("source", "Source"),
    ("frequency", "Frequency"),
    ("target", "Target"),
    ("caveats", "Caveats"),
]


def neutralise(cell: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made inert with a leading apostrophe. Numbers pass."""
    return formatting.spreadsheet_safe(cell)


def view_measures(svc: Services, view: ViewFilter, known: Known) -> list[str]:
    """The measures a view shows: its measure, else its theme's measures, else every measure."""
    if view.measure:
        return [view.measure]
    frame = svc.cached(queries.catalogue_frame, table="measures")
    if view.theme:
        frame = frame[frame["theme"] == view.theme]
    return [code for code in frame["code"] if code in known.measures]


def rows(svc: Services, view: ViewFilter, measures: Sequence[str]) -> list[dict[str, Any]]:
    """The rows behind the view: `views.grid_rows` for each measure, plus each row's unit and note."""
    frame = views.grid_frame(svc, view, list(measures))
    out = views.records(frame)
    for record, unit, note in zip(out, frame.get("unit", []), frame.get("note", []), strict=True):
        record["unit"] = unit
        record["note"] = None if note is None or pd.isna(note) else note
    return out


def metadata(svc: Services, view: ViewFilter, known: Known, measures: Sequence[str]) -> dict[str, Any]:
    """What a reader needs beside the numbers: filters in words, dates, notices and each measure's definition."""
    info = svc.cached(queries.data_info)
    about = [
        ("Title", title(view, known)),
        ("Filters", view.describe(known)),
        ("Confidence level", f"{view.confidence * 100:g}%"),
        ("Generated", datetime.now(UTC).isoformat(timespec="seconds")),
        ("Data as at", info.get("data_as_at") or "unknown"),
        ("Data version", info.get("data_version") or "0"),
        ("Suppression", suppression_note(svc.settings.suppression_threshold) + WITHHELD),
    ]
    if info.get("demo"):
        about.insert(0, ("Notice", DEMO_NOTICE))
    details = [queries.measure_info(svc.engine, measure=code) for code in measures]
    return {"about": about, "measures": [[d.get(key) for key, _ in MEASURE_FIELDS] for d in details]}


def title(view: ViewFilter, known: Known) -> str:
    if view.measure:
        return known.measures.get(view.measure, view.measure)
    if view.theme:
        return known.themes.get(view.theme, view.theme)
    return "All measures"


def _columns(records: list[dict[str, Any]]) -> list[str]:
    if records:
        return list(records[0])
    return [
        "measure", "period", "area", "area_name", "cohort", "cohort_label", "value", "numerator", "denominator",
        "lower_ci", "upper_ci", "comparator_value", "comparison", "flags", "missing_reason", "withheld_because",
        "unit", "note",
    ]  # fmt: skip


def _csv(table: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in table:
        writer.writerow(["" if cell is None else neutralise(_whole(cell)) for cell in line])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def _whole(cell: Any) -> Any:
    """130.0 -> 130: counts read as counts."""
    return int(cell) if isinstance(cell, float) and cell.is_integer() else cell


def data_table(records: list[dict[str, Any]]) -> list[list[Any]]:
    columns = _columns(records)
    return [columns, *([r.get(c) for c in columns] for r in records)]


def metadata_table(meta: dict[str, Any]) -> list[list[Any]]:
    return [["item", "value"], *map(list, meta["about"]), [], [label for _, label in MEASURE_FIELDS], *meta["measures"]]


def _xlsx(data: list[list[Any]], meta: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for name, table, ws in (("data", data, sheet), ("metadata", meta, book.create_sheet())):
        ws.title = name
        for r, line in enumerate(table, start=1):
            for col, value in enumerate(line, start=1):
                cell = ws.cell(row=r, column=col)
                cell.value = neutralise(value)
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    book["metadata"].column_dimensions["A"].width = 22
    book["metadata"].column_dimensions["B"].width = 100
    for row in book["metadata"].iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_data(svc: Services, view: ViewFilter, known: Known, *, fmt: Format) -> bytes:
    """The rows behind `view` as CSV (data only; see `export_metadata_csv`) or XLSX (sheets data, metadata)."""
    measures = view_measures(svc, view, known)
    table = data_table(rows(svc, view, measures))
    if fmt == "csv":
        return _csv(table)
    if fmt == "xlsx":
        return _xlsx(table, metadata_table(metadata(svc, view, known, measures)))
    raise ValueError(f"format must be csv or xlsx, not {fmt!r}")


def export_metadata_csv(svc: Services, view: ViewFilter, known: Known) -> bytes:
    """The companion `…-metadata.csv` of a CSV download: the XLSX metadata sheet as CSV."""
    return _csv(metadata_table(metadata(svc, view, known, view_measures(svc, view, known))))


def metadata_path(path: str) -> str:
    """data.csv -> data-metadata.csv"""
    stem = path[:-4] if path.lower().endswith(".csv") else path
    return f"{stem}-metadata.csv"
