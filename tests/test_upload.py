"""The upload page: a dry-run report first, nothing loaded on error, Load on confirm; admins only."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from callbacks import upload as upload_cb
from callbacks.auth import SignedIn
from dashboard import audit, store, users
from layouts import ids
from layouts import upload as upload_layout
from tests.web import USERS, auth_app, callback_body, page_content, post_callback, response_text, sign_in, web_client

GOOD = "measure,area,period,cohort,value\nMH01,E23000039,2024-Q4,all,30\nMH01,E06000059,2024-Q4,all,7\n"
BAD = GOOD + "MH01,E99999999,2024-Q4,all,5\nMH01,E23000039,2024-Q9,all,5\n"


def contents(text: str | bytes, mime: str = "text/csv") -> str:
    data = text.encode() if isinstance(text, str) else text
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def _text(component) -> str:
    return json.dumps(component, default=lambda c: c.to_plotly_json(), ensure_ascii=False)


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(store.observations)).scalar()


def _mh01_dorset_latest(engine) -> float:
    o, m, a, p = store.observations, store.measures, store.areas, store.periods
    stmt = (
        select(o.c.value)
        .join(m, m.c.id == o.c.measure_id)
        .join(a, a.c.id == o.c.area_id)
        .join(p, p.c.id == o.c.period_id)
        .where(m.c.code == "MH01", a.c.code == "E23000039", p.c.label == "2024-Q4")
    )
    with engine.connect() as conn:
        return conn.execute(stmt).scalar()


@pytest.fixture
def app(secure_store):
    return auth_app(secure_store, upload_max_mb=1)


@contextmanager
def signed_in(app, role: str) -> Iterator[None]:
    with app.server.test_request_context("/upload"):
        login_user(SignedIn(users.User(USERS[role], role)))
        yield


def test_a_good_file_is_reported_then_loaded_on_confirm(app, secure_store):
    before = _count(secure_store)
    with signed_in(app, "admin"):
        report, load_disabled, _ = upload_cb.check_upload(contents(GOOD), False, "return.csv")
        assert "dry run" in _text(report) and load_disabled is False
        assert _count(secure_store) == before and _mh01_dorset_latest(secure_store) == 23.0  # nothing written yet
        result, _ = upload_cb.load_upload(1, contents(GOOD), "return.csv", False)
    assert "loaded 1 new, 1 updated" in _text(result)
    assert _count(secure_store) == before + 1 and _mh01_dorset_latest(secure_store) == 30.0
    entry = audit.recent(secure_store).iloc[0]
    assert (entry["username"], entry["action"]) == (USERS["admin"], audit.IMPORT)
    assert "return.csv: loaded, 2 loaded" in entry["detail"]


def test_a_file_with_errors_shows_every_bad_row_and_loads_nothing(app, secure_store):
    before = _count(secure_store)
    with signed_in(app, "admin"):
        report, load_disabled, _ = upload_cb.check_upload(contents(BAD), False, "return.csv")
        text = _text(report)
        assert load_disabled is True and "nothing was loaded" in text
        for cells in (("4", "area", "E99999999"), ("5", "period", "2024-Q9")):  # row, column, value
            assert all(f'"children": "{cell}"' in text for cell in cells)
        result, _ = upload_cb.load_upload(1, contents(BAD), "return.csv", False)  # a crafted click: still atomic
    assert "rejected" in _text(result)
    assert _count(secure_store) == before and _mh01_dorset_latest(secure_store) == 23.0


def test_good_rows_only_loads_the_good_rows(app, secure_store):
    before = _count(secure_store)
    with signed_in(app, "admin"):
        report, load_disabled, _ = upload_cb.check_upload(contents(BAD), True, "return.csv")
        assert load_disabled is False and "good rows only" in _text(report)
        result, _ = upload_cb.load_upload(1, contents(BAD), "return.csv", True)
    assert "loaded good rows only" in _text(result)
    assert _count(secure_store) == before + 1 and _mh01_dorset_latest(secure_store) == 30.0


def test_an_xlsx_return_is_accepted(app, secure_store):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    for row in GOOD.splitlines():
        book.active.append(row.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    with signed_in(app, "admin"):
        report, load_disabled, _ = upload_cb.check_upload(contents(buffer.getvalue()), False, "Return Q4.XLSX")
    assert load_disabled is False and "Return Q4.XLSX" in _text(report)


@pytest.mark.parametrize(
    ("upload", "name", "reason"),
    [
        (contents(GOOD, "application/pdf"), "return.pdf", "not a CSV or XLSX file"),
        (contents(GOOD), "return", "not a CSV or XLSX file"),
        (contents("x" * (1024 * 1024 + 10)), "big.csv", "larger than 1 MB"),
        ("data:text/csv;base64,@@not base64@@", "return.csv", "could not be read"),
        ("no comma at all", "return.csv", "could not be read"),
        (None, "return.csv", None),
    ],
)
def test_bad_uploads_get_a_clear_message_and_change_nothing(app, secure_store, upload, name, reason):
    before = _count(secure_store)
    with signed_in(app, "admin"):
        report, load_disabled, _ = upload_cb.check_upload(upload, False, name)
        result, _ = upload_cb.load_upload(1, upload, name, False)
    assert load_disabled is True and _count(secure_store) == before
    if reason:
        assert reason in _text(report) and reason in _text(result)
    assert not any(audit.recent(secure_store)["action"] == audit.IMPORT)


def test_an_unreadable_file_is_reported(app, secure_store):
    with signed_in(app, "admin"):
        report, load_disabled, _ = upload_cb.check_upload(contents("nothing,useful\n1,2\n"), False, "return.csv")
    assert load_disabled is True and "cannot be imported" in _text(report)


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_non_admins_are_refused_by_the_callbacks_too(app, secure_store, role):
    before = _count(secure_store)
    with signed_in(app, role):
        report, load_disabled, _ = upload_cb.check_upload(contents(GOOD), False, "return.csv")
        result, _ = upload_cb.load_upload(1, contents(GOOD), "return.csv", False)
        page = _text(upload_layout.layout())
    assert "You need the admin role" in _text(report) and "You need the admin role" in _text(result)
    assert "You need the admin role" in page and ids.UPLOAD_FILE not in page
    assert load_disabled is True and _count(secure_store) == before


def test_a_crafted_load_request_from_a_viewer_loads_nothing(app, secure_store):
    client = web_client(app)
    sign_in(client, "viewer")
    before = _count(secure_store)
    body = callback_body(
        [(ids.UPLOAD_RESULT, "children"), (ids.UPLOAD_LOAD, "disabled")],
        [(ids.UPLOAD_LOAD, "n_clicks", 1)],
    )
    body["output"] = next(key for key in app.callback_map if key.startswith(f"..{ids.UPLOAD_RESULT}.children@"))
    body["state"] = [
        {"id": ids.UPLOAD_FILE, "property": "contents", "value": contents(GOOD)},
        {"id": ids.UPLOAD_FILE, "property": "filename", "value": "return.csv"},
        {"id": ids.UPLOAD_PARTIAL, "property": "value", "value": False},
    ]
    response = post_callback(client, body)
    assert response.status_code == 200 and "You need the admin role" in response_text(response)
    assert _count(secure_store) == before
    page = response_text(post_callback(client, page_content("/upload")))
    assert "You need the admin role" in page


def test_admins_see_the_upload_and_audit_links(app):
    client = web_client(app)
    sign_in(client, "admin")
    layout = json.dumps(client.get("/_dash-layout").get_json())
    assert "/upload" in layout.replace("\\u002f", "/") and "Audit log" in layout
    page = response_text(post_callback(client, page_content("/upload")))
    assert ids.UPLOAD_FILE in page and "up to 1 MB" in page


def test_the_server_caps_a_request_at_twice_the_upload_limit(app):
    assert app.server.config["MAX_CONTENT_LENGTH"] == 1024 * 1024 * 8 // 3 + 1024 * 1024
