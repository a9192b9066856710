"""Export bar callbacks: the view as PDF/PNG and the board pack as background jobs with progress; data downloads;
saving a snapshot. Each reads the page's address and hands it to dashboard.export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from itsdangerous import BadSignature, URLSafeTimedSerializer

from dashboard import audit, export, snapshots, store
from dashboard.config import Settings
from dashboard.images import ImageError
from dashboard.service import Services
from layouts import ids
from layouts.common import EXTENSION, current_role, current_username, services

EXPIRED = "That export request could not be checked (it is over 10 minutes old, or the server restarted): try again."


def address(pathname: object, search: object) -> str:
    """The page's address from dcc.Location (anything else a tampered request sends counts as the overview)."""
    path = pathname if isinstance(pathname, str) and pathname.startswith("/") else "/"
    query = search if isinstance(search, str) and search.startswith("?") else ""
    return (path + query)[:2000]


def job_services(settings: Settings, role: str | None) -> Services:
    """Services for a background job: it runs in its own process, outside the web request, so it opens its own
    connection pool and sees what the role that asked may see."""
    return Services(store.make_engine(settings.database_url), settings, current_role=lambda: role)


TICKET_SALT, TICKET_MAX_AGE = "pathways-export", 600


def ticket(secret: str, *, url: str, what: str, role: str | None, user: str) -> str:
    """A signed note of who asked for which export: the background job trusts the role in it, nothing the
    browser could change."""
    return URLSafeTimedSerializer(secret, salt=TICKET_SALT).dumps(
        {"url": url, "what": what, "role": role, "user": user}
    )


def read_ticket(secret: str, token: object) -> dict[str, Any] | None:
    if not isinstance(token, str) or len(token) > 4000:
        return None
    try:
        data = URLSafeTimedSerializer(secret, salt=TICKET_SALT).loads(token, max_age=TICKET_MAX_AGE)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None


def pack_period(svc: Services, url: str) -> tuple[str, str | None, str | None]:
    """The quarter, area and comparator a board pack from this page is drawn for: the page's 'to' period, or the
    latest quarter held."""
    view = export.page_view(svc, url).view if not url.startswith("/snapshot") else svc.defaults()
    periods = [p for p in svc.known().periods if "-Q" in p]
    period = view.period_to if view.period_to in periods else (periods[-1] if periods else "")
    return period, view.area, view.comparator


def run_export(svc: Services, what: str, url: str, set_progress: Callable[[tuple[int, str]], None]) -> tuple[Any, Any]:
    """The download and a status line for the PDF, PNG or board-pack button."""

    def progress(done: int, total: int) -> None:
        set_progress((int(90 * done / total), f"Drawing chart {done} of {total}"))

    set_progress((5, "Gathering the figures"))
    try:
        if what == "pack":
            period, area, comparator = pack_period(svc, url)
            name, content = export.export_pack(svc, period=period, area=area, comparator=comparator, progress=progress)
        else:
            name, content = export.export_view(svc, url, what, progress=progress)
    except (export.ExportError, ImageError) as exc:
        return no_update, html.Span(f"The export could not be made: {exc}", className="text-danger")
    set_progress((100, "Done"))
    return dcc.send_bytes(content, name), f"Downloaded {name} ({len(content) / 1e6:.1f} MB)."


def data_download(svc: Services, trigger: str | None, url: str) -> tuple[Any, Any, Any]:
    fmt = "xlsx" if trigger == ids.EXPORT_XLSX else "csv"
    try:
        name, content = export.export_table(svc, url, fmt)
        meta = export.export_table_metadata(svc, url) if fmt == "csv" else None
    except export.ExportError as exc:
        return no_update, no_update, html.Span(f"The download could not be made: {exc}", className="text-danger")
    side = dcc.send_bytes(meta, name[:-4] + "-metadata.csv") if meta is not None else no_update
    return dcc.send_bytes(content, name), side, f"Downloaded {name}."


