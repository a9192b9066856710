"""What every page's callbacks share: the view, re-read from the page's store."""

from __future__ import annotations

from typing import Any

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
