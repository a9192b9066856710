"""`python -m dashboard import FILE… [--partial] [--dry-run] [--mapping MAPPING.yaml]`.

Exit codes (PRODUCT.md §6): 0 every file loaded or had nothing to do; 1 a file, or some of its rows, rejected;
2 a file unreadable, or the command misused. With several files each is imported on its own (its own
transaction and batch) and the exit code is the worst of them.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from dashboard import audit, store
from dashboard.config import Settings
from dashboard.importer import import_file
from dashboard.mapping import Mapping, MappingError, load_mapping


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@click.command(
    "import",
    help="Import partners' returns (CSV or XLSX, see docs/IMPORTING.md). "
    "Exit 0 loaded or nothing to do, 1 rejected, 2 unreadable or misused.",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--partial", is_flag=True, help="Load the good rows; write the rejected ones to FILE.rejected.csv.")
@click.option("--dry-run", is_flag=True, help="Validate and report what would change, writing nothing.")
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A YAML mapping for official tables with their own column names and labels.",
)
@click.option("--json", "as_json", is_flag=True, help="Print each report as JSON instead of text.")
def import_command(
    files: tuple[Path, ...], partial: bool, dry_run: bool, mapping_path: Path | None, as_json: bool
) -> None:
    settings = Settings.from_env()
    mapping: Mapping | None = None
    if mapping_path is not None:
        try:
            mapping = load_mapping(mapping_path)
        except MappingError as exc:
            _misuse(str(exc))
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        _misuse(f"no such file: {', '.join(missing)}")
    engine = store.make_engine(settings.database_url)
    try:
        if not store.is_initialised(engine):
            _misuse("the store has no schema yet: run `python -m dashboard init` first")
        worst = 0
        for path in files:
            report = import_file(engine, path, partial=partial, dry_run=dry_run, imported_by=_who(), mapping=mapping)
            click.echo(report.to_json() if as_json else report.to_text())
            if not dry_run:
                audit.record(engine, username=_who(), action=audit.IMPORT, detail=audit.import_detail(report))
            worst = max(worst, report.exit_code)
    finally:
        engine.dispose()
    sys.exit(worst)


def _misuse(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)
