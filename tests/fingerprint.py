"""A fingerprint of what a store holds, to prove that something changed nothing."""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine, select

from dashboard import store

TABLES = (store.observations, store.revisions, store.import_batches, store.notes, store.store_info)


def fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row (in key order) of the tables data lives in."""
    out = {}
    with engine.connect() as conn:
        for table in TABLES:
            order = list(table.primary_key.columns) or list(table.columns)
            digest, count = hashlib.sha256(), 0
            for row in conn.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
                count += 1
            out[table.name] = (count, digest.hexdigest())
    return out
