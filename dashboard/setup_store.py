"""`init`: create or upgrade the schema, load the catalogue and, when asked, the demo data."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select

from dashboard import bulk, store
from dashboard.catalogue import Catalogue, load_catalogue, sync_catalogue
from dashboard.demo import DemoData, generate


@dataclass(frozen=True)
class InitResult:
    revision: str | None
    observations_loaded: int
    seconds: float


def init_store(engine: Engine, *, catalogue: Catalogue | None = None, demo_scale: str | None = None) -> InitResult:
    """Bring the schema to head, load the catalogue, and (re)load demo data at `demo_scale` if given."""
    started = time.perf_counter()
    store.upgrade(engine)
    cat = catalogue or load_catalogue()
    loaded = 0
    with engine.begin() as conn:
        sync_catalogue(conn, cat)
        if demo_scale:
            loaded = load_demo(conn, generate(cat, scale=demo_scale), scale=demo_scale)
    return InitResult(store.current_revision(engine), loaded, time.perf_counter() - started)


def _remove_demo(conn: Connection) -> None:
    demo_batches = select(store.import_batches.c.id).where(store.import_batches.c.kind == "demo")
    conn.execute(delete(store.observations).where(store.observations.c.batch_id.in_(demo_batches)))
    conn.execute(delete(store.notes).where(store.notes.c.author == "demo"))


def _add_areas(conn: Connection, data: DemoData) -> None:
    known = bulk.code_ids(conn, store.areas)
    rows = [
        {"code": a.code, "name": a.name, "type": a.type, "parent": a.parent, "comparator": False, "position": 1000 + i}
        for i, a in enumerate(data.areas)
        if a.code not in known
    ]
    if rows:
        conn.execute(insert(store.areas), rows)


def load_demo(conn: Connection, data: DemoData, *, scale: str) -> int:
    """Replace any earlier demo data with `data`, in the caller's transaction."""
    _remove_demo(conn)
    _add_areas(conn, data)
    digest = hashlib.sha256(data.observations.to_csv(index=False).encode()).hexdigest() if scale == "local" else ""
    batch_id = conn.execute(
        insert(store.import_batches).values(
            file_name=f"demo data ({scale} scale)",
            sha256=digest,
            kind="demo",
            rows_total=len(data.observations),
            rows_loaded=len(data.observations),
            imported_by="pathways init --demo",
            started_at=store.now(),
            finished_at=store.now(),
            outcome="loaded",
            report=json.dumps({"scale": scale}),
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    frame = bulk.with_ids(conn, data.observations)
    frame["batch_id"] = batch_id
    frame["source"] = "Demo data (synthetic)"
    loaded = bulk.insert_observations(conn, frame)
    _add_annotations(conn, data)
    store.set_info(conn, "demo", scale)
    store.bump_data_version(conn)
    return loaded


def _add_annotations(conn: Connection, data: DemoData) -> None:
    measures = bulk.code_ids(conn, store.measures)
    areas = bulk.code_ids(conn, store.areas)
    periods = bulk.ensure_periods(conn, [str(a["period"]) for a in data.annotations])
    rows = [
        {
            "measure_id": measures[a["measure"]],
            "area_id": areas.get(a.get("area", "")),
            "period_id": periods[str(a["period"])],
            "text": a["text"],
            "author": "demo",
            "created_at": store.now(),
            "updated_at": store.now(),
        }
        for a in data.annotations
    ]
    if rows:
        conn.execute(insert(store.notes), rows)


def store_is_empty(engine: Engine) -> bool:
    """True when the store has no schema yet or holds no observations."""
    if not store.is_initialised(engine):
        return True
    with engine.connect() as conn:
        return conn.execute(select(store.observations.c.id).limit(1)).first() is None
