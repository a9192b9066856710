"""The command line: `python -m dashboard init|query|serve|…`. DATABASE_URL picks the store."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click
import pandas as pd

from dashboard import formatting, queries, store
from dashboard.config import ROOT, Settings
from dashboard.periods import PeriodError, parse_period


class Context:
    def __init__(self) -> None:
        self.settings = Settings.from_env()
        self._engine: Any = None

    @property
    def engine(self) -> Any:
        if self._engine is None:
            self._engine = store.make_engine(self.settings.database_url)
        return self._engine


pass_context = click.make_pass_decorator(Context, ensure=True)


@click.group(help="Pathways: the reducing-reoffending performance dashboard.")
def main() -> None:
    pass


@main.command(help="Create or upgrade the schema and load the catalogue; --demo adds demo data.")
@click.option("--demo", is_flag=True, help="Load the deterministic demo data (replaces earlier demo data).")
@click.option(
    "--scale",
    type=click.Choice(["local", "national"]),
    default="local",
    show_default=True,
    help="national adds every local authority and police force area (millions of rows).",
)
@click.option("--if-empty", is_flag=True, help="Only load demo data when the store has no observations.")
@pass_context
def init(ctx: Context, demo: bool, scale: str, if_empty: bool) -> None:
    from dashboard.setup_store import init_store, store_is_empty

    load_demo = demo and (not if_empty or store_is_empty(ctx.engine))
    result = init_store(ctx.engine, demo_scale=scale if load_demo else None)
    click.echo(f"Store at schema revision {result.revision}: {ctx.engine.url.render_as_string(hide_password=True)}")
    if load_demo:
        rate = result.observations_loaded / result.seconds if result.seconds else 0
        click.echo(
            f"Loaded {result.observations_loaded:,} demo observations ({scale} scale) "
            f"in {result.seconds:.1f} s ({rate:,.0f} rows/s)."
        )
    elif demo:
        click.echo("The store already holds observations; demo data not loaded.")


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _query_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns `query` prints, with a human summary such as '2,533 of 11,447 (22.1%)'."""
    out = frame.copy()
    out["display"] = [formatting.summary(r.value, r.numerator, r.denominator, r.unit) for r in out.itertuples()]
    out["interval"] = [formatting.interval(r.lower_ci, r.upper_ci, r.unit) for r in out.itertuples()]
    out["flags"] = [
        ",".join(f for f in ("suppressed", "provisional", "revised", "estimated") if getattr(r, f))
        for r in out.itertuples()
    ]
    columns = [
        "measure",
        "area",
        "area_name",
        "cohort",
        "period",
        "display",
        "value",
        "numerator",
        "denominator",
        "lower_ci",
        "upper_ci",
        "interval",
        "unit",
        "flags",
        "missing_reason",
        "comparator",
        "comparator_value",
        "comparison",
    ]
    return out[columns]


@main.command(help="Print observations with their intervals and the comparison with the comparator.")
@click.option("--measure", required=True, help="Measure code, e.g. REC01.")
@click.option("--area", help="Area GSS code, e.g. E23000039.")
@click.option("--period", help="Period, e.g. 2021-Q4 or 2021/22.")
@click.option(
    "--cohort",
    default="all",
    show_default=True,
    help="Cohort as dimension=value (e.g. sex=female), 'all', or '*' for every cohort.",
)
@click.option("--comparator", help="Comparator area code (default: England and Wales).")
@click.option("--confidence", type=click.Choice(["95", "99.8"]), default="95", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@pass_context
def query(
    ctx: Context,
    measure: str,
    area: str | None,
    period: str | None,
    cohort: str | None,
    comparator: str | None,
    confidence: str,
    fmt: str,
) -> None:
    if not store.is_initialised(ctx.engine):
        _fail("the store is empty: run `python -m dashboard init --demo` first")
    try:
        period = parse_period(period).label if period else None
    except PeriodError as exc:
        _fail(str(exc))
    comparator = comparator or ctx.settings.default_comparator
    cohort = None if cohort == "*" else cohort
    try:
        queries.check_codes(ctx.engine, measure=measure.upper(), area=area, cohort=cohort, period=period)
        queries.check_codes(ctx.engine, area=comparator)
    except queries.UnknownCode as exc:
        _fail(str(exc))
    frame = queries.observations(
        ctx.engine,
        measure=measure.upper(),
        area=area,
        cohort=cohort,
        period=period,
        comparator=comparator,
        confidence=float(confidence) / 100,
    )
    table = _query_frame(frame)
    if fmt == "json":
        records = json.loads(table.assign(period=table["period"].astype(str)).to_json(orient="records"))
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        click.echo(table.to_csv(index=False, float_format="%.6g"), nl=False)
    if table.empty:
        click.echo("No observations match.", err=True)


@main.command(help="Serve the dashboard (http://127.0.0.1:8050 by default).")
@click.option("--host", default=None, help="Address to listen on.")
@click.option("--port", type=int, default=None, help="Port to listen on.")
@pass_context
def serve(ctx: Context, host: str | None, port: int | None) -> None:
    host = host or ctx.settings.host
    port = port or ctx.settings.port
    # The web app sits above this package (it imports dashboard, never the reverse), so run it as a program.
    os.execv(sys.executable, [sys.executable, str(ROOT / "app.py"), "--host", host, "--port", str(port)])


from dashboard.importer_cli import import_command  # noqa: E402

main.add_command(import_command, "import")

from dashboard.users_cli import users_command  # noqa: E402

main.add_command(users_command, "users")

from dashboard.export_cli import export_command  # noqa: E402

main.add_command(export_command, "export")
