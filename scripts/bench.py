"""`make bench`: national-scale stores on SQLite and PostgreSQL, measured through the app's own HTTP endpoints.

Prints a markdown table per store and writes them into docs/PERFORMANCE.md. Usage:

    .venv/bin/python scripts/bench.py [--stores sqlite,postgresql] [--requests 50] [--rebuild]

Nothing here asserts on time: the figures are for people to read.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import overview, queries, store  # noqa: E402
from dashboard.importer import import_file  # noqa: E402
from dashboard.service import load_known  # noqa: E402
from dashboard.setup_store import init_store  # noqa: E402
from layouts import ids  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_BENCH = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pathways_bench")
SQLITE_BENCH = f"sqlite:///{ROOT / 'data' / 'bench-national.db'}"
AREAS = ["E23000039", "E06000059", "E06000058", "E23000035", "E23000036", "E12000009"] + [
    f"E069{i:05d}" for i in range(1, 40)
]
MEASURES = ["REC01", "YTH02", "ACC01", "ACC02", "ETE01", "ETE03", "SUB01", "SUB03", "DA01", "MH02", "YTH01", "REC10"]


def _view(i: int, **extra: str) -> dict[str, str]:
    return {"measure": MEASURES[i % len(MEASURES)], "area": AREAS[(i * 7) % len(AREAS)], **extra}


SUPPRESS = 5  # the default small-number threshold the callbacks apply (Settings.suppression_threshold)
RUG_AREAS: list[str] = []  # the catalogue's own areas (the rug's columns, the compare-areas bars): set per store


def _latest(engine: Any, view: dict[str, str]) -> str:
    """The period a breakdown or compare-areas chart shows: the measure's latest for the area (a query of its own)."""
    return queries.latest_period(engine, measure=view["measure"], area=view["area"]) or "2024-Q4"


