"""The audit log: who did what and when — sign-ins, imports, commentary and user changes. Append-only."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Engine, func, insert, select

from dashboard import store

if TYPE_CHECKING:
    from dashboard.importer import ImportReport

MAX_DETAIL = 2000

# Actions recorded (other modules may add their own, e.g. "export").
SIGN_IN, SIGN_IN_FAILED, SIGN_OUT = "sign-in", "sign-in failed", "sign-out"
IMPORT, NOTE_ADD, NOTE_EDIT, NOTE_DELETE = "import", "note add", "note edit", "note delete"
USER_ADD, USER_REMOVE, USER_SET_ROLE = "user add", "user remove", "user set-role"


def record(engine: Engine, *, username: str, action: str, detail: str = "") -> None:
    """Append one entry (in its own transaction, so it stands even when the action itself failed)."""
    values = {
        "at": store.now(),
        "username": _printable(username)[:120],
        "action": _printable(action)[:40],
        "detail": _printable(detail)[:MAX_DETAIL],
    }
    with engine.begin() as conn:
        conn.execute(insert(store.audit_log).values(**values))


def recent(engine: Engine, *, limit: int = 500) -> pd.DataFrame:
    """The newest entries first."""
    t = store.audit_log
    stmt = select(t.c.id, t.c.at, t.c.username, t.c.action, t.c.detail).order_by(t.c.at.desc(), t.c.id.desc())
    with engine.connect() as conn:
        result = conn.execute(stmt.limit(limit))
        return pd.DataFrame.from_records([tuple(r) for r in result], columns=list(result.keys()))


def count_since(engine: Engine, *, username: str, action: str, since: datetime) -> int:
    """How many `action` entries `username` has had since `since` (e.g. failed sign-ins, to slow guessing)."""
    t = store.audit_log
    stmt = select(func.count()).where(t.c.username == username, t.c.action == action, t.c.at >= since)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar() or 0)


def import_detail(report: ImportReport) -> str:
    """An import's entry: file, rows and outcome."""
    batch = f" (batch {report.batch_id})" if report.batch_id else ""
    return (
        f"{report.file_name}: {report.outcome}, {report.rows_loaded:,} loaded, {report.rows_rejected:,} rejected, "
        f"{report.rows_unchanged:,} unchanged of {report.rows_total:,} rows{batch}"
    )


def _printable(text: str) -> str:
    """No control characters: a crafted username cannot forge extra lines in the log."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))
