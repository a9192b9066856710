"""Commentary on a measure and period: add, edit, delete. Shown on every chart of the measure."""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, select, update

from dashboard import store
from dashboard.periods import PeriodError, parse_period

MAX_LENGTH = 1000


class AnnotationError(ValueError):
    """A note that cannot be saved, with the reason in plain words."""


def _clean_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise AnnotationError("Write the note before saving it.")
    cleaned = " ".join(text.split())
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
