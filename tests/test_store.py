from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from dashboard import store
from tests.fixtures import load_fixture_observations


def test_upgrade_creates_every_table(empty_engine):
    store.upgrade(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())
    assert set(store.metadata.tables) <= tables
    assert (
        store.current_revision(empty_engine)
        == ScriptDirectory.from_config(store.alembic_config(empty_engine)).get_current_head()
    )


def test_migrations_match_the_schema(empty_engine):
    """The migrations and the SQLAlchemy schema describe the same tables, columns and indexes."""
    store.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), store.metadata)
    assert diff == []


def test_filter_paths_are_indexed(engine):
    indexes = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("observations")}
    uniques = {tuple(u["column_names"]) for u in inspect(engine).get_unique_constraints("observations")}
    assert ("measure_id", "area_id", "cohort_id", "period_id") in uniques  # trend
    assert ("measure_id", "cohort_id", "period_id", "area_id") in indexes  # compare areas, tartan rug
    assert ("measure_id", "area_id", "period_id", "cohort_id") in indexes  # inequalities


def test_upgrading_an_older_store_keeps_its_data(empty_engine):
    """Walk every migration in order on a store with data: nothing is lost on the way to head."""
    script = ScriptDirectory.from_config(store.alembic_config(empty_engine))
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    store.upgrade(empty_engine, revisions[0])
    from dashboard.catalogue import load_catalogue, sync_catalogue

    with empty_engine.begin() as conn:
        sync_catalogue(conn, load_catalogue())
        loaded = load_fixture_observations(conn)
    for revision in revisions[1:] + ["head"]:
        store.upgrade(empty_engine, revision)
    with empty_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(store.observations)).scalar() == loaded


def test_upgrade_twice_is_harmless(engine):
    store.upgrade(engine)
    assert store.is_initialised(engine)


def test_data_version_increases(engine):
    with engine.begin() as conn:
        first = store.bump_data_version(conn)
        second = store.bump_data_version(conn)
    assert second == first + 1
    assert store.get_info(engine, "data_version") == str(second)