# callback name -> (outputs, extra inputs, view for request i, the query function behind it: the floor). Each floor
# is the same query function with the same arguments the callback's view makes, run bare in-process.
CALLBACKS: dict[str, tuple[list[tuple[str, str]], list[dict[str, Any]], Callable[[int], dict[str, str]], Any]] = {
    "overview tiles": (
        [(ids.OVERVIEW_TILES, "children")],
        [],
        lambda i: {"area": AREAS[(i * 7) % len(AREAS)]},
        lambda e, v: queries.observations(
            e, area=v["area"], cohort="all", comparator="K04000001", suppress_below=SUPPRESS
        ),
    ),
    "measure trend": (
        [(ids.MEASURE_TREND, "figure")],
        [],
        _view,
        lambda e, v: queries.trend(
            e, measure=v["measure"], area=v["area"], comparator="K04000001", suppress_below=SUPPRESS
        ),
    ),
    "measure SPC": (
        [(ids.MEASURE_SPC, "figure"), (ids.MEASURE_SPC_NOTES, "children")],
        [],
        _view,
        lambda e, v: queries.trend(
            e, measure=v["measure"], area=v["area"], comparator="K04000001", suppress_below=SUPPRESS
        ),
    ),
    "inequalities": (
        [(ids.MEASURE_BREAKDOWN, "figure")],
        [],
        _view,
        lambda e, v: queries.breakdown(
            e,
            measure=v["measure"],
            area=v["area"],
            period=_latest(e, v),
            comparator="K04000001",
            suppress_below=SUPPRESS,
        ),
    ),
    "compare areas": (
        [(ids.MEASURE_AREAS, "figure")],
        [],
        _view,
        lambda e, v: queries.compare_areas(
            e,
            measure=v["measure"],
            period=_latest(e, v),
            areas=[*RUG_AREAS, v["area"]],
            comparator="K04000001",
            suppress_below=SUPPRESS,
        ),
    ),
    "measure table": (
        [(ids.MEASURE_GRID, "rowData"), (ids.MEASURE_SUMMARY, "children"), (ids.MEASURE_META, "children")],
        [],
        _view,
        lambda e, v: queries.observations(
            e, measure=v["measure"], area=v["area"], cohort="all", comparator="K04000001", suppress_below=SUPPRESS
        ),
    ),
    "drill-down bars": (
        [(ids.DRILL_BARS, "figure"), (ids.DRILL_CRUMBS, "children"), (ids.DRILL_TITLE, "children")],
        [],
        lambda i: _view(i, dimension="sex"),
        lambda e, v: queries.breakdown(
            e,
            measure=v["measure"],
            area=v["area"],
            period=_latest(e, v),
            dimension="sex",
            comparator="K04000001",
            suppress_below=SUPPRESS,
        ),
    ),
    "tartan rug": (
        [(ids.OVERVIEW_RUG, "children")],
        [{"id": ids.OVERVIEW_TABS, "property": "value", "value": "rug"}],
        lambda i: {
            "to": f"20{22 + i % 12 // 4}-Q{1 + i % 4}",
            "comparator": ["K04000001", "E12000009", "E92000001"][i // 12 % 3],
            "cohort": ["all", "sex=male", "sex=female"][i // 36 % 3],
        },  # 108 distinct views
        lambda e, v: overview.rug(
            e,
            areas=RUG_AREAS,
            comparator=v["comparator"],
            cohort=v["cohort"],
            period_to=v["to"],
            suppress_below=SUPPRESS,
        ),
    ),
}


@contextlib.contextmanager
def watched_statements() -> Iterator[list[tuple[Any, float]]]:
    """Each statement the query functions read into a frame while the block runs, with the seconds it took
    (execute and fetch): the floor's SQL share, and the statements to EXPLAIN."""
    seen: list[tuple[Any, float]] = []
    real = queries._frame

    def watched(engine: Any, stmt: Any) -> Any:
        t = time.perf_counter()
        try:
            return real(engine, stmt)
        finally:
            seen.append((stmt, time.perf_counter() - t))

    queries._frame = watched  # type: ignore[assignment]
    try:
        yield seen
    finally:
        queries._frame = real  # type: ignore[assignment]


def _payload(outputs: list[tuple[str, str]], extra: list[dict[str, Any]], view: dict[str, str]) -> dict[str, Any]:
    multi = len(outputs) > 1
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        if multi
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if multi
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": ids.VIEW, "property": "data", "value": view}, *extra],
        "changedPropIds": [f"{ids.VIEW}.data"],
        "state": [],
    }


def _explain(engine: Any, stmt: Any) -> tuple[str, str, float | None]:
    """(indexes on observations used, how observations are read, execution ms on PostgreSQL) for one statement."""
    import re

    sql = str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            lines = [str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
            ms = None
        else:
            lines = [str(r[0]) for r in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql)]
            found = [float(m.group(1)) for line in lines if (m := re.search(r"Execution Time: ([\d.]+) ms", line))]
            ms = found[0] if found else None
    observed = [
        line for line in lines if re.search(r"(Scan|SEARCH|SCAN).*observations", line)
    ]  # the big table's access path
    indexes = sorted({m for line in observed for m in re.findall(r"\b(ix_\w+|uq_\w+|sqlite_autoindex_\w+)\b", line)})
    scans = [re.sub(r"\s*\(cost=[^)]*\)|actual time=[\d.]+\.\.[\d.]+ ", "", line).strip(" ->") for line in observed]
    return ", ".join(indexes) or "none", "; ".join(scans), ms


def query_plans(engine: Any) -> list[dict[str, Any]]:
    """EXPLAIN (SQLite: QUERY PLAN; PostgreSQL: ANALYZE) of every statement behind each callback's floor."""
    rows = []
    for name, (_, _, view_for, floor) in CALLBACKS.items():
        with watched_statements() as seen:
            floor(engine, view_for(1))
        for i, (stmt, _) in enumerate(seen, 1):
            indexes, scans, ms = _explain(engine, stmt)
            rows.append({"callback": name, "statement": i, "indexes": indexes, "scans": scans, "ms": ms})
    return rows


def router_payload(path: str, search: str) -> dict[str, Any]:
    """The request the browser sends after loading a page: Dash's page router lays out `path` + `search`."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def ensure_store(url: str, rebuild: bool) -> tuple[Any, float | None]:
    engine = store.make_engine(url)
    if not rebuild and store.is_initialised(engine) and store.get_info(engine, "demo") == "national":
        store.upgrade(engine)
        return engine, None
    result = init_store(engine, demo_scale="national")
    return engine, result.seconds


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str, float]:
    """Start `app.py` as a real process; the time until the first page and its layout are served."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": "", "PATHWAYS_AUTH": "off"}  # the dashboard, not sign-in
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            if requests.get(base + "/", timeout=2).ok and requests.get(base + "/_dash-layout", timeout=10).ok:
                return proc, base, time.perf_counter() - started
        except requests.ConnectionError:
            time.sleep(0.05)
        if proc.poll() is not None or time.perf_counter() - started > 120:
            raise RuntimeError("the server did not start")


