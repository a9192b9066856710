"""Time the dashboard's main callbacks through the app's own HTTP endpoint (Flask test client).

    DATABASE_URL=sqlite:///data/pathways.db .venv/bin/python scripts/time_callbacks.py [--repeat 20]

Prints, per callback: cold (cache cleared) and warm server time p50/p95 in ms, and the response size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from dashboard.config import Settings  # noqa: E402
from layouts import ids  # noqa: E402

AREAS = ["E23000039", "E06000059", "E06000058", "E23000035", "E12000009"]
MEASURES = ["REC01", "YTH02", "ACC01", "ETE01", "SUB01", "DA01", "MH02", "YTH01"]


def payload(outputs: list[tuple[str, str]], view: dict[str, str]) -> dict[str, object]:
    output = (
        outputs[0][0] + "." + outputs[0][1]
        if len(outputs) == 1
        else ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
    )
    return {
        "output": output,
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": ids.VIEW, "property": "data", "value": view}]
        + (
            [{"id": ids.OVERVIEW_TABS, "property": "value", "value": "rug"}]
            if outputs[0][0] == ids.OVERVIEW_RUG
            else []
        ),
        "changedPropIds": [f"{ids.VIEW}.data"],
        "state": [],
    }


CALLBACKS = {
    "overview tiles": ([(ids.OVERVIEW_TILES, "children")], lambda i: {"area": AREAS[i % len(AREAS)]}),
    "tartan rug": ([(ids.OVERVIEW_RUG, "children")], lambda i: {"area": AREAS[i % len(AREAS)]}),
    "measure trend": ([(ids.MEASURE_TREND, "figure")], lambda i: {"measure": MEASURES[i % 8], "area": AREAS[i % 5]}),
    "measure SPC": (
        [(ids.MEASURE_SPC, "figure"), (ids.MEASURE_SPC_NOTES, "children")],
        lambda i: {"measure": MEASURES[i % 8], "area": AREAS[i % 5]},
    ),
    "inequalities": ([(ids.MEASURE_BREAKDOWN, "figure")], lambda i: {"measure": MEASURES[i % 8], "area": AREAS[i % 5]}),
    "compare areas": ([(ids.MEASURE_AREAS, "figure")], lambda i: {"measure": MEASURES[i % 8], "area": AREAS[i % 5]}),
    "measure grid": (
        [(ids.MEASURE_GRID, "rowData"), (ids.MEASURE_SUMMARY, "children"), (ids.MEASURE_META, "children")],
        lambda i: {"measure": MEASURES[i % 8], "area": AREAS[i % 5]},
    ),
    "drill bars": (
        [(ids.DRILL_BARS, "figure"), (ids.DRILL_CRUMBS, "children"), (ids.DRILL_TITLE, "children")],
        lambda i: {"measure": MEASURES[i % 8], "dimension": "sex", "area": AREAS[i % 5]},
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    app = create_app(Settings.from_env(auth=False))  # the callbacks' own time, without sign-in
    client = app.server.test_client()
    client.get("/")  # first request registers the pages
    cache = app.server.extensions["pathways"].cache
    print(f"{'callback':<16} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9} {'bytes':>9}")
    for name, (outputs, view_for) in CALLBACKS.items():
        cold, warm, size = [], [], 0
        for i in range(args.repeat):
            body = json.dumps(payload(outputs, view_for(i)))
            cache.clear()
            for bucket in (cold, warm):
                started = time.perf_counter()
                response = client.post(
                    "/_dash-update-component",
                    data=body,
                    content_type="application/json",
                    headers={"Origin": "http://localhost"},  # the CSRF check wants the site's own origin
                )
                bucket.append(1000 * (time.perf_counter() - started))
                assert response.status_code == 200, (name, response.status_code, response.data[:300])
                size = max(size, len(response.data))

        def pct(values: list[float], q: float) -> float:
            return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]

        print(
            f"{name:<16} {pct(cold, 50):>9.1f} {pct(cold, 95):>9.1f} {pct(warm, 50):>9.1f} {pct(warm, 95):>9.1f} {size:>9,}"
        )


if __name__ == "__main__":
    main()
