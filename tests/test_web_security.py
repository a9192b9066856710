"""Security headers, the CSP, cookie flags and the CSRF origin check, through the Flask test client."""

from __future__ import annotations

import pytest

from app import create_app
from dashboard import queries
from dashboard.config import Settings
from dashboard.web_security import content_security_policy, is_same_origin
from layouts import ids
from tests.web import dispose

SAVE_NOTE = "..note-feedback.children...note-refresh.data...note-text.value...note-id.data.."


@pytest.fixture
def app(small_store):
    app = create_app(Settings(database_url=small_store.url.render_as_string(hide_password=False), auth=False))
    yield app
    dispose(app)


def _add_note_request(text: str) -> dict:
    """The request the renderer sends when 'Save note' is clicked on /measure/REC01."""
    return {
        "output": SAVE_NOTE,
        "outputs": [
            {"id": ids.NOTE_FEEDBACK, "property": "children"},
            {"id": ids.NOTE_REFRESH, "property": "data"},
            {"id": ids.NOTE_TEXT, "property": "value"},
            {"id": ids.NOTE_ID, "property": "data"},
        ],
        "inputs": [{"id": ids.NOTE_SAVE, "property": "n_clicks", "value": 1}],
        "changedPropIds": [f"{ids.NOTE_SAVE}.n_clicks"],
        "state": [
            {"id": ids.VIEW, "property": "data", "value": {"measure": "REC01"}},
            {"id": ids.NOTE_PERIOD, "property": "value", "value": "2023-Q4"},
            {"id": ids.NOTE_TEXT, "property": "value", "value": text},
            {"id": ids.NOTE_ID, "property": "data", "value": None},
            {"id": ids.NOTE_REFRESH, "property": "data", "value": 0},
        ],
    }


def test_every_response_carries_the_security_headers(app):
    client = app.server.test_client()
    for path in ("/", "/measure/REC01", "/_dash-layout", "/assets/app.css", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "'unsafe-eval'" not in csp and "http" not in csp  # no eval, no CDN hosts
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_csp_allows_exactly_dashs_inline_scripts(app):
    csp = app.server.test_client().get("/").headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert sorted(script_src.split()[2:]) == sorted(app.csp_hashes())


def test_cookie_flags(app, small_store):
    config = app.server.config
    assert (config["SESSION_COOKIE_HTTPONLY"], config["SESSION_COOKIE_SAMESITE"]) == (True, "Lax")
    assert config["SESSION_COOKIE_SECURE"] is True  # secure by default
    local = create_app(
        Settings(database_url=small_store.url.render_as_string(hide_password=False), secure_cookies=False, auth=False)
    )
    assert local.server.config["SESSION_COOKIE_SECURE"] is False
    dispose(local)


def test_a_cross_site_post_is_refused_and_adds_no_note(app, small_store):
    client = app.server.test_client()
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {},  # neither header: browsers always send Origin on a POST fetch
    ):
        response = client.post("/_dash-update-component", json=_add_note_request("Planted note"), headers=headers)
        assert response.status_code == 403, headers
        assert "did not come from a Pathways page" in response.get_data(as_text=True)
    assert queries.commentary(small_store, measure="REC01").empty


@pytest.mark.parametrize("headers", [{"Origin": "http://localhost"}, {"Referer": "http://localhost/measure/REC01"}])
def test_the_same_request_from_the_site_itself_works(app, small_store, headers):
    response = app.server.test_client().post(
        "/_dash-update-component", json=_add_note_request("New provider"), headers=headers
    )
    assert response.status_code == 200
    assert list(queries.commentary(small_store, measure="REC01")["text"]) == ["New provider"]


def test_trusted_origins_cover_a_proxy_that_rewrites_the_host(small_store):
    app = create_app(
        Settings(
            database_url=small_store.url.render_as_string(hide_password=False),
            trusted_origins="https://pathways.example.gov.uk, https://other.example",
            auth=False,
        )
    )
    client = app.server.test_client()
    ok = client.post("/_dash-layout", headers={"Origin": "https://pathways.example.gov.uk"})
    assert ok.status_code != 403
    assert client.post("/_dash-layout", headers={"Origin": "https://evil.example"}).status_code == 403
    dispose(app)


@pytest.mark.parametrize(
    ("origin", "referer", "expected"),
    [
        ("http://localhost:8050", None, True),
        ("https://localhost:8050", None, True),  # TLS ended at a proxy that kept the Host header
        ("http://localhost:8051", None, False),
        ("http://localhost.evil.example:8050", None, False),
        ("null", "http://localhost:8050/", False),  # an explicit null origin is never trusted
        (None, "http://localhost:8050/measure/REC01?area=E06000059", True),
        (None, "http://evil.example/http://localhost:8050/", False),
        (None, "localhost:8050", False),
        ("javascript://localhost:8050", None, False),
        (None, None, False),
    ],
)
def test_is_same_origin(origin, referer, expected):
    assert is_same_origin(origin, referer, "localhost:8050") is expected


def test_debug_mode_alone_allows_eval():
    assert "'unsafe-eval'" not in content_security_policy(["'sha256-x'"])
    assert "'unsafe-eval'" in content_security_policy([], allow_eval=True)
