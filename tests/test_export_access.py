"""Exports keep confidentiality: a viewer's downloads, PDFs, packs and snapshots never carry restricted data."""

from __future__ import annotations

import base64
import io
import json

import pytest
from pypdf import PdfReader

from callbacks.export import job_services, read_ticket, run_export, ticket
from dashboard import export, snapshots
from dashboard.config import Settings
from dashboard.service import Services
from layouts import ids
from tests.fixtures import RESTRICTED, restricted_leaks
from tests.web import auth_app, post_callback, response_text, sign_in


def _export_request(app, trigger: str, pathname: str, search: str = "") -> dict:
    """What the renderer posts when an export button is clicked on a page."""
    buttons = [ids.EXPORT_CSV, ids.EXPORT_XLSX] if trigger in (ids.EXPORT_CSV, ids.EXPORT_XLSX) else []
    outputs = [(ids.EXPORT_DATA_DOWNLOAD, "data"), (ids.EXPORT_META_DOWNLOAD, "data"), (ids.EXPORT_STATUS, "children")]
    if not buttons:
        buttons = [ids.EXPORT_PDF, ids.EXPORT_PNG, ids.EXPORT_PACK]
        outputs = [(ids.EXPORT_TICKET, "data")]
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        if len(outputs) > 1
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": b, "property": "n_clicks", "value": 1 if b == trigger else 0} for b in buttons],
        "changedPropIds": [f"{trigger}.n_clicks"],
        "state": [
            {"id": ids.URL, "property": "pathname", "value": pathname},
            {"id": ids.URL, "property": "search", "value": search},
        ],
    }
    # an output shared with another callback carries a suffix in the callback map: use the map's own key
    body["output"] = next(
        k for k in app.callback_map if k.split("@")[0] == body["output"] or k.startswith(body["output"][:-2])
    )
    return body


def _downloaded(response) -> str:
    """The text of every file a data-download response carries."""
    payload = response.get_json()["response"]
    out = []
    for value in payload.values():
        data = value.get("data") if isinstance(value, dict) else None
        if isinstance(data, dict) and data.get("content"):
            out.append(base64.b64decode(data["content"]).decode("utf-8-sig", errors="replace"))
    return "\n".join(out)


@pytest.fixture
def app(secure_store):
    return auth_app(secure_store)


@pytest.mark.parametrize("path", ["/measure/REC03", "/theme/reconvictions", "/data?measure=REC03", "/"])
def test_a_viewers_csv_download_holds_no_restricted_data(app, path):
    client = app.server.test_client()
    sign_in(client, "viewer")
    pathname, _, search = path.partition("?")
    response = post_callback(client, _export_request(app, ids.EXPORT_CSV, pathname, "?" + search if search else ""))
    assert response.status_code == 200
    text = response_text(response) + _downloaded(response)
    assert restricted_leaks(text, echo_code=True) == []


def test_an_analysts_csv_download_does_hold_the_restricted_measure(app):
    client = app.server.test_client()
    sign_in(client, "analyst")
    response = post_callback(client, _export_request(app, ids.EXPORT_CSV, "/theme/reconvictions"))
    assert RESTRICTED in _downloaded(response)


def test_anonymous_export_requests_are_refused(app):
    client = app.server.test_client()
    for trigger in (ids.EXPORT_CSV, ids.EXPORT_PDF):
        assert post_callback(client, _export_request(app, trigger, "/theme/reconvictions")).status_code == 401


def test_the_export_ticket_carries_the_signed_in_role(app):
    client = app.server.test_client()
    sign_in(client, "viewer")
    response = post_callback(client, _export_request(app, ids.EXPORT_PACK, "/theme/reconvictions"))
    token = response.get_json()["response"][ids.EXPORT_TICKET]["data"]
    job = read_ticket(app.server.secret_key, token)
    assert job == {"url": "/theme/reconvictions", "what": "pack", "role": "viewer", "user": "board1"}


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "x" * 5000,
        {"url": "/", "role": "admin"},
        ticket("another-secret", url="/", what="pdf", role="admin", user="mallory"),
    ],
)
def test_a_forged_or_foreign_ticket_is_refused(token):
    assert read_ticket("test-secret", token) is None


def test_a_tampered_ticket_is_refused():
    good = ticket("test-secret", url="/", what="pdf", role="viewer", user="board1")
    head, _, sig = good.rpartition(".")
    assert read_ticket("test-secret", head.replace("v", "w", 1) + "." + sig) is None


def test_a_viewers_pdf_of_the_theme_leaves_the_restricted_measure_out(secure_store):
    svc = job_services(Settings(database_url=secure_store.url.render_as_string(hide_password=False)), "viewer")
    download, status = run_export(svc, "pdf", "/theme/reconvictions", lambda _: None)
    text = " ".join(PdfReader(io.BytesIO(base64.b64decode(download["content"]))).pages[0].extract_text().split())
    assert "Reconvictions" in text and "Adult proven reoffending rate" in text
    full = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(base64.b64decode(download["content"]))).pages)
    assert restricted_leaks(full) == []
    _, refused = run_export(svc, "pdf", "/measure/REC03", lambda _: None)
    assert "unknown measure code" in str(refused)


def test_a_snapshot_of_restricted_data_is_not_found_by_a_viewer(secure_store):
    analyst = Services(secure_store, Settings(), current_role=lambda: "analyst")
    viewer = Services(secure_store, Settings(), current_role=lambda: "viewer")
    doc = export.document_for(analyst, "/measure/REC03")
    assert doc.measures == [RESTRICTED]
    snap = snapshots.save(secure_store, document=doc, filters={}, title="IOM", author="analyst1")
    public = snapshots.save(secure_store, document=export.document_for(viewer, "/"), filters={}, title="All")
    assert snapshots.get(secure_store, snap.id, visible=analyst.known().measures).title == "IOM"
    with pytest.raises(snapshots.SnapshotError, match="that you may see"):
        snapshots.get(secure_store, snap.id, visible=viewer.known().measures)
    with pytest.raises(export.ExportError):
        export.export_view(viewer, f"/snapshot/{snap.id}", "pdf")
    assert list(snapshots.listing(secure_store, visible=viewer.known().measures)["id"]) == [public.id]
    assert set(snapshots.listing(secure_store, visible=analyst.known().measures)["id"]) == {snap.id, public.id}


@pytest.mark.parametrize("url", ["/", "/theme/reconvictions", "/present?theme=reconvictions"])
def test_a_viewers_documents_leave_the_restricted_measure_out(secure_store, url):
    viewer = Services(secure_store, Settings(), current_role=lambda: "viewer")
    analyst = Services(secure_store, Settings(), current_role=lambda: "analyst")
    assert restricted_leaks(json.dumps(export.document_for(viewer, url).to_dict(), ensure_ascii=False)) == []
    assert RESTRICTED in json.dumps(export.document_for(analyst, url).to_dict())


def test_a_viewers_board_pack_leaves_the_restricted_measure_out(secure_store):
    viewer = Services(secure_store, Settings(), current_role=lambda: "viewer")
    doc = export.pack_document(viewer, period="2024-Q4")
    assert RESTRICTED not in doc.measures
    assert restricted_leaks(json.dumps(doc.to_dict(), ensure_ascii=False)) == []
    analyst = Services(secure_store, Settings(), current_role=lambda: "analyst")
    assert RESTRICTED in export.pack_document(analyst, period="2024-Q4").measures