def measure_callbacks(base: str, engine: Any, n: int) -> list[dict[str, Any]]:
    rows = []
    session = requests.Session()
    session.headers["Origin"] = base  # state-changing requests must come from the site itself (CSRF check)
    for name, (outputs, extra, view_for, floor) in CALLBACKS.items():
        views = [view_for(i) for i in range(n)]
        for view in views:  # read the rows once first, so the callbacks and the floor both find them in memory
            floor(engine, view)
        timings: dict[str, list[float]] = {"cold": [], "warm": []}
        size = 0
        for phase in ("cold", "warm"):  # every view is new the first time (cold cache), then asked again (warm)
            for view in views:
                t = time.perf_counter()
                r = session.post(base + "/_dash-update-component", json=_payload(outputs, extra, view), timeout=60)
                timings[phase].append(1000 * (time.perf_counter() - t))
                if r.status_code != 200:
                    raise RuntimeError(f"{name}: HTTP {r.status_code} {r.text[:200]}")
                size = max(size, len(r.content))
        floors, sql = [], []
        for view in views[: min(n, 20)]:
            with watched_statements() as seen:
                t = time.perf_counter()
                floor(engine, view)
                floors.append(1000 * (time.perf_counter() - t))
            sql.append(1000 * sum(seconds for _, seconds in seen))
        cold50, floor50 = _pct(timings["cold"], 50), _pct(floors, 50)
        rows.append(
            {
                "callback": name,
                "cold_p50": cold50,
                "cold_p95": _pct(timings["cold"], 95),
                "warm_p50": _pct(timings["warm"], 50),
                "warm_p95": _pct(timings["warm"], 95),
                "bytes": size,
                "floor_p50": floor50,
                "sql_p50": _pct(sql, 50),
                "ratio": cold50 / floor50 if floor50 else float("nan"),
            }
        )
    return rows


def first_page_server_time(base: str) -> float:
    """Server time of the overview's first load: the page, its layout, and the callbacks the page fires."""
    session = requests.Session()
    session.headers["Origin"] = base
    t = time.perf_counter()
    responses = [
        session.get(base + "/?area=E06000058"),
        session.get(base + "/_dash-layout"),
        session.post(base + "/_dash-update-component", json=router_payload("/", "?area=E06000058")),
        session.post(
            base + "/_dash-update-component",
            json=_payload([(ids.OVERVIEW_TILES, "children")], [], {"area": "E06000058"}),
        ),
    ]
    seconds = time.perf_counter() - t
    for r in responses:  # a refused request would be quick and measure nothing
        if r.status_code != 200:
            raise RuntimeError(f"first load: {r.request.method} {r.url}: HTTP {r.status_code} {r.text[:200]}")
    return seconds


def import_throughput(tmp: Path) -> tuple[int, float, float]:
    """A clean 100,000-row file into an empty SQLite store: rows/s."""
    path = tmp / "bench-import.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_import_file.py"), "100000", str(path)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    engine = store.make_engine(f"sqlite:///{tmp / 'import.db'}")
    init_store(engine)
    t = time.perf_counter()
    report = import_file(engine, path)
    seconds = time.perf_counter() - t
    return report.rows_inserted, seconds, report.rows_inserted / seconds


def pack_time(url: str) -> tuple[float, int, int]:
    """The pan-Dorset board pack for 2024-Q4, as `export pack` makes it: seconds, pages, bytes."""
    from pypdf import PdfReader

    from dashboard import export
    from dashboard.config import Settings
    from dashboard.service import Services

    engine = store.make_engine(url)
    t = time.perf_counter()
    _, content = export.export_pack(Services(engine, Settings(database_url=url)), period="2024-Q4")
    seconds = time.perf_counter() - t
    engine.dispose()
    import io

    return seconds, len(PdfReader(io.BytesIO(content)).pages), len(content)


def store_size(engine: Any) -> int:
    from sqlalchemy import func, select

    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(store.observations)).scalar() or 0)


def bench_store(kind: str, url: str, n: int, rebuild: bool) -> dict[str, Any]:
    print(f"\n== {kind}: building or reusing the national store …", flush=True)
    engine, build_seconds = ensure_store(url, rebuild)
    RUG_AREAS[:] = load_known(engine).rug_areas
    rows = store_size(engine)
    proc, base, cold_start = start_server(url)
    try:
        first_load = first_page_server_time(base)
        callbacks = measure_callbacks(base, engine, n)
        plans = query_plans(engine)
        rss = psutil.Process(proc.pid).memory_info().rss
        peak = _peak_rss(proc.pid) or rss
    finally:
        proc.terminate()
        proc.wait(10)
    pack = pack_time(url)
    return {
        "pack": pack,
        "kind": kind,
        "rows": rows,
        "build_seconds": build_seconds,
        "cold_start": cold_start,
        "first_load": first_load,
        "callbacks": callbacks,
        "plans": plans,
        "peak_rss_mb": peak / 2**20,
    }


