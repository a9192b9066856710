"""Upload page callbacks: a chosen file is checked by a dry run; Load imports it. Admins only, checked here too."""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
from pathlib import Path
from typing import Any

from dash import Dash, Input, Output, State, no_update

from dashboard import access, audit
from dashboard.importer import LOADED, PARTIAL, ImportReport, import_file
from layouts import ids
from layouts import upload as upload_layout
from layouts.common import current_role, current_username, services

TYPES = (".csv", ".xlsx")
REFUSED = "You need the admin role to upload returns."


def read_upload(contents: Any, filename: Any, limit_mb: int) -> tuple[bytes | None, str]:
    """The uploaded file's bytes, or None and the reason it cannot be imported."""
    name = str(filename or "")
    if Path(name).suffix.lower() not in TYPES:
        return None, f"“{name[:80] or 'That file'}” is not a CSV or XLSX file. Save the return as CSV or XLSX."
    if not isinstance(contents, str) or "," not in contents:
        return None, "The file could not be read; please choose it again."
    encoded = contents.split(",", 1)[1]
    if len(encoded) * 3 // 4 > limit_mb * 1024 * 1024:
        return None, f"“{name[:80]}” is larger than {limit_mb} MB, the most the upload accepts. Nothing was loaded."
    try:
        return base64.b64decode(encoded, validate=True), ""
    except (binascii.Error, ValueError):
        return None, "The file could not be read; please choose it again."


def _safe_name(filename: str) -> str:
    path = Path(filename)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem)[:80] or "upload"
    return stem + path.suffix.lower()


def run_import(data: bytes, filename: str, *, partial: bool, dry_run: bool) -> ImportReport:
    """The importer on the uploaded bytes; any rejected-rows file lands in a throwaway folder."""
    with tempfile.TemporaryDirectory() as folder:
        return import_file(
            services().engine,
            Path(folder) / _safe_name(filename),
            partial=partial,
            dry_run=dry_run,
            imported_by=f"web:{current_username()}",
            file_name=Path(filename).name[:200],
            data=data,
        )


def check_upload(contents: Any, partial: Any, filename: Any) -> tuple[Any, bool, Any]:
    """Dry run: the report, whether Load stays disabled, and a cleared result."""
    if not access.is_admin(current_role()):
        return upload_layout.message(REFUSED, ok=False), True, ""
    if contents is None:
        return no_update, True, ""
    data, problem = read_upload(contents, filename, services().settings.upload_max_mb)
    if data is None:
        return upload_layout.message(problem, ok=False), True, ""
    report = run_import(data, str(filename), partial=bool(partial), dry_run=True)
    return upload_layout.report(report), report.outcome not in (LOADED, PARTIAL), ""


def load_upload(clicks: Any, contents: Any, filename: Any, partial: Any) -> tuple[Any, bool]:
    """The real import (atomic; with 'good rows only', the good rows), recorded in the audit log."""
    if not access.is_admin(current_role()):
        return upload_layout.message(REFUSED, ok=False), True
    if not clicks or contents is None:
        return no_update, True
    data, problem = read_upload(contents, filename, services().settings.upload_max_mb)
    if data is None:
        return upload_layout.message(problem, ok=False), True
    report = run_import(data, str(filename), partial=bool(partial), dry_run=False)
    audit.record(
        services().engine, username=current_username(), action=audit.IMPORT, detail=audit.import_detail(report)
    )
    return upload_layout.report(report), True


def register(app: Dash) -> None:
    app.callback(
        Output(ids.UPLOAD_REPORT, "children"),
        Output(ids.UPLOAD_LOAD, "disabled"),
        Output(ids.UPLOAD_RESULT, "children"),
        Input(ids.UPLOAD_FILE, "contents"),
        Input(ids.UPLOAD_PARTIAL, "value"),
        State(ids.UPLOAD_FILE, "filename"),
    )(check_upload)
    app.callback(
        Output(ids.UPLOAD_RESULT, "children", allow_duplicate=True),
        Output(ids.UPLOAD_LOAD, "disabled", allow_duplicate=True),
        Input(ids.UPLOAD_LOAD, "n_clicks"),
        State(ids.UPLOAD_FILE, "contents"),
        State(ids.UPLOAD_FILE, "filename"),
        State(ids.UPLOAD_PARTIAL, "value"),
        prevent_initial_call=True,
    )(load_upload)
