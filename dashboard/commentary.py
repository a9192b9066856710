"""Commentary on a measure and period: add, edit, delete. Shown on every chart of the measure."""

from __future__ import annotations

import unicodedata

from sqlalchemy import Engine, delete, insert, select, update

from dashboard import store
from dashboard.periods import PeriodError, parse_period

MAX_LENGTH = 1000
MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL


class AnnotationError(ValueError):
    """A note that cannot be saved, with the reason in plain words."""


def _hidden(ch: str) -> bool:
    """Characters a note may not hold: controls (NUL and the like), text-direction overrides (which make a note
    read differently from what it says), and lone surrogates (which cannot be stored as UTF-8)."""
    return unicodedata.category(ch) in ("Cc", "Cs") or "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069"


def annotation_id(value: object) -> int:
    """A note's id as sent back by a page: a whole number in the column's range (never a bool or a huge one,
    which the store would refuse with an error rather than a plain 'no such note')."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise AnnotationError("That note no longer exists.")
    try:
        number = int(value)
    except ValueError:
        raise AnnotationError("That note no longer exists.") from None
    if not 1 <= number <= MAX_ID:
        raise AnnotationError("That note no longer exists.")
    return number


def _clean_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise AnnotationError("Write the note before saving it.")
    cleaned = " ".join(text.split())
    if any(_hidden(ch) for ch in cleaned):
        raise AnnotationError("The note holds hidden control characters; type it again without them.")
    if len(cleaned) > MAX_LENGTH:
        raise AnnotationError(f"A note can be at most {MAX_LENGTH} characters.")
    return cleaned


def _ids(engine: Engine, measure: str, period: object, area: str | None) -> tuple[int, int, int | None]:
    try:
        label = parse_period(period).label
    except PeriodError as exc:
        raise AnnotationError(f"Choose a period: {exc}.") from None
    with engine.connect() as conn:
        measure_id = conn.execute(select(store.measures.c.id).where(store.measures.c.code == measure)).scalar()
        period_id = conn.execute(select(store.periods.c.id).where(store.periods.c.label == label)).scalar()
        area_id = (
            None if area is None else conn.execute(select(store.areas.c.id).where(store.areas.c.code == area)).scalar()
        )
    if measure_id is None:
        raise AnnotationError(f"Unknown measure {measure!r}.")
    if period_id is None:
        raise AnnotationError(f"The store holds no period {label}.")
    return measure_id, period_id, area_id


def add(
    engine: Engine, *, measure: str, period: object, text: object, author: str = "", area: str | None = None
) -> int:
    measure_id, period_id, area_id = _ids(engine, measure, period, area)
    body = _clean_text(text)
    with engine.begin() as conn:
        new_id = conn.execute(
            insert(store.notes).values(
                measure_id=measure_id,
                period_id=period_id,
                area_id=area_id,
                text=body,
                author=author,
                created_at=store.now(),
                updated_at=store.now(),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    return int(new_id)


def edit(engine: Engine, *, annotation_id: int, measure: str, period: object, text: object, author: str = "") -> None:
    measure_id, period_id, _ = _ids(engine, measure, period, None)
    body = _clean_text(text)
    with engine.begin() as conn:
        changed = conn.execute(
            update(store.notes)
            .where(
                store.notes.c.id == annotation_id,
                store.notes.c.measure_id == measure_id,
            )
            .values(period_id=period_id, text=body, author=author, updated_at=store.now())
        ).rowcount
    if not changed:
        raise AnnotationError("That note no longer exists.")


def remove(engine: Engine, *, annotation_id: int, measure: str) -> None:
    with engine.begin() as conn:
        measure_id = conn.execute(select(store.measures.c.id).where(store.measures.c.code == measure)).scalar()
        gone = conn.execute(
            delete(store.notes).where(store.notes.c.id == annotation_id, store.notes.c.measure_id == measure_id)
        ).rowcount
    if not gone:
        raise AnnotationError("That note no longer exists.")
