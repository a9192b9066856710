"""The view filter: built from a URL query string, checked against the store, described in plain words."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dashboard.periods import PeriodError, parse_period

CONFIDENCES = {"95": 0.95, "99.8": 0.998}
MAX_PARAM_LENGTH = 64


@dataclass(frozen=True)
class Known:
    """The codes a URL may name, with their display names."""

    measures: Mapping[str, str]
    areas: Mapping[str, str]
    cohorts: Mapping[str, str]
    periods: tuple[str, ...]  # in time order
    themes: Mapping[str, str]
    dimensions: Mapping[str, str] = field(default_factory=dict)
    rug_areas: tuple[str, ...] = ()  # the catalogue's own areas (a national-scale store has hundreds more)
    published: Mapping[str, bool] = field(default_factory=dict)  # measure code -> published (else restricted)


@dataclass(frozen=True)
class ViewFilter:
    area: str
    comparator: str
    measure: str | None = None
    theme: str | None = None
    cohort: str = "all"
    period_from: str | None = None
    period_to: str | None = None
    dimension: str | None = None
    confidence: float = 0.95

    def to_query(self, defaults: ViewFilter | None = None) -> dict[str, str]:
        """The URL query parameters that differ from `defaults` (all set ones when no defaults)."""
        out: dict[str, str] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None or (defaults is not None and getattr(defaults, f.name) == value):
                continue
            out[_PARAM[f.name]] = _confidence_text(value) if f.name == "confidence" else str(value)
        return out

    def replace(self, **changes: Any) -> ViewFilter:
        return dataclasses.replace(self, **changes)

    def describe(self, known: Known) -> str:
        """Plain words for titles and footnotes, e.g. 'Male, Pan-Dorset, 2021-Q4 to 2024-Q4'."""
        parts = []
        if self.cohort != "all":
            parts.append(known.cohorts.get(self.cohort, self.cohort))
        parts.append(known.areas.get(self.area, self.area))
        if self.period_from or self.period_to:
            parts.append(f"{self.period_from or 'first period'} to {self.period_to or 'latest'}")
        parts.append(f"compared with {known.areas.get(self.comparator, self.comparator)}")
        return ", ".join(parts)


_PARAM = {
    "area": "area",
    "comparator": "comparator",
    "measure": "measure",
    "theme": "theme",
    "cohort": "cohort",
    "period_from": "from",
    "period_to": "to",
    "dimension": "dimension",
    "confidence": "ci",
}


def _confidence_text(value: float) -> str:
    return next((k for k, v in CONFIDENCES.items() if v == value), "95")


def _clean(raw: object) -> str | None:
    """One string parameter, or None when absent; lists (repeated parameters) take their first item."""
    if isinstance(raw, list | tuple):
        raw = raw[0] if raw else None
    if raw is None:
        return None
    text = str(raw).strip()
    return text or None


def parse_query(query: Mapping[str, object], known: Known, defaults: ViewFilter) -> tuple[ViewFilter, list[str]]:
    """A ViewFilter from URL parameters. Bad values fall back to defaults, each with a short message."""
    values: dict[str, Any] = {}
    messages: list[str] = []
    checks = {
        "area": known.areas,
        "comparator": known.areas,
        "measure": known.measures,
        "theme": known.themes,
        "cohort": known.cohorts,
        "dimension": known.dimensions,
    }
    for name, allowed in checks.items():
        text = _clean(query.get(_PARAM[name]))
        if text is None:
            continue
        if len(text) <= MAX_PARAM_LENGTH and (text in allowed or text.upper() in allowed):
            values[name] = text if text in allowed else text.upper()
        else:
            messages.append(f"Unknown {name} “{_shorten(text)}” in the link was ignored.")
    for name in ("period_from", "period_to"):
        text = _clean(query.get(_PARAM[name]))
        if text is None:
            continue
        label = _period_label(text, known)
        if label:
            values[name] = label
        else:
            messages.append(f"Period “{_shorten(text)}” in the link is not one the store holds, so it was ignored.")
    ci = _clean(query.get("ci"))
    if ci is not None:
        if ci in CONFIDENCES:
            values["confidence"] = CONFIDENCES[ci]
        else:
            messages.append(
                f"Confidence level “{_shorten(ci)}” is not 95 or 99.8; using {_confidence_text(defaults.confidence)}%."
            )
    view = defaults.replace(**values)
    return _ordered_range(view, known, messages), messages


def _period_label(text: str, known: Known) -> str | None:
    if len(text) > MAX_PARAM_LENGTH:
        return None
    try:
        label = parse_period(text).label
    except PeriodError:
        return None
    return label if label in known.periods else None


def _ordered_range(view: ViewFilter, known: Known, messages: list[str]) -> ViewFilter:
    if view.period_from and view.period_to:
        order = {label: i for i, label in enumerate(known.periods)}
        if order[view.period_from] > order[view.period_to]:
            messages.append("The period range ran backwards, so it was swapped.")
            return view.replace(period_from=view.period_to, period_to=view.period_from)
    return view


def _shorten(text: str, limit: int = 40) -> str:
    printable = "".join(ch if ch.isprintable() else "?" for ch in text)
    return printable if len(printable) <= limit else printable[: limit - 1] + "…"
