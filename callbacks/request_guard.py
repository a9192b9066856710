"""Callback requests are checked for shape before Dash sees them: a forged or garbled request gets a 400 with a
plain message instead of a crash deep in Dash. The values inside are left to the callbacks, which re-check them.

The renderer sends, for the callback registered under `output`:
    {"output": "...", "outputs": {...} | [{...}, …], "inputs": [...], "state": [...], "changedPropIds": [...]}
with one item per input and state, in order: {"id", "property", "value"} (a list of them for an ALL pattern).
"""

from __future__ import annotations

import json
from typing import Any

from dash import Dash
from flask import Response, request

UPDATE_PATH = "/_dash-update-component"
_PAGES_INPUTS = {"_pages_location"}  # Dash's own page router: pathname and search must be text


class BadCallbackRequest(ValueError):
    """The request does not match any callback the app registered."""


def _check_item(item: Any, spec: dict[str, str]) -> None:
    """One input or state against its registered id and property."""
    pattern = spec["id"].startswith("{")
    items = item if pattern and isinstance(item, list) else [item]
    for one in items:
        if not isinstance(one, dict) or one.get("property") != spec["property"]:
            raise BadCallbackRequest(f"an input does not match {spec['id']}.{spec['property']}")
        if pattern:
            _check_pattern_id(one.get("id"), json.loads(spec["id"]))
        elif one.get("id") != spec["id"]:
            raise BadCallbackRequest(f"an input does not match {spec['id']}.{spec['property']}")
        if spec["id"] in _PAGES_INPUTS and not isinstance(one.get("value"), str | None):
            raise BadCallbackRequest("the page address must be text")


def _check_pattern_id(found: Any, wanted: dict[str, Any]) -> None:
    """A pattern-matching id: the same keys, the fixed ones equal, the wildcard ones plain values."""
    if not isinstance(found, dict) or set(found) != set(wanted):
        raise BadCallbackRequest("a pattern-matching id has the wrong keys")
    for key, value in wanted.items():
        if isinstance(value, list):  # a wildcard such as ["ALL"]
            if not isinstance(found[key], str | int | float) or isinstance(found[key], bool):
                raise BadCallbackRequest(f"a pattern-matching id has a bad {key!r}")
        elif found[key] != value:
            raise BadCallbackRequest("a pattern-matching id names another component")


def _check_outputs(outputs: Any, callback: dict[str, Any]) -> None:
    registered = callback["output"]
    if isinstance(registered, list):
        ok = isinstance(outputs, list) and len(outputs) == len(registered)
        items = outputs if ok else []
    else:
        ok, items = isinstance(outputs, dict), [outputs]
    if not ok or not all(isinstance(o, dict) and isinstance(o.get("property"), str) for o in items):
        raise BadCallbackRequest("the outputs do not match the callback")


def check_body(body: Any, callback_map: dict[str, Any]) -> None:
    """Raise BadCallbackRequest unless `body` has the shape of a request for one of the registered callbacks."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        raise BadCallbackRequest("the request is not a callback request")
    callback = callback_map.get(body["output"])
    if callback is None:
        raise BadCallbackRequest("there is no such callback")
    if "callback" not in callback:  # a clientside callback: it runs in the browser, never here
        raise BadCallbackRequest("that callback runs in the browser")
    for key in ("inputs", "state"):
        items, specs = body.get(key, []), callback[key]
        if not isinstance(items, list) or len(items) != len(specs):
            raise BadCallbackRequest(f"the {key} do not match the callback")
        for item, spec in zip(items, specs, strict=True):
            _check_item(item, spec)
    _check_outputs(body.get("outputs"), callback)
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not set(changed) <= _prop_ids(body["inputs"]):
        raise BadCallbackRequest("changedPropIds must name the callback's inputs")


def _prop_ids(inputs: list[Any]) -> set[str]:
    """'id.property' of every input sent, as Dash writes them (pattern-matching ids as sorted JSON)."""
    flat = [one for item in inputs for one in (item if isinstance(item, list) else [item])]
    return {f"{_stringify_id(one['id'])}.{one['property']}" for one in flat}


def _stringify_id(component_id: Any) -> str:
    if isinstance(component_id, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(component_id[k])}" for k in sorted(component_id)) + "}"
    return str(component_id)


def install(app: Dash) -> None:
    """Check every callback request's shape before Dash dispatches it."""

    @app.server.before_request
    def guard_callbacks() -> Response | None:
        if request.path != UPDATE_PATH or request.method != "POST":
            return None
        try:
            check_body(request.get_json(silent=True), app.callback_map)
        except BadCallbackRequest as exc:
            message = {"error": "bad_request", "message": f"Ignored a malformed update: {exc}."}
            return Response(json.dumps(message), status=400, mimetype="application/json")
        return None
