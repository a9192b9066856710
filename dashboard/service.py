"""What the web layer holds: the store, the settings and a cache of query results keyed on the data version."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import Engine

from dashboard import access, queries, store
from dashboard.config import Settings
from dashboard.filters import Known, ViewFilter


class Cache(Protocol):
    def get(self, key: str) -> Any: ...
    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...


class NoCache:
    def get(self, key: str) -> Any:
        return None

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return False


def _trusted() -> str | None:
    """Outside the web app (a notebook, the command line) the caller already holds the whole store."""
    return access.ADMIN


@dataclass
class Services:
    engine: Engine
    settings: Settings
    cache: Cache = field(default_factory=NoCache)
    _versions: tuple[float, dict[str, str]] = (0.0, {})
    current_role: Callable[[], str | None] = _trusted  # the web app passes the signed-in user's role
    _known: tuple[str, Known] | None = None  # this process's copy, for the data version it was read at

    def data_version(self, measure: str | None = None) -> str:
        """The store's data version, or one measure's (imports bump them, which retires cached results).

        The numbers are re-read at most once a second."""
        checked, versions = self._versions
        if time.monotonic() - checked > 1.0:
            with self.engine.connect() as conn:
                versions = store.data_versions(conn)
            self._versions = (time.monotonic(), versions)
        if measure is None:
            return versions.get("data_version", "0")
        epoch = int(versions.get("data_epoch", "0"))
        return str(max(epoch, int(versions.get(f"data_version:{measure}", "0"))))

    def cached(self, fn: Callable[..., Any], **kwargs: Any) -> Any:
        """Call `fn(self.engine, **kwargs)` through the cache; the key holds the data version."""
        measure = kwargs.get("measure")
        return self.memo(
            f"{fn.__module__}.{fn.__qualname__}",
            kwargs,
            lambda: fn(self.engine, **kwargs),
            measure=measure if isinstance(measure, str) else None,
        )

    def memo(self, name: str, key: Any, produce: Callable[[], Any], *, measure: str | None = None) -> Any:
        """`produce()` through the cache under `name`, `key` (JSON-able or repr-able) and the data version —
        the measure's own version when the result depends on one measure only."""
        scope = access.scope(self.current_role())  # what one role may see, another may not
        payload = json.dumps([name, self.data_version(measure), scope, key], sort_keys=True, default=repr)
        cache_key = "pathways:" + hashlib.sha1(payload.encode()).hexdigest()
        try:
            hit = self.cache.get(cache_key)
        except Exception:  # a cache that is down must not take the dashboard with it
            hit = None
        if hit is not None:
            return hit.copy() if isinstance(hit, pd.DataFrame) else hit
        result = produce()
        with contextlib.suppress(Exception):
            self.cache.set(cache_key, result, timeout=self.settings.cache_timeout)
        return result

    def known(self) -> Known:
        """The codes the current user may name: restricted measures only for roles allowed to see them.

        Every page, callback and URL checks its codes against this, so it is the one confidentiality gate."""
        version = self.data_version()
        if self._known is None or self._known[0] != version:  # every request asks: skip the cache round trip
            self._known = (version, self.cached(load_known))
        full = self._known[1]
        visible = set(access.visible_measures(self.current_role(), full.published))
        if len(visible) == len(full.measures):
            return full
        return dataclasses.replace(
            full,
            measures={code: name for code, name in full.measures.items() if code in visible},
            published={code: flag for code, flag in full.published.items() if code in visible},
        )

    def defaults(self) -> ViewFilter:
        return ViewFilter(
            area=self.settings.default_area,
            comparator=self.settings.default_comparator,
            confidence=self.settings.confidence,
        )


def load_known(engine: Engine) -> Known:
    """Every code a URL may name, with display names, from the store."""
    measures = queries.catalogue_frame(engine, "measures")
    areas = queries.catalogue_frame(engine, "areas")
    cohorts = queries.catalogue_frame(engine, "cohorts")
    periods = queries.catalogue_frame(engine, "periods")
    themes = queries.catalogue_frame(engine, "themes")
    dims = cohorts[cohorts.dimension != "all"].drop_duplicates("dimension")
    return Known(
        measures=dict(zip(measures.code, measures.name, strict=True)),
        areas=dict(zip(areas.code, areas.name, strict=True)),
        cohorts=dict(zip(cohorts.key, cohorts.label, strict=True)),
        periods=tuple(periods.label),
        themes=dict(zip(themes.slug, themes.name, strict=True)),
        dimensions={d: d.capitalize() if d != "iom" else "IOM cohort" for d in dims.dimension},
        rug_areas=tuple(areas.loc[areas.position < 1000, "code"]),
        published={code: bool(flag) for code, flag in zip(measures.code, measures.published, strict=True)},
    )
