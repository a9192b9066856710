"""Importing partners' returns (PRODUCT.md §6): read, validate, and load in one transaction, with a report.

    report = import_file(engine, Path("return.csv"))          # atomic: any error loads nothing
    report = import_file(engine, path, partial=True)           # load good rows, write return.rejected.csv
    report = import_file(engine, path, dry_run=True)           # validate and count, write nothing
    print(report.to_text()); sys.exit(report.exit_code)

Reading lives in `importer_read`, the row checks in `importer_validate`, mappings in `mapping`; this module
compares with the store and writes: new observations in bulk, changed ones with their old values kept as
revisions, and an `import_batches` row recording the file, counts, outcome and the full JSON report.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from dashboard import bulk, store
from dashboard.catalogue import CATALOGUE_PATH, Catalogue, load_catalogue
from dashboard.config import Settings
from dashboard.formatting import spreadsheet_safe
from dashboard.importer_read import (
    REJECTED_FILE_COLUMNS,
    FileProblem,
    Limits,
    RawTable,
    check_name,
    check_size,
    header_key,
    read_table,
    sha256_of,
)
from dashboard.importer_validate import VALUE_FIELDS, Lookups, Validation, validate_frame
from dashboard.mapping import Mapping, apply_mapping

LOADED, UNCHANGED, PARTIAL, REJECTED, UNREADABLE = "loaded", "unchanged", "partial", "rejected", "unreadable"
EXIT_CODES = {LOADED: 0, UNCHANGED: 0, PARTIAL: 1, REJECTED: 1, UNREADABLE: 2}
_FLOATS = ("value", "numerator", "denominator", "lower_ci", "upper_ci")
_TEXTS = ("missing_reason", "note", "source")
_FLAGS = ("suppressed", "provisional", "estimated")


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in the file: the header is row 1 (0 for the file as a whole)
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        head = f"row {self.row}" if self.row else "file"
        if self.column:
            head += f", column {self.column} " + (repr(self.value) if self.value else "(blank)")
        return f"{head}: {self.reason}"


@dataclass
class ImportReport:
    file_name: str
    sha256: str = ""
    outcome: str = UNREADABLE
    dry_run: bool = False
    partial: bool = False
    rows_total: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    rows_skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    batch_id: int | None = None
    rejected_path: str | None = None
    previous_batches: list[int] = field(default_factory=list)
    file_format: str = ""
    encoding: str = ""
    sheet: str = ""
    mapping: str = ""
    imported_by: str = ""
    started_at: str = ""
    finished_at: str = ""

    @property
    def rows_loaded(self) -> int:
        return self.rows_inserted + self.rows_updated

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["rows_loaded"] = self.rows_loaded
        out["errors"] = [asdict(e) for e in self.errors]
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def to_text(self) -> str:
        """Plain text for the command line: a summary, then every problem on its own line."""
        lines = [f"{self.file_name}: {self.summary()}"]
        lines += [f"  {e}" for e in self.errors]
        lines += [f"  warning: {w}" for w in self.warnings]
        if self.rejected_path:
            lines.append(f"  rejected rows, with reasons, written to {self.rejected_path}")
        return "\n".join(lines)

    def summary(self) -> str:
        would = "dry run, nothing written: would " if self.dry_run else ""
        counts = (
            f"{self.rows_inserted:,} new, {self.rows_updated:,} updated, {self.rows_unchanged:,} unchanged"
            f" of {self.rows_total:,} rows"
        )
        bad = f"{len(self.errors):,} problem(s) in {self.rows_rejected:,} row(s)"
        if self.outcome == UNREADABLE:
            return "cannot be imported"
        if self.outcome == REJECTED:
            return f"{'dry run: would be ' if self.dry_run else ''}rejected, {bad}; nothing was loaded"
        if self.outcome == PARTIAL:
            return f"{would}{'load' if self.dry_run else 'loaded'} good rows only ({counts}); {bad} rejected"
        if self.outcome == UNCHANGED:
            return f"{'dry run: ' if self.dry_run else ''}nothing to do, every row is already in the store ({counts})"
        return f"{would}{'load' if self.dry_run else 'loaded'} {counts}"


def import_file(
    engine: Engine,
    path: Path | str,
    *,
    partial: bool = False,
    dry_run: bool = False,
    imported_by: str = "cli",
    mapping: Mapping | None = None,
    catalogue: Catalogue | None = None,
    file_name: str | None = None,
    data: bytes | None = None,
    limits: Limits | None = None,
) -> ImportReport:
    """Import one CSV or XLSX file into the store; see the module docstring. Never raises for a bad file.

    `file_name` is the name to record (default: the path's); `data` the file's content when the caller already
    holds it (an upload), in which case `path` only names it and says where a rejected-rows file would go.
    `limits` default to PATHWAYS_IMPORT_MAX_MB; the name and size are checked before the file is read.
    """
    path = Path(path)
    report = ImportReport(file_name or path.name, dry_run=dry_run, partial=partial, imported_by=imported_by)
    report.started_at = store.now().isoformat(timespec="seconds")
    report.mapping = mapping.name if mapping else ""
    limits = limits or Limits.of_megabytes(Settings.from_env().import_max_mb)
    try:
        check_name(report.file_name)
        check_size(path.stat().st_size if data is None else len(data), limits)  # before a byte is read
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        report.errors.append(RowError(0, "", "", f"cannot read the file: {exc.strerror or exc}"))
        return report
    except FileProblem as problem:
        report.errors.append(RowError(0, "", "", str(problem)))
        return _finish_unreadable(engine, report)
    report.sha256 = sha256_of(data)
    try:
        rules = mapping.header_rules if mapping else None
        table = read_table(path, data, rules=rules, sheet=_sheet(mapping), limits=limits)
    except FileProblem as problem:
        report.errors.append(RowError(problem.row, problem.column, problem.value, str(problem)))
        return _finish_unreadable(engine, report)
    report.file_format, report.encoding, report.sheet = table.file_format, table.encoding, table.sheet
    cat = catalogue if catalogue is not None else _default_catalogue()
    if dry_run:
        with engine.connect() as conn:
            _run(conn, report, table, mapping, cat, write=False)
            conn.rollback()
    else:
        with engine.begin() as conn:
            _run(conn, report, table, mapping, cat, write=True)
        if partial and report.rows_rejected:
            try:
                report.rejected_path = str(_write_rejected(path, table, report.errors))
            except OSError as exc:  # the load itself has committed; say so rather than fail
                report.warnings.append(f"could not write the rejected rows beside the file: {exc}")
    return report


def _sheet(mapping: Mapping | None) -> str | None:
    return mapping.sheet if mapping else None


def _default_catalogue() -> Catalogue | None:
    """The catalogue file (for cohort aliases), parsed once per version of the file."""
    if not CATALOGUE_PATH.exists():
        return None
    return _catalogue_at(CATALOGUE_PATH.stat().st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _catalogue_at(_mtime_ns: int) -> Catalogue:
    return load_catalogue()


def _run(
    conn: Connection, report: ImportReport, table: RawTable, mapping: Mapping | None, cat: Catalogue | None, write: bool
) -> None:
    """Validate and, when `write`, load: all inside the caller's transaction."""
    frame, skipped, warnings = apply_mapping(table, mapping)
    report.warnings += table.warnings + warnings + _ignored_warning(table, mapping)
    result = validate_frame(
        frame,
        Lookups.from_store(conn, cat),
        markers=mapping.markers if mapping else None,
        multiply=mapping.multiply if mapping else None,
        skip_unknown=mapping.skip_unknown if mapping else (),
        row_errors=table.row_errors,
    )
    report.warnings += result.warnings
    report.rows_total = len(table.cells)
    report.rows_skipped = skipped + result.skipped
    report.rows_duplicate = len(result.duplicates)
    report.errors = _named_errors(result, table, mapping)
    report.rows_rejected = len(result.rejected_rows)
    report.previous_batches = _previous_batches(conn, report.sha256)
    if report.previous_batches:
        report.warnings.insert(0, f"this exact file was imported before (batch {report.previous_batches[-1]})")
    batch_id = _start_batch(conn, report) if write else None
    if report.errors and not report.partial:
        report.outcome = REJECTED
    else:
        _load(conn, report, result.rows, batch_id)
    if batch_id is not None:
        _finish_batch(conn, report, batch_id)


def _load(conn: Connection, report: ImportReport, rows: pd.DataFrame, batch_id: int | None) -> None:
    """Insert new observations, update changed ones (keeping revisions), count the unchanged."""
    when = store.now()
    if rows.empty:  # --partial with every row rejected
        report.outcome = REJECTED if report.errors else UNCHANGED
        return
    rows = bulk.with_ids(conn, rows) if batch_id is not None else _ids_without_writing(conn, rows)
    existing = _existing(conn, rows)
    merged = rows.reset_index().merge(existing, on=list(_ID_KEY), how="left", suffixes=("", "_old"))
    stored = merged["id"].notna()
    same = stored & _same_values(merged) if stored.any() else stored
    report.rows_inserted = int((~stored).sum())
    report.rows_updated = int((stored & ~same).sum())
    report.rows_unchanged = int(same.sum())
    changed = report.rows_loaded > 0
    if report.errors:
        report.outcome = PARTIAL
    else:
        report.outcome = LOADED if changed else UNCHANGED
    if batch_id is None or not changed:
        return
    new = merged[~stored].assign(batch_id=batch_id, updated_at=None, revised=False)
    _insert_new(conn, new.sort_values(list(_ID_KEY))[bulk.OBSERVATION_COLUMNS], when)
    _update_changed(conn, merged[stored & ~same], batch_id, when)
    store.bump_data_version(conn, measures=merged.loc[~same, "measure"].unique().tolist())


_ID_KEY = ("measure_id", "area_id", "cohort_id", "period_id")


def _ids_without_writing(conn: Connection, rows: pd.DataFrame) -> pd.DataFrame:
    """Like `bulk.with_ids`, for a dry run: periods the store lacks get no id (their rows are all new)."""
    out = rows.copy()
    out["measure_id"] = out["measure"].map(bulk.code_ids(conn, store.measures))
    out["area_id"] = out["area"].map(bulk.code_ids(conn, store.areas))
    out["cohort_id"] = out["cohort"].map(bulk.code_ids(conn, store.cohorts, "key"))
    out["period_id"] = out["period"].map(bulk.code_ids(conn, store.periods, "label")).fillna(-1)
    return out


def _existing(conn: Connection, rows: pd.DataFrame) -> pd.DataFrame:
    """Stored observations that share a measure, area and period with the file, as one frame."""
    o = store.observations
    columns = [o.c.id, *(o.c[k] for k in _ID_KEY), *(o.c[f] for f in VALUE_FIELDS)]
    stmt = select(*columns).where(
        o.c.measure_id.in_(sorted(rows["measure_id"].unique().tolist())),
        o.c.period_id.in_(sorted(rows["period_id"].unique().tolist())),
        o.c.area_id.in_(sorted(rows["area_id"].unique().tolist())),
    )
    result = conn.execute(stmt)
    names, found = list(result.keys()), result.all()
    # Column-wise construction: handing pandas SQLAlchemy Row objects is several times slower.
    frame = pd.DataFrame(dict(zip(names, zip(*found, strict=True), strict=True)) if found else {}, columns=names)
    for key in _ID_KEY:
        frame[key] = frame[key].astype("int64")
        rows[key] = rows[key].astype("int64")
    return frame.rename(columns={f: f"{f}_old" for f in VALUE_FIELDS})


def _insert_new(conn: Connection, frame: pd.DataFrame, when: datetime) -> None:
    """Insert new observations (every OBSERVATION_COLUMNS column but updated_at) as fast as each store allows.

    Like `bulk.insert_observations`, with the values handed over as plain Python objects: SQLAlchemy's per-row
    parameter processing (SQLite) and pandas' CSV writer (PostgreSQL COPY) each cost more than the insert.
    """
    if frame.empty:
        return
    if conn.dialect.name not in ("sqlite", "postgresql"):
        bulk.insert_observations(conn, frame.assign(updated_at=when))
        return
    stamp_type = store.observations.c.updated_at.type.dialect_impl(conn.dialect)
    to_text = stamp_type.bind_processor(conn.dialect) if conn.dialect.name == "sqlite" else None
    frame = frame.assign(updated_at=to_text(when) if to_text else when.isoformat())
    for flag in ("suppressed", "provisional", "revised", "estimated"):
        frame[flag] = frame[flag].astype(bool)
    if conn.dialect.name == "sqlite":
        _write_rows(conn, store.observations, frame[bulk.OBSERVATION_COLUMNS])
        return
    with _foreign_keys_checked_once(conn, frame):
        _write_rows(conn, store.observations, frame[bulk.OBSERVATION_COLUMNS])


def _write_rows(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    """Insert a frame whose columns are `table`'s: COPY on PostgreSQL, the driver's executemany on SQLite."""
    if conn.dialect.name != "postgresql":
        statement = insert(table).compile(dialect=conn.dialect, column_keys=list(frame.columns))
        order = list(statement.positiontup or frame.columns)  # the table's column order, not the frame's
        rows = list(zip(*_plain_columns(frame[order], postgres=False), strict=True))
        conn.exec_driver_sql(str(statement), rows)
        return
    rows = list(zip(*_plain_columns(frame, postgres=True), strict=True))
    dbapi = conn.connection.driver_connection
    sql = f"COPY {table.name} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv)"
    with dbapi.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[union-attr]
        # Chunks, so the server parses one while the next is formatted. COPY's CSV format reads an unquoted
        # empty field as NULL, which is how csv.writer writes None.
        for start in range(0, len(rows), 20_000):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows[start : start + 20_000])
            copy.write(buffer.getvalue())


def _plain_columns(frame: pd.DataFrame, *, postgres: bool) -> list[list[Any]]:
    """Each column as a list of Python values, None for NULL (booleans as t/f text for COPY)."""
    columns = []
    for _, column in frame.items():
        if column.dtype.kind == "b":
            flags = column.tolist()
            columns.append(["t" if v else "f" for v in flags] if postgres else flags)
        elif column.dtype.kind in "iu":
            columns.append(column.tolist())
        elif column.dtype.kind == "f" and not postgres:
            columns.append(column.tolist())  # SQLite stores a NaN parameter as NULL
        else:
            columns.append(column.astype(object).where(column.notna(), None).tolist())
    return columns


# PostgreSQL checks a foreign key with a trigger per inserted row (five per observation), which costs more than
# the COPY itself. Where the role may set session_replication_role (a superuser, or on PostgreSQL 15+ a role
# granted SET ON PARAMETER session_replication_role), the import instead locks each distinct parent row once,
# FOR KEY SHARE as the triggers would, checks it exists, and copies with the row triggers off.
FAST_COPY_SETTING = "SET LOCAL session_replication_role = replica"
_PARENTS = {
    "measure_id": store.measures,
    "area_id": store.areas,
    "cohort_id": store.cohorts,
    "period_id": store.periods,
    "batch_id": store.import_batches,
}


@contextmanager
def _foreign_keys_checked_once(conn: Connection, frame: pd.DataFrame) -> Iterator[None]:
    savepoint = conn.begin_nested()
    try:
        conn.exec_driver_sql(FAST_COPY_SETTING)
    except DBAPIError:
        savepoint.rollback()  # not allowed: the row triggers stay on, and the COPY is merely slower
        yield
        return
    savepoint.commit()
    for column, table in _PARENTS.items():
        ids = sorted(int(i) for i in frame[column].unique())
        stmt = select(table.c.id).where(table.c.id.in_(ids)).with_for_update(key_share=True)
        if len(conn.execute(stmt).all()) != len(ids):
            raise LookupError(f"{column}: a referenced row vanished during the import")
    yield
    conn.exec_driver_sql("SET LOCAL session_replication_role = origin")


def _same_values(merged: pd.DataFrame) -> pd.Series:
    """Rows whose every stored field already equals the file's (floats to 1e-9, relative)."""
    same = pd.Series(True, index=merged.index)
    for col in _FLOATS:
        new, old = merged[col].astype(float), pd.to_numeric(merged[f"{col}_old"], errors="coerce").astype(float)
        close = np.isclose(new.fillna(0), old.fillna(0), rtol=1e-9, atol=1e-12)
        same &= (new.isna() == old.isna()) & close
    for col in _TEXTS:
        same &= merged[col].fillna("").astype(str) == merged[f"{col}_old"].fillna("").astype(str)
    for col in _FLAGS:
        same &= merged[col].fillna(False).astype(bool) == merged[f"{col}_old"].fillna(False).astype(bool)
    return same


def _changes_table() -> Table:
    cols = [Column(c, Float) for c in _FLOATS] + [Column(c, String(200)) for c in _TEXTS]
    cols += [Column(c, Integer) for c in _FLAGS]
    return Table("import_changes", MetaData(), Column("id", Integer, primary_key=True), *cols, prefixes=["TEMPORARY"])


def _update_changed(conn: Connection, changed: pd.DataFrame, batch_id: int, when: datetime) -> None:
    """Keep each old value as a revision, then overwrite it: via a temporary table, two set-based statements."""
    if changed.empty:
        return
    o, r = store.observations, store.revisions
    tmp = _changes_table()
    tmp.create(conn)
    frame = changed[["id", *VALUE_FIELDS]].copy()
    frame["id"] = frame["id"].astype("int64")
    for col in _FLAGS:
        frame[col] = frame[col].astype(bool).astype(int)
    _write_rows(conn, tmp, frame)
    fields = [f for f in (*VALUE_FIELDS, "revised") if f in r.c]  # a revision keeps no `source`
    conn.execute(
        insert(r).from_select(
            ["observation_id", *fields, "batch_id", "recorded_at"],
            select(
                o.c.id,
                *(o.c[f] for f in fields),
                o.c.batch_id,
                func.coalesce(o.c.updated_at, literal(when, o.c.updated_at.type)),
            ).where(o.c.id.in_(select(tmp.c.id))),
        )
    )
    values: dict[str, Any] = {f: tmp.c[f] for f in VALUE_FIELDS}
    for flag in _FLAGS:
        values[flag] = tmp.c[flag] != 0
    conn.execute(update(o).where(o.c.id == tmp.c.id).values(**values, revised=True, batch_id=batch_id, updated_at=when))
    tmp.drop(conn)


def _previous_batches(conn: Connection, sha256: str) -> list[int]:
    b = store.import_batches
    stmt = select(b.c.id).where(b.c.sha256 == sha256, b.c.outcome.in_([LOADED, PARTIAL, UNCHANGED])).order_by(b.c.id)
    return list(conn.execute(stmt).scalars())


def _start_batch(conn: Connection, report: ImportReport) -> int:
    values = {
        "file_name": report.file_name[:400],
        "sha256": report.sha256,
        "kind": "import",
        "imported_by": report.imported_by[:120],
        "started_at": datetime.fromisoformat(report.started_at),
        "outcome": "running",
        "report": "",
    }
    return int(conn.execute(insert(store.import_batches).values(**values)).inserted_primary_key[0])  # type: ignore[index]


def _finish_batch(conn: Connection, report: ImportReport, batch_id: int) -> None:
    report.batch_id = batch_id
    report.finished_at = store.now().isoformat(timespec="seconds")
    b = store.import_batches
    conn.execute(
        update(b)
        .where(b.c.id == batch_id)
        .values(
            rows_total=report.rows_total,
            rows_loaded=report.rows_loaded,
            rows_rejected=report.rows_rejected,
            rows_unchanged=report.rows_unchanged,
            finished_at=datetime.fromisoformat(report.finished_at),
            outcome=report.outcome,
            report=report.to_json(),
        )
    )


def _finish_unreadable(engine: Engine, report: ImportReport) -> ImportReport:
    """Record a file we could not read as a batch too (the data officer sees it in the import history)."""
    report.outcome = UNREADABLE
    if not report.dry_run and store.is_initialised(engine):
        with engine.begin() as conn:
            _finish_batch(conn, report, _start_batch(conn, report))
    return report


def _named_errors(result: Validation, table: RawTable, mapping: Mapping | None) -> list[RowError]:
    """Errors with the column named as the file names it (a mapping's source column, or a constant)."""
    names = dict(table.columns)
    if mapping:
        for source, targets in mapping.columns.items():
            for target in targets:
                names.setdefault(target, names.get(targets[0], source))
        for column in mapping.constants:
            names[column] = f"{column} (set by the mapping)"
    return [
        RowError(int(row), names.get(column, column), str(value), str(reason))
        for row, column, value, reason in result.errors.itertuples(index=False)
    ]


def _ignored_warning(table: RawTable, mapping: Mapping | None) -> list[str]:
    quiet = set(REJECTED_FILE_COLUMNS) | (set(mapping.ignore) if mapping else set())
    shown = [c for c in table.ignored if header_key(c) not in quiet]
    return [f"ignored column(s) the import format does not use: {', '.join(shown)}"] if shown else []


def rejected_path_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejected.csv")


def _write_rejected(path: Path, table: RawTable, errors: list[RowError]) -> Path:
    """The rejected rows as the file had them, plus `row` and `reason`, beside the input (UTF-8, for Excel)."""
    reasons: dict[int, list[str]] = {}
    for e in errors:
        reasons.setdefault(e.row, []).append(f"{e.column}: {e.reason}" if e.column else e.reason)
    out = rejected_path_for(path)
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*(spreadsheet_safe(h) for h in table.header), *REJECTED_FILE_COLUMNS])
        cells = table.cells[table.cells.index.isin(list(reasons))]
        for row, *values in cells.itertuples(name=None):
            writer.writerow([*(spreadsheet_safe(v) for v in values), row, "; ".join(reasons[row])])
    return out
