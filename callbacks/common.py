"""What every page's callbacks share: the view, re-read from the page's store."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dashboard.filters import Known, ViewFilter, parse_query
from dashboard.service import Services
from layouts.common import services

DEFAULT_MEASURE = "REC01"


def current_view(data: dict[str, Any] | None) -> tuple[Services, ViewFilter, Known]:
    """The page's filter, re-checked (the store in the browser can be tampered with)."""
    svc = services()
    known = svc.known()
    view, _ = parse_query(data if isinstance(data, dict) else {}, known, svc.defaults())
    if view.measure is None:  # pages always send one; a tampered store may not
        view = view.replace(
            measure=DEFAULT_MEASURE if DEFAULT_MEASURE in known.measures else next(iter(known.measures))
        )
    return svc, view, known


def plain_query(data: object) -> dict[str, str]:
    """The text-like entries of the page's store, as URL parameters (anything else a tampered store holds is
    dropped; parse_query checks what is left when the page renders)."""
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str | int | float) and not isinstance(v, bool)}


def search_string(query: dict[str, str]) -> str:
    """'?a=b&…' for the URL, or '' for none. Text that cannot be UTF-8 (a lone surrogate, which only a forged
    request carries) is replaced rather than allowed to fail the callback; the page then reports it as unknown."""
    return "?" + urlencode(query, errors="replace") if query else ""