def _peak_rss(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def render(results: list[dict[str, Any]], imp: tuple[int, float, float], n: int) -> str:
    mem = psutil.virtual_memory().total / 2**30
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.node()}: {psutil.cpu_count()} cores, {mem:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.platform()}.",
        f"Each callback: {n} varied requests through HTTP (`/_dash-update-component` on the app's own server), "
        "first with a cold cache (every view new to the app's cache), then the same requests again (warm). The store's pages are read once beforehand (the floor's query for every view), so neither the callbacks nor the floor pay for first reads from disk. Times in ms, client-side, "
        "127.0.0.1. The floor is the query function behind the callback (its SQL, then the intervals, comparison and "
        "small-number suppression it adds in pandas), called in-process with the same arguments; 'of which SQL' is "
        "the part spent executing the SQL and fetching its rows.",
        "",
        f"Import: a clean {imp[0]:,}-row CSV into an empty SQLite store in {imp[1]:.1f} s = **{imp[2]:,.0f} rows/s** "
        "(the median of three runs).",
    ]
    for res in results:
        build = f"built in {res['build_seconds']:.0f} s" if res["build_seconds"] else "reused"
        lines += [
            "",
            f"### {res['kind']} — {res['rows']:,} observations ({build})",
            "",
            f"- Cold start (process start to first page and layout served): **{res['cold_start']:.2f} s**",
            f"- Overview first load (page, layout, router and tiles callbacks): **{1000 * res['first_load']:.0f} ms**",
            f"- Peak RSS of the server process: **{res['peak_rss_mb']:.0f} MB**",
            f"- Board pack (pan-Dorset, 2024-Q4, 76 charts through kaleido and Chromium): **{res['pack'][0]:.1f} s**, "
            f"{res['pack'][1]} pages, {res['pack'][2] / 1e6:.1f} MB",
            "",
            "| callback | cold p50 | cold p95 | warm p50 | warm p95 | response bytes | floor p50 | of which SQL | "
            "cold p50 ÷ floor |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for c in res["callbacks"]:
            lines.append(
                f"| {c['callback']} | {c['cold_p50']:.0f} | {c['cold_p95']:.0f} | {c['warm_p50']:.0f} | "
                f"{c['warm_p95']:.0f} | {c['bytes']:,} | {c['floor_p50']:.0f} | {c['sql_p50']:.0f} | {c['ratio']:.1f}× |"
            )
        lines += [
            "",
            f"Query plans ({'EXPLAIN QUERY PLAN' if res['kind'] == 'sqlite' else 'EXPLAIN ANALYZE'}) of each "
            "statement behind the floors above, for one view each:",
            "",
            "| callback | statement | indexes used | scans | execution ms |",
            "|---|---:|---|---|---:|",
        ]
        for plan in res["plans"]:
            ms = "" if plan["ms"] is None else f"{plan['ms']:.1f}"
            scans = plan["scans"].replace("|", "\\|")
            lines.append(f"| {plan['callback']} | {plan['statement']} | {plan['indexes']} | {scans} | {ms} |")
    return "\n".join(lines) + "\n"


def write_doc(table: str) -> None:
    doc = ROOT / "docs" / "PERFORMANCE.md"
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    text = doc.read_text(encoding="utf-8") if doc.exists() else f"# Performance\n\n{start}\n{end}\n"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    doc.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the national stores even if present")
    parser.add_argument("--no-doc", action="store_true", help="print only; do not update docs/PERFORMANCE.md")
    args = parser.parse_args()
    results = []
    for kind in args.stores.split(","):
        if kind == "postgresql":
            _ensure_pg_database()
        results.append(bench_store(kind, SQLITE_BENCH if kind == "sqlite" else PG_BENCH, args.requests, args.rebuild))
    runs = []
    for _ in range(3):  # the median of three: a single run swings with the disk
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(import_throughput(Path(tmp)))
    imp = sorted(runs, key=lambda run: run[2])[1]
    table = render(results, imp, args.requests)
    print(table)
    if not args.no_doc:
        write_doc(table)
        print("docs/PERFORMANCE.md updated.")
    (ROOT / "data" / "bench-results.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


def _ensure_pg_database() -> None:
    from sqlalchemy import create_engine, text

    name = PG_BENCH.rsplit("/", 1)[1].split("?")[0]
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


if __name__ == "__main__":
    main()
