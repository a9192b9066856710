"""Saved snapshots: a view's document kept as it was shown, under a permanent id, whatever is imported later."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, insert, select

from dashboard import store
from dashboard.document import Document

MAX_TITLE, MAX_AUTHOR = 200, 120
_ID = re.compile(r"^[A-Za-z0-9_-]{8,32}$")


class SnapshotError(ValueError):
    """A snapshot that cannot be saved or found, with the reason in plain words."""


@dataclass(frozen=True)
class Snapshot:
    id: str
    title: str
    path: str
    filters: dict[str, str]
    author: str
    created_at: datetime
    data_version: int
    document: Document


def _clean(text: object, limit: int, what: str) -> str:
    value = " ".join(str(text or "").split())
    value = "".join(ch for ch in value if ch.isprintable())
    if len(value) > limit:
        raise SnapshotError(f"the {what} is longer than {limit} characters")
    return value


def save(engine: Engine, *, document: Document, filters: dict[str, str], title: str = "", author: str = "") -> Snapshot:
    """Keep `document` (the view as shown) and return the snapshot with its new permanent id."""
    title = _clean(title, MAX_TITLE, "title") or document.title
    author = _clean(author, MAX_AUTHOR, "name") or "anonymous"
    snapshot_id = secrets.token_urlsafe(9)  # 12 characters, unguessable
    now = datetime.now(UTC)
    with engine.begin() as conn:
        version = int(store.data_versions(conn).get("data_version", "0"))
        conn.execute(
            insert(store.snapshots).values(
                id=snapshot_id,
                title=title,
                path=document.path[:2000],
                filters=json.dumps({"filters": filters, "measures": document.measures}, sort_keys=True),
                author=author,
                created_at=now,
                data_version=version,
                payload=json.dumps(document.to_dict(), separators=(",", ":")),
            )
        )
    return Snapshot(snapshot_id, title, document.path, filters, author, now, version, document)


def get(engine: Engine, snapshot_id: str, *, visible: Collection[str] | None = None) -> Snapshot:
    """The snapshot with this id, or SnapshotError; with `visible`, only one whose measures are all among them
    (a snapshot of restricted measures is not found by a role that may not see them)."""
    if not isinstance(snapshot_id, str) or not _ID.match(snapshot_id):
        raise SnapshotError("that is not a snapshot id")
    with engine.connect() as conn:
        row = conn.execute(select(store.snapshots).where(store.snapshots.c.id == snapshot_id)).mappings().first()
    if row is None or not _may_see(row["filters"], visible):
        raise SnapshotError(f"there is no snapshot {snapshot_id} that you may see")
    return Snapshot(
        id=row["id"],
        title=row["title"],
        path=row["path"],
        filters=json.loads(row["filters"]).get("filters", {}),
        author=row["author"],
        created_at=row["created_at"],
        data_version=row["data_version"],
        document=Document.from_dict(json.loads(row["payload"])),
    )


def _may_see(filters: str, visible: Collection[str] | None) -> bool:
    if visible is None:
        return True
    measures = json.loads(filters).get("measures")
    return isinstance(measures, list) and set(measures) <= set(visible)


def listing(engine: Engine, *, visible: Collection[str] | None = None, limit: int = 500) -> pd.DataFrame:
    """Saved snapshots, newest first (without their payloads); with `visible`, only those the role may see."""
    t = store.snapshots
    stmt = select(t.c.id, t.c.title, t.c.path, t.c.author, t.c.created_at, t.c.data_version, t.c.filters)
    with engine.connect() as conn:
        rows = conn.execute(stmt.order_by(t.c.created_at.desc()).limit(limit)).all()
    kept = [tuple(r)[:-1] for r in rows if _may_see(r.filters, visible)]
    return pd.DataFrame(kept, columns=["id", "title", "path", "author", "created_at", "data_version"])
