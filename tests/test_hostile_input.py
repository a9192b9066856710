"""Hostile input, property-based: random and malicious values in every URL parameter of every page, and in every
input of every callback (iterating over `app.callback_map`, so a new callback is covered without a new test).

Each must get a clear message or be ignored: never a 500, never a change to the data. The notes callbacks may
add, edit or delete a note when what they are sent happens to be valid; refused input changes nothing there too.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from dashboard.config import Settings
from tests.fingerprint import fingerprint
from tests.fixtures import restricted_leaks
from tests.web import auth_app, dispose, sign_in, web_client

ORIGIN = {"Origin": "http://localhost"}
PAGES_CALLBACK = ".._pages_content.children..._pages_store.data.."
PARAMS = ["area", "comparator", "cohort", "from", "to", "ci", "measure", "dimension", "theme"]
NASTY = [
    "'; DROP TABLE observations;--",
    "1 OR 1=1",
    "REC01' OR '1'='1",
    "x" * 10_000,
    "\u202eevil\u202c",  # right-to-left override
    "a\u200bb\ufeff",  # zero-width space, BOM
    "nul\x00byte",
    "😀🏴\u200d☠️",
    "\ud800",  # a lone surrogate: sent as an escaped JSON string
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00%27",
    '=HYPERLINK("http://evil.example","x")',
    "NaN",
    "-1",
    "99999999999999999999999",
    "",
    " ",
    # real codes, so hostile values sit beside valid ones
    "REC01",
    "E06000059",
    "sex=female",
    "2021-Q4",
    "2024-Q4",
    "99.8",
    "youth",
    "REC03",  # a restricted measure (tests/fixtures.py): a viewer must never get its data
]
SCALARS = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(PARAMS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)
VIEWS = st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=5) | VALUES
HYPOTHESIS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

VIEWER = settings(HYPOTHESIS, max_examples=8)


def _callback_keys() -> list[str]:
    """Every callback the app registers (Dash adds its page router on the first request)."""
    app = create_app(Settings(database_url="sqlite://", auth=False))
    app.server.test_client().get("/_favicon.ico")
    return sorted(app.callback_map)


CALLBACKS = _callback_keys()


@pytest.fixture
def app(small_store):
    app = create_app(Settings(database_url=small_store.url.render_as_string(hide_password=False), auth=False))
    yield app
    dispose(app)


def _post(client, body: dict[str, Any]):
    """As the renderer posts it; ensure_ascii sends lone surrogates as \\ud800 escapes, which is legal JSON."""
    return client.post(
        "/_dash-update-component",
        data=json.dumps(body, ensure_ascii=True),
        content_type="application/json",
        headers=ORIGIN,
    )


def _query_values(value: Any) -> list[str]:
    """A URL parameter's values: repeated for lists, JSON text for anything that is not text."""
    items = value if isinstance(value, list) else [value]
    return [v if isinstance(v, str) else json.dumps(v) for v in items]


PATHS = st.sampled_from(["/", "/drill", "/data", "/present"]) | st.builds(
    lambda kind, segment: f"/{kind}/{segment}",
    st.sampled_from(["theme", "measure"]),
    st.sampled_from(["youth", "REC01", "rec01", "NOPE", "%27%3B--", "x" * 300, "%F0%9F%98%80", "%ED%A0%80"]),
)


@pytest.mark.parametrize("fuzz", ["page", "index"])
def test_hostile_url_parameters_never_break_a_page(app, small_store, fuzz):
    """Every page's layout (through Dash's page router, as the browser gets it) and its index HTML."""
    client = app.server.test_client()
    before = fingerprint(small_store)

    @HYPOTHESIS
    @given(path=PATHS, query=st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=6))
    def check(path: str, query: dict[str, Any]) -> None:
        search = "?" + urlencode({k: _query_values(v) for k, v in query.items()}, doseq=True, errors="surrogatepass")
        if fuzz == "index":
            response = client.get(path + search)
            assert response.status_code in (200, 404), (path, search[:200], response.status_code)
            return
        response = _post(client, _pages_request(path, search))
        assert response.status_code == 200, (path, search[:200], response.get_data(as_text=True)[:500])
        assert "Traceback" not in response.get_data(as_text=True)

    check()
    assert fingerprint(small_store) == before


