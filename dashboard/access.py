"""Who may see and do what. The one confidentiality policy: every page, callback and export asks here.

Roles (dashboard.users): viewer (board member), analyst, admin (data officer). An anonymous visitor — only
let in when public mode is on — has no role (None). Restricted measures (`published: false` in the catalogue)
are partners' unpublished data: only analysts and admins see them; viewers and the public see published ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from dashboard import store

SEES_RESTRICTED = frozenset({"analyst", "admin"})
ANNOTATES = frozenset({"analyst", "admin"})
ADMIN = "admin"
EVERYTHING, PUBLISHED = "everything", "published"  # the two scopes a cached result can differ by


def sees_restricted(role: str | None) -> bool:
    return role in SEES_RESTRICTED


def scope(role: str | None) -> str:
    """What the role sees, as a cache-key part: results differ only between these scopes."""
    return EVERYTHING if sees_restricted(role) else PUBLISHED


def can_see(role: str | None, measure: Mapping[str, Any] | Any) -> bool:
    """Whether `role` may see `measure` (a catalogue row, mapping or Measure with a `published` flag)."""
    published = measure["published"] if isinstance(measure, Mapping) else measure.published
    return bool(published) or sees_restricted(role)


def visible_measures(role: str | None, published: Mapping[str, bool]) -> list[str]:
    """The codes `role` may see, from code -> published (a code missing from the mapping counts as restricted)."""
    return [code for code, is_published in published.items() if is_published or sees_restricted(role)]


def visible_codes(engine: Engine, role: str | None) -> list[str]:
    """The measure codes `role` may see, read from the store (for exports and the command line)."""
    m = store.measures
    with engine.connect() as conn:
        rows = conn.execute(select(m.c.code, m.c.published).order_by(m.c.position)).all()
    return visible_measures(role, {code: bool(published) for code, published in rows})


def only_visible(frame: pd.DataFrame, role: str | None, published: Mapping[str, bool]) -> pd.DataFrame:
    """The rows of `frame` (with a `measure` column of codes) that `role` may see."""
    if frame.empty or "measure" not in frame:
        return frame
    return frame[frame["measure"].isin(visible_measures(role, published))].reset_index(drop=True)


def is_admin(role: str | None) -> bool:
    return role == ADMIN


def can_annotate(role: str | None) -> bool:
    """Adding, editing and deleting commentary: analysts and admins."""
    return role in ANNOTATES
