"""Exports, one front door for the command line and the web: a view as PDF or PNG, its data as CSV or XLSX,
the board pack, and saved snapshots. Each returns (file name, bytes)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from dashboard import export_data, pack, pdf, snapshots
from dashboard.document import Document
from dashboard.images import Progress
from dashboard.periods import PeriodError, parse_period
from dashboard.service import Services
from dashboard.view_document import BadViewUrl, PageView, build, parse_url

VIEW_FORMATS = ("pdf", "png")
DATA_FORMATS = ("csv", "xlsx")
_SNAPSHOT_PATH = re.compile(r"^/snapshot/([A-Za-z0-9_-]{1,40})/?$")


class ExportError(ValueError):
    """An export that cannot be made, with the reason in plain words."""


def page_view(svc: Services, url: str) -> PageView:
    """The page and filters of a dashboard address, or ExportError."""
    try:
        return parse_url(url, svc.known(), svc.defaults())
    except BadViewUrl as exc:
        raise ExportError(str(exc)) from exc


def document_for(svc: Services, url: str) -> Document:
    """The document of a dashboard address; a snapshot's address gives the document it kept."""
    match = _SNAPSHOT_PATH.match(urlsplit(url.strip()).path)
    if match:
        try:
            return snapshots.get(svc.engine, match.group(1), visible=svc.known().measures).document
        except snapshots.SnapshotError as exc:
            raise ExportError(str(exc)) from exc
    return build(svc, page_view(svc, url), svc.known())


def export_view(svc: Services, url: str, fmt: str, *, progress: Progress | None = None) -> tuple[str, bytes]:
    """The view at `url` as a PDF (A4 landscape) or a PNG, exactly as filtered."""
    if fmt not in VIEW_FORMATS:
        raise ExportError(f"a view exports as pdf or png, not “{fmt[:10]}”")
    doc = document_for(svc, url)
    return pdf.file_name(doc, fmt), pdf.render(doc, fmt, progress=progress)


def export_table(svc: Services, url: str, fmt: str) -> tuple[str, bytes]:
    """The rows behind the view at `url`, with small-number suppression, as CSV or XLSX (with a metadata sheet)."""
    if fmt not in DATA_FORMATS:
        raise ExportError(f"data downloads are csv or xlsx, not “{fmt[:10]}”")
    page = page_view(svc, url)
    known = svc.known()
    name = "pathways-data-" + "-".join(
        part for part in (page.view.measure or page.view.theme or "all", page.view.area) if part
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    return f"{name.lower()}-{stamp}.{fmt}", export_data.export_data(svc, page.view, known, fmt=fmt)  # type: ignore[arg-type]


def export_table_metadata(svc: Services, url: str) -> bytes:
    """The metadata that goes beside a CSV download (an XLSX carries it as its second sheet)."""
    return export_data.export_metadata_csv(svc, page_view(svc, url).view, svc.known())


def pack_document(svc: Services, *, period: str, area: str | None = None, comparator: str | None = None) -> Document:
    known = svc.known()
    try:
        label = parse_period(period).label
    except PeriodError as exc:
        raise ExportError(str(exc)) from exc
    if label not in known.periods:
        raise ExportError(f"the store holds no period {label}")
    for code, what in ((area, "area"), (comparator, "comparator")):
        if code and code not in known.areas:
            raise ExportError(f"unknown {what} code “{code[:40]}”")
    return pack.build_pack(svc, known, pack.pack_view(svc, known, period=label, area=area, comparator=comparator))


def export_pack(
    svc: Services,
    *,
    period: str,
    area: str | None = None,
    comparator: str | None = None,
    progress: Progress | None = None,
) -> tuple[str, bytes]:
    """The quarterly board pack as a PDF."""
    doc = pack_document(svc, period=period, area=area, comparator=comparator)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{doc.stamp[0][1]} {doc.stamp[1][1]}".lower()).strip("-")
    return f"pathways-board-pack-{slug}.pdf", pdf.render_pdf(doc, progress=progress)