def _pages_request(pathname: Any, search: Any) -> dict[str, Any]:
    return {
        "output": PAGES_CALLBACK,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


@pytest.mark.parametrize("key", CALLBACKS)
def test_hostile_callback_inputs_are_refused_or_ignored(app, small_store, key):
    """Random and malicious values in every input and state of the callback: a 200, a 204 (nothing to update)
    or a 400 (a malformed request), never a 500; the data unchanged unless a note was accepted."""
    client = app.server.test_client()
    callback = app.callback_map[key]
    specs = callback["inputs"] + callback["state"]
    before = fingerprint(small_store)

    @HYPOTHESIS
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        values = [data.draw(_value_for(spec), label=f"{spec['id']}.{spec['property']}") for spec in specs]
        body = _callback_request(key, callback, values)
        response = _post(client, body)
        text = response.get_data(as_text=True)
        assert response.status_code in (200, 204, 400), (key, response.status_code, text[:800])
        assert "Traceback" not in text
        after = fingerprint(small_store)
        accepted = response.status_code == 200 and any(
            w in text for w in ("Note saved", "Note updated", "Note deleted")
        )
        if not accepted:
            assert after == before, (key, body)
        else:
            assert {k: v for k, v in after.items() if k != "notes"} == {k: v for k, v in before.items() if k != "notes"}
            before.update(after)

    check()


@pytest.mark.parametrize("key", CALLBACKS)
def test_a_signed_in_viewer_sending_hostile_input_gets_no_restricted_data(secure_store, key):
    """The same, signed in as a viewer (a board member) with sign-in on: besides never a 500 and never a change,
    no trace of the restricted measure's data in any answer, however the request is forged."""
    app = auth_app(secure_store)
    client = web_client(app)
    sign_in(client, "viewer")
    callback = app.callback_map[key]
    specs = callback["inputs"] + callback["state"]
    before = fingerprint(secure_store)

    @VIEWER
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        values = [data.draw(_value_for(spec), label=f"{spec['id']}.{spec['property']}") for spec in specs]
        body = _callback_request(key, callback, values)
        response = _post(client, body)
        assert response.status_code in (200, 204, 400, 403), (key, response.status_code)
        if response.status_code == 200:
            sent = json.dumps(body, ensure_ascii=False)  # what the request itself said may be echoed back
            leaks = [n for n in restricted_leaks(_answer_text(response), echo_code=True) if n not in sent]
            assert leaks == [], key
        assert fingerprint(secure_store) == before, key

    try:
        check()
    finally:
        dispose(app)


def _answer_text(response: Any) -> str:
    """A callback's answer as text, without a background job's random handles (its cache key and job number, in
    which the digits of a restricted figure may turn up by chance)."""
    answer = response.get_json()
    if isinstance(answer, dict):
        answer = {k: v for k, v in answer.items() if k not in ("cacheKey", "job")}
    return json.dumps(answer, ensure_ascii=False)


def _value_for(spec: dict[str, str]) -> st.SearchStrategy[Any]:
    if spec["id"].startswith("{"):  # an ALL pattern: a list of matching components, each with its own value
        wanted = json.loads(spec["id"])
        ids = st.fixed_dictionaries(
            {
                k: (st.sampled_from(PARAMS) | st.integers(-5, 10**12) | st.sampled_from(NASTY))
                if isinstance(v, list)
                else st.just(v)
                for k, v in wanted.items()
            }
        )
        return st.lists(
            st.fixed_dictionaries({"id": ids, "property": st.just(spec["property"]), "value": VALUES}), max_size=3
        )
    if spec["property"] == "data" and spec["id"] == "view-state":
        return VIEWS
    return VALUES


def _callback_request(key: str, callback: dict[str, Any], values: list[Any]) -> dict[str, Any]:
    n = len(callback["inputs"])
    items = [_item(spec, value) for spec, value in zip(callback["inputs"] + callback["state"], values, strict=True)]
    outputs = callback["output"]
    as_dict = lambda o: {"id": o.component_id, "property": o.component_property}  # noqa: E731
    first = items[0] if items else None
    changed = [f"{_sid(one['id'])}.{one['property']}" for one in (first if isinstance(first, list) else [first]) if one]
    return {
        "output": key,
        "outputs": [as_dict(o) for o in outputs] if isinstance(outputs, list) else as_dict(outputs),
        "inputs": items[:n],
        "state": items[n:],
        "changedPropIds": changed[:1],
    }


def _item(spec: dict[str, str], value: Any) -> Any:
    if spec["id"].startswith("{"):
        return value
    return {"id": spec["id"], "property": spec["property"], "value": value}


def _sid(component_id: Any) -> str:
    if isinstance(component_id, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(component_id[k])}" for k in sorted(component_id)) + "}"
    return component_id


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        [],
        {"output": "no-such.children", "inputs": [], "state": []},
        {"output": "overview-tiles.children", "inputs": "x", "state": []},
        {"output": "overview-tiles.children", "inputs": [{"id": "view-state", "property": "data"}] * 2},
        {"output": "overview-tiles.children", "inputs": [{"id": "other", "property": "data", "value": {}}]},
        {"output": "overview-tiles.children", "inputs": [{"id": "view-state", "property": "data", "value": {}}]},
        {
            "output": "overview-tiles.children",
            "outputs": {"id": "overview-tiles", "property": "children"},
            "inputs": [{"id": "view-state", "property": "data", "value": {}}],
            "changedPropIds": ['{"broken.value'],
        },
        _pages_request(["/"], "?area=1"),
        _pages_request("/", {"area": "x"}),
    ],
)
def test_malformed_callback_requests_get_a_400(app, small_store, body):
    response = app.server.test_client().post(
        "/_dash-update-component", data=json.dumps(body), content_type="application/json", headers=ORIGIN
    )
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("Ignored a malformed update")


