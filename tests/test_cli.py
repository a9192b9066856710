from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.setup_store import init_store


@pytest.fixture
def demo_url(store_url, monkeypatch):
    from dashboard import store

    engine = store.make_engine(store_url)
    init_store(engine, demo_scale="local")
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", store_url)
    return store_url


def test_query_prints_the_published_dorset_figure(demo_url):
    result = CliRunner().invoke(main, ["query", "--measure", "REC01", "--area", "E23000039", "--period", "2021-Q4"])
    assert result.exit_code == 0, result.output
    assert "2,533 of 11,447 (22.1%)" in result.output
    assert "21.4%–22.9%" in result.output  # Wilson 95% interval
    assert "better" in result.output  # than England and Wales, 25.1%


def test_query_youth_is_similar_to_england_and_wales(demo_url):
    result = CliRunner().invoke(
        main, ["query", "--measure", "YTH02", "--area", "E23000039", "--period", "2021-Q4", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["display"] == "206 of 624 (33.0%)"
    assert row["interval"] == "29.4%–36.8%"
    assert (row["comparison"], row["comparator_value"]) == ("similar", 32.5)


def test_query_accepts_other_period_forms_and_cohorts(demo_url):
    result = CliRunner().invoke(
        main,
        ["query", "--measure", "rec10", "--area", "K04000001", "--period", "Oct-Dec 2021", "--cohort", "sex=female"],
    )
    assert result.exit_code == 0, result.output
    assert ",21.1" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--measure", "XYZ99"], "unknown measure code 'XYZ99'"),
        (["--measure", "REC01", "--area", "E99999999"], "unknown area code 'E99999999'"),
        (["--measure", "REC01", "--cohort", "sex=robot"], "unknown cohort 'sex=robot'"),
        (["--measure", "REC01", "--period", "2021-Q9"], "not a period"),
        (["--measure", "REC01", "--comparator", "nowhere"], "unknown area code 'nowhere'"),
    ],
)
def test_query_names_unknown_codes(demo_url, args, message):
    result = CliRunner().invoke(main, ["query", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_query_on_an_empty_store_says_what_to_do(store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store_url)
    result = CliRunner().invoke(main, ["query", "--measure", "REC01"])
    assert result.exit_code == 2 and "init --demo" in result.output


def test_init_reports_and_if_empty_keeps_data(store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store_url)
    first = CliRunner().invoke(main, ["init", "--demo", "--if-empty"])
    assert first.exit_code == 0 and "demo observations" in first.output
    second = CliRunner().invoke(main, ["init", "--demo", "--if-empty"])
    assert second.exit_code == 0 and "not loaded" in second.output
