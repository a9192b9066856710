from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from dashboard import store
from dashboard.catalogue import load_catalogue
from dashboard.demo import generate
from dashboard.setup_store import init_store


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return generate(load_catalogue()).observations


def _row(frame, measure, area, period, cohort="all"):
    hit = frame[(frame.measure == measure) & (frame.area == area) & (frame.period == period) & (frame.cohort == cohort)]
    assert len(hit) == 1, (measure, area, period, cohort)
    return hit.iloc[0]


def test_generator_is_deterministic(demo):
    again = generate(load_catalogue()).observations
    pd.testing.assert_frame_equal(demo, again)


@pytest.mark.parametrize(
    ("measure", "area", "period", "cohort", "expected"),
    [
        ("REC01", "E23000039", "2021-Q4", "all", (2533, 11447, "22.1")),
        ("YTH02", "E23000039", "2021-Q4", "all", (206, 624, "33.0")),
        ("REC01", "K04000001", "2021-Q4", "all", (None, None, "25.1")),
        ("YTH02", "K04000001", "2021-Q4", "all", (None, None, "32.5")),
        ("REC10", "K04000001", "2021-Q4", "all", (None, None, "25.4")),
        ("REC10", "K04000001", "2021-Q4", "sex=male", (None, None, "26.1")),
        ("REC10", "K04000001", "2021-Q4", "sex=female", (None, None, "21.1")),
        ("REC10", "K04000001", "2021-Q4", "ethnicity=white", (None, None, "26.8")),
        ("REC10", "K04000001", "2021-Q4", "ethnicity=black", (None, None, "26.3")),
        ("REC10", "K04000001", "2021-Q4", "ethnicity=asian", (None, None, "20.2")),
        ("REC10", "K04000001", "2021-Q4", "ethnicity=other", (None, None, "17.0")),
        ("REC09", "E23000039", "2024-Q1", "all", (None, None, "74.0")),
        ("REC09", "E23000039", "2024-Q1", "risk=high", (None, None, "25.0")),
        ("REC06", "E23000039", "2023-Q4", "all", (77, 100, "77.0")),
        ("REC11", "K04000001", "2023-Q2", "all", (None, None, "85851.0")),
        ("REC12", "K04000001", "2023-Q4", "all", (None, None, "88782.0")),
        ("REC13", "K04000001", "2023-Q4", "all", (None, None, "557.0")),
        ("SUB04", "K04000001", "2022/23", "all", (10600, 20000, "53.0")),
    ],
)
def test_demo_contains_every_published_figure(demo, measure, area, period, cohort, expected):
    row = _row(demo, measure, area, period, cohort)
    numerator, denominator, value = expected
    assert f"{row.value:.1f}" == value
    if numerator is not None:
        assert (row.numerator, row.denominator) == (numerator, denominator)


def test_gps_tag_offences_total_two_over_the_year(demo):
    year = demo[(demo.measure == "REC08") & (demo.area == "E23000039") & demo.period.str.startswith("2023-Q")]
    assert year.value.sum() == 2


def test_free_places_are_capacity_minus_population(demo):
    def series(code):
        return demo[demo.measure == code].set_index("period").value

    assert ((series("REC12") - series("REC11")) == series("REC13")).all()


def test_demo_is_plausible(demo):
    rows = demo[demo.cohort == "all"]
    assert rows.period.nunique() >= 32
    percent = demo[demo.measure.isin(["REC01", "ACC01", "ETE01"])]
    assert percent.value.between(0, 100).all()
    latest = _row(demo, "YTH02", "K04000001", "2024-Q4").value
    adult = _row(demo, "REC01", "K04000001", "2024-Q4").value
    assert latest > adult  # youth above adult
    male = _row(demo, "REC01", "K04000001", "2024-Q4", "sex=male").value
    female = _row(demo, "REC01", "K04000001", "2024-Q4", "sex=female").value
    assert male > female
    assert (demo.measure.nunique(), demo.area.nunique()) == (
        len(load_catalogue().measures),
        len(load_catalogue().areas),
    )


def test_init_demo_loads_and_reloads(empty_engine):
    first = init_store(empty_engine, demo_scale="local")
    second = init_store(empty_engine, demo_scale="local")  # replaces, never duplicates
    with empty_engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(store.observations)).scalar()
    assert first.observations_loaded == second.observations_loaded == count
    assert store.get_info(empty_engine, "demo") == "local"