# --- the notes callbacks, called directly with hostile ids, counters and texts ----------------------------------


@pytest.fixture
def in_request(app):
    with app.server.test_request_context("/"):
        yield


@pytest.mark.parametrize(
    ("text", "note_id", "refresh", "expected"),
    [
        ("A fair note", None, "not a number", "Note saved"),  # was a TypeError: "not a number" + 1
        ("A fair note", None, {"x": 1}, "Note saved"),
        ("A fair note", True, 0, "no longer exists"),  # was taken as note 1
        ("A fair note", 2**70, 0, "no longer exists"),  # was an out-of-range error from PostgreSQL
        ("A fair note", "12abc", 0, "no longer exists"),
        ("nul\x00byte", None, 0, "hidden control characters"),  # PostgreSQL refuses NUL in text
        ("lone \ud800 surrogate", None, 0, "hidden control characters"),  # cannot be encoded as UTF-8
        ("\u202eevil\u202c", None, 0, "hidden control characters"),  # reads differently from what it says
        ("emoji 😀 and zero\u200bwidth are fine", None, 0, "Note saved"),
    ],
)
def test_save_note_with_hostile_values(in_request, small_store, text, note_id, refresh, expected):
    from callbacks import notes as notes_cb

    before = fingerprint(small_store)
    feedback, new_refresh, *_ = notes_cb.save_note({"measure": "REC01"}, "2023-Q4", text, note_id, refresh)
    assert expected in json.dumps(feedback.to_plotly_json(), default=str, ensure_ascii=False)
    if expected == "Note saved":
        assert new_refresh == 1
    else:
        assert fingerprint(small_store) == before


@pytest.mark.parametrize("note_id", [None, True, 2**70, float("inf"), float("nan"), "x" * 5000, [1], {"id": 1}, -3])
def test_delete_note_with_a_hostile_id_changes_nothing(in_request, small_store, note_id):
    from callbacks import notes as notes_cb

    before = fingerprint(small_store)
    feedback, refresh = notes_cb.delete_note({"measure": "REC01"}, note_id, "x")
    assert "could not be deleted" in json.dumps(feedback.to_plotly_json(), default=str)
    assert fingerprint(small_store) == before


@pytest.mark.parametrize("click", ["'; DROP TABLE observations;--", [1], {"points": "x"}, {"points": [7]}, None])
def test_a_hostile_click_on_the_drill_bars_is_ignored(click):
    from callbacks import drill as drill_cb

    assert drill_cb.drill_query(click, ["not", "a", "dict"]) is None


def test_a_lone_surrogate_from_a_forged_filter_does_not_fail_the_url_callback():
    from callbacks.common import search_string
    from callbacks.shell import query_from_filters

    query = query_from_filters(["\ud800", "area"], ["x", "\udfff"], ["not a dict"], {})
    assert search_string(query) == "?%3F=x&area=%3F"  # was a UnicodeEncodeError (a 500)