def save_snapshot(svc: Services, url: str, title: str | None, author: str | None) -> Any:
    try:
        page = export.page_view(svc, url)
        doc = export.document_for(svc, url)
        snap = snapshots.save(
            svc.engine, document=doc, filters=page.view.to_query(svc.defaults()), title=title or "", author=author or ""
        )
    except (export.ExportError, snapshots.SnapshotError) as exc:
        return html.Span(f"The snapshot was not saved: {exc}", className="text-danger")
    link = f"/snapshot/{snap.id}"
    return html.Span(["Saved. Its permanent link: ", html.A(link, href=link, id="snapshot-link")])


def _audit(action: str, detail: str) -> None:
    """Who exported or kept what, in the audit log."""
    audit.record(services().engine, username=current_username(), action=action, detail=detail[:500])


def register(app: Dash) -> None:
    settings: Settings = app.server.extensions[EXTENSION].settings  # the job process has no request to ask

    @app.callback(
        Output(ids.EXPORT_TICKET, "data"),
        Input(ids.EXPORT_PDF, "n_clicks"),
        Input(ids.EXPORT_PNG, "n_clicks"),
        Input(ids.EXPORT_PACK, "n_clicks"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def ask_for_export(_pdf: int, _png: int, _pack: int, pathname: str | None, search: str | None) -> str:
        what = {ids.EXPORT_PNG: "png", ids.EXPORT_PACK: "pack"}.get(str(ctx.triggered_id), "pdf")
        url = address(pathname, search)
        _audit("export", f"{what} {url}")
        return ticket(app.server.secret_key, url=url, what=what, role=current_role(), user=current_username())

    @app.callback(
        Output(ids.EXPORT_DOWNLOAD, "data"),
        Output(ids.EXPORT_STATUS, "children"),
        Input(ids.EXPORT_TICKET, "data"),
        background=True,
        running=[
            (Output(ids.EXPORT_PDF, "disabled"), True, False),
            (Output(ids.EXPORT_PNG, "disabled"), True, False),
            (Output(ids.EXPORT_PACK, "disabled"), True, False),
            (Output(ids.EXPORT_PROGRESS_WRAP, "style"), {"display": "block"}, {"display": "none"}),
        ],
        progress=[Output(ids.EXPORT_PROGRESS, "value"), Output(ids.EXPORT_PROGRESS, "label")],
        prevent_initial_call=True,
    )
    def export_view(set_progress, token):  # type: ignore[no-untyped-def]
        job = read_ticket(app.server.secret_key, token)
        if job is None:
            return no_update, html.Span(EXPIRED, className="text-danger")
        svc = job_services(settings, job.get("role"))
        try:
            return run_export(svc, str(job.get("what")), str(job.get("url")), set_progress)
        finally:
            svc.engine.dispose()

    @app.callback(
        Output(ids.EXPORT_DATA_DOWNLOAD, "data"),
        Output(ids.EXPORT_META_DOWNLOAD, "data"),
        Output(ids.EXPORT_STATUS, "children", allow_duplicate=True),
        Input(ids.EXPORT_CSV, "n_clicks"),
        Input(ids.EXPORT_XLSX, "n_clicks"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def download_data(_csv: int, _xlsx: int, pathname: str | None, search: str | None) -> tuple[Any, Any, Any]:
        url = address(pathname, search)
        fmt = "xlsx" if ctx.triggered_id == ids.EXPORT_XLSX else "csv"
        _audit("export", f"{fmt} {url}")
        return data_download(services(), ctx.triggered_id, url)

    app.clientside_callback(  # pure page state: opened and closed in the browser (assets/ui.js)
        ClientsideFunction(namespace="ui", function_name="toggle"),
        Output(ids.SNAPSHOT_FORM, "is_open"),
        Input(ids.EXPORT_SNAPSHOT, "n_clicks"),
        State(ids.SNAPSHOT_FORM, "is_open"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.SNAPSHOT_RESULT, "children"),
        Input(ids.SNAPSHOT_SAVE, "n_clicks"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        State(ids.SNAPSHOT_TITLE, "value"),
        State(ids.SNAPSHOT_AUTHOR, "value"),
        prevent_initial_call=True,
    )
    def save(_clicks: int, pathname: str | None, search: str | None, title: Any, author: Any) -> Any:
        url = address(pathname, search)
        _audit("snapshot", url)
        return save_snapshot(services(), url, _text(title), _text(author) or current_username())


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
