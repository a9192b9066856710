"""`python -m dashboard export pack|snapshot|data`: board packs, views as PDF or PNG, and their data, for scripting.

Exit codes: 0 written; 1 the charts could not be drawn (no Chromium); 2 a bad address, period, code or file name."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dashboard import export, store
from dashboard.config import Settings
from dashboard.images import ImageError
from dashboard.service import Services


def _services() -> Services:
    settings = Settings.from_env()
    engine = store.make_engine(settings.database_url)
    if not store.is_initialised(engine):
        click.echo("Error: the store is empty: run `python -m dashboard init --demo` first", err=True)
        sys.exit(2)
    return Services(engine, settings)


def _write(out: Path, make: Callable[[], tuple[str, bytes]]) -> None:
    """Make the file, write it to `out` and say what was written; clear messages and exit codes on failure."""
    started = time.perf_counter()
    try:
        _, content = make()
    except export.ExportError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except ImageError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    out.write_bytes(content)
    click.echo(f"Wrote {out} ({len(content) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s.")


def _suffix(out: Path, allowed: tuple[str, ...]) -> str:
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in allowed:
        click.echo(f"Error: --out must end in {' or '.join('.' + a for a in allowed)}, not “{out.name}”", err=True)
        sys.exit(2)
    return fmt


@click.group("export", help="Board packs, views as PDF or PNG, and the data behind them.")
def export_command() -> None:
    pass


@export_command.command("pack", help="The quarterly board pack as a PDF: cover, contents, themes, exceptions, notes.")
@click.option("--period", required=True, help="The quarter the pack reports, e.g. 2023-Q4.")
@click.option("--area", help="Area GSS code (default: the pan-Dorset police force area).")
@click.option("--comparator", help="Comparator GSS code (default: England and Wales).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF to write.")
def pack_command(period: str, area: str | None, comparator: str | None, out: Path) -> None:
    _suffix(out, ("pdf",))
    svc = _services()
    _write(out, lambda: export.export_pack(svc, period=period, area=area, comparator=comparator))


@export_command.command("snapshot", help="A dashboard view (or a saved /snapshot/<id>) as a PDF or PNG.")
@click.option("--url", required=True, help='A dashboard address, e.g. "/measure/REC01?area=E06000059".')
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.pdf or FILE.png.")
def snapshot_command(url: str, out: Path) -> None:
    fmt = _suffix(out, export.VIEW_FORMATS)
    svc = _services()
    _write(out, lambda: export.export_view(svc, url, fmt))


@export_command.command("data", help="The rows behind a view as CSV (plus FILE-metadata.csv) or XLSX.")
@click.option("--url", required=True, help='A dashboard address, e.g. "/data?measure=REC01".')
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.csv or FILE.xlsx.")
def data_command(url: str, out: Path) -> None:
    fmt = _suffix(out, export.DATA_FORMATS)
    svc = _services()
    _write(out, lambda: export.export_table(svc, url, fmt))
    if fmt == "csv":
        meta: Any = export.export_table_metadata(svc, url)
        side = out.with_name(out.stem + "-metadata.csv")
        side.write_bytes(meta)
        click.echo(f"Wrote {side} (definitions, sources, filters).")
