"""The SQL store: schema (SQLAlchemy Core), engine creation and migrations (Alembic)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

themes = Table(
    "themes",
    metadata,
    Column("slug", String(40), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False),
)

measures = Table(
    "measures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("theme", String(40), ForeignKey("themes.slug"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("short_name", String(80), nullable=False),
    Column("definition", Text, nullable=False),
    Column("unit", String(20), nullable=False),
    Column("polarity", String(20), nullable=False),
    Column("numerator_definition", Text, nullable=False, default=""),
    Column("denominator_definition", Text, nullable=False, default=""),
    Column("source", String(200), nullable=False),
    Column("frequency", String(20), nullable=False),
    Column("target", Float),
    Column("caveats", Text, nullable=False, default=""),
    Column("published", Boolean, nullable=False, default=True),
    Column("headline", Boolean, nullable=False, default=False),
    Column("breakdowns", String(200), nullable=False, default=""),
    Column("position", Integer, nullable=False),
)

areas = Table(
    "areas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("type", String(40), nullable=False),
    Column("parent", String(16)),
    Column("comparator", Boolean, nullable=False, default=False),
    Column("position", Integer, nullable=False, default=0),
)

area_aliases = Table(
    "area_aliases",
    metadata,
    Column("alias", String(160), primary_key=True),
    Column("area_id", Integer, ForeignKey("areas.id", ondelete="CASCADE"), nullable=False),
)

cohorts = Table(
    "cohorts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(80), nullable=False, unique=True),
    Column("dimension", String(40), nullable=False),
    Column("value", String(60), nullable=False),
    Column("label", String(120), nullable=False),
    Column("position", Integer, nullable=False, default=0),
)

periods = Table(
    "periods",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("label", String(20), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Index("ix_periods_kind_end", "kind", "end_date"),
)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_name", String(400), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("kind", String(20), nullable=False, default="import"),
    Column("rows_total", Integer, nullable=False, default=0),
    Column("rows_loaded", Integer, nullable=False, default=0),
    Column("rows_rejected", Integer, nullable=False, default=0),
    Column("rows_unchanged", Integer, nullable=False, default=0),
    Column("imported_by", String(120), nullable=False, default=""),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("outcome", String(20), nullable=False),
    Column("report", Text, nullable=False, default=""),
    Index("ix_import_batches_sha256", "sha256"),
)


def _value_columns() -> list[Column]:  # type: ignore[type-arg]
    """The columns an observation and each of its revisions share."""
    return [
        Column("value", Float),
        Column("numerator", Float),
        Column("denominator", Float),
        Column("lower_ci", Float),
        Column("upper_ci", Float),
        Column("missing_reason", String(40)),
        Column("suppressed", Boolean, nullable=False, default=False),
        Column("provisional", Boolean, nullable=False, default=False),
        Column("revised", Boolean, nullable=False, default=False),
        Column("estimated", Boolean, nullable=False, default=False),
        Column("note", Text),
    ]


VALUE_COLUMNS = tuple(column.name for column in _value_columns())  # in table order

observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("measure_id", Integer, ForeignKey("measures.id"), nullable=False),
    Column("area_id", Integer, ForeignKey("areas.id"), nullable=False),
    Column("cohort_id", Integer, ForeignKey("cohorts.id"), nullable=False),
    Column("period_id", Integer, ForeignKey("periods.id"), nullable=False),
    *_value_columns(),
    Column("source", String(200)),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("updated_at", DateTime(timezone=True)),
    # The unique key doubles as the trend index (measure, area, cohort -> periods).
    UniqueConstraint("measure_id", "area_id", "cohort_id", "period_id", name="uq_observations_key"),
    # Compare areas and the tartan rug: one measure, cohort and period across areas.
    Index("ix_observations_compare", "measure_id", "cohort_id", "period_id", "area_id"),
    # Inequalities: one measure, area and period across cohorts.
    Index("ix_observations_breakdown", "measure_id", "area_id", "period_id", "cohort_id"),
    # One area across every measure: the overview tiles, the tartan rug, data quality.
    Index("ix_observations_area", "area_id", "cohort_id", "measure_id", "period_id"),
    # Latest period across everything (data freshness).
    Index("ix_observations_period", "period_id"),
    Index("ix_observations_batch", "batch_id"),
)

revisions = Table(
    "revisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("observation_id", Integer, ForeignKey("observations.id", ondelete="CASCADE"), nullable=False),
    *_value_columns(),
    Column("batch_id", Integer, ForeignKey("import_batches.id")),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_revisions_observation", "observation_id"),
)

notes = Table(
    "annotations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("measure_id", Integer, ForeignKey("measures.id"), nullable=False),
    Column("area_id", Integer, ForeignKey("areas.id")),
    Column("period_id", Integer, ForeignKey("periods.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", String(120), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_annotations_measure", "measure_id", "period_id"),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("path", String(2000), nullable=False),
    Column("filters", Text, nullable=False),
    Column("author", String(120), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("data_version", Integer, nullable=False),
    Column("payload", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", String(120), nullable=False, default=""),
    Column("action", String(40), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_audit_log_at", "at"),
)

store_info = Table(
    "store_info",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def now() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for the store; SQLite gets its folder created and sensible pragmas."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create the schema or bring an existing store up to `revision`, keeping its data."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("observations")


@contextmanager
def transaction(engine: Engine) -> Iterator:  # type: ignore[type-arg]
    with engine.begin() as conn:
        yield conn


def get_info(engine: Engine, key: str, default: str | None = None) -> str | None:
    with engine.connect() as conn:
        value = conn.execute(select(store_info.c.value).where(store_info.c.key == key)).scalar()
    return default if value is None else value


def set_info(conn, key: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """Upsert one store_info row inside the caller's transaction."""
    updated = conn.execute(store_info.update().where(store_info.c.key == key).values(value=value)).rowcount
    if not updated:
        conn.execute(store_info.insert().values(key=key, value=value))


def bump_data_version(conn, measures: Iterable[str] | None = None) -> int:  # type: ignore[no-untyped-def]
    """Mark that observations changed: caches and snapshots key on these numbers.

    With `measures`, only those measures' versions move (an import of one return leaves the cached views of
    every other measure alone); without, everything changed (a new demo store, a schema change)."""
    current = conn.execute(select(store_info.c.value).where(store_info.c.key == "data_version")).scalar()
    version = int(current or 0) + 1
    set_info(conn, "data_version", str(version))
    set_info(conn, "data_as_at", now().isoformat(timespec="seconds"))
    if measures is None:
        set_info(conn, "data_epoch", str(version))
        conn.execute(store_info.delete().where(store_info.c.key.like("data_version:%")))
    else:
        for code in sorted(set(measures)):
            set_info(conn, f"data_version:{code}", str(version))
    return version


def data_versions(conn) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every version number in one read: the overall one, the epoch and each measure's."""
    rows = conn.execute(select(store_info.c.key, store_info.c.value).where(store_info.c.key.like("data_%")))
    return {key: value for key, value in rows}
