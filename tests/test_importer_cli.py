"""`python -m dashboard import`: exit 0 loaded or nothing to do, 1 rejected, 2 unreadable or misused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from dashboard import store
from dashboard.importer_cli import import_command

DATA = Path(__file__).parent / "data" / "import"


@pytest.fixture
def store_env(engine, store_url, monkeypatch):
    """A migrated store with the catalogue, which the CLI finds through DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    return engine


def run(*args: str):
    return CliRunner().invoke(import_command, [str(a) for a in args])


def copy(name: str, folder: Path) -> Path:
    path = folder / name
    path.write_bytes((DATA / name).read_bytes())
    return path


def observation_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(store.observations)).scalar_one()


def test_a_clean_file_loads_with_exit_0_and_again_with_nothing_to_do(store_env):
    first = run(DATA / "clean_return.csv")
    assert first.exit_code == 0, first.output
    assert "clean_return.csv: loaded 12 new, 0 updated, 0 unchanged of 12 rows" in first.output
    second = run(DATA / "clean_return.csv")
    assert second.exit_code == 0
    assert "nothing to do" in second.output and "imported before" in second.output
    assert observation_count(store_env) == 12


def test_a_bad_file_exits_1_listing_every_bad_row_and_loads_nothing(store_env):
    result = run(DATA / "ten_bad_rows.csv")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "ten_bad_rows.csv: rejected, 10 problem(s) in 10 row(s); nothing was loaded"
    assert [line.split(",")[0].strip() for line in lines[1:11]] == [
        f"row {n}" for n in (3, 5, 6, 8, 9, 11, 12, 13, 14, 15)
    ]
    assert observation_count(store_env) == 0


def test_partial_loads_the_good_rows_writes_the_rejected_ones_and_exits_1(store_env, tmp_path):
    path = copy("ten_bad_rows.csv", tmp_path)
    result = run(path, "--partial")
    assert result.exit_code == 1
    assert "loaded good rows only (6 new" in result.output
    assert f"rejected rows, with reasons, written to {tmp_path / 'ten_bad_rows.rejected.csv'}" in result.output
    assert (tmp_path / "ten_bad_rows.rejected.csv").exists()
    assert observation_count(store_env) == 6


def test_dry_run_reports_and_writes_nothing(store_env, tmp_path):
    result = run(DATA / "clean_return.csv", "--dry-run")
    assert result.exit_code == 0
    assert "dry run, nothing written: would load 12 new" in result.output
    bad = run(copy("ten_bad_rows.csv", tmp_path), "--dry-run", "--partial")
    assert bad.exit_code == 1
    assert not (tmp_path / "ten_bad_rows.rejected.csv").exists()
    with store_env.connect() as conn:
        assert conn.execute(select(func.count()).select_from(store.import_batches)).scalar_one() == 0
    assert observation_count(store_env) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "the file is empty"), (b"\x00\x01\x02binary", "binary file"), (b"a,b\n1,2\n", "no recognisable header")],
)
def test_an_unreadable_file_exits_2(store_env, tmp_path, content, message):
    path = tmp_path / "return.csv"
    path.write_bytes(content)
    result = run(path)
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Missing argument"),
        (["nowhere.csv"], "no such file: nowhere.csv"),
        (["--mapping", "nowhere.yaml", str(DATA / "clean_return.csv")], "cannot read the mapping"),
        (["--frobnicate", str(DATA / "clean_return.csv")], "No such option"),
    ],
)
def test_misuse_exits_2(store_env, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_an_uninitialised_store_exits_2(empty_engine, store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store_url)
    result = run(DATA / "clean_return.csv")
    assert result.exit_code == 2
    assert "run `python -m dashboard init` first" in result.output


def test_several_files_are_imported_each_on_its_own_and_the_worst_exit_code_wins(store_env, tmp_path):
    result = run(DATA / "clean_return.csv", copy("ten_bad_rows.csv", tmp_path))
    assert result.exit_code == 1
    assert "clean_return.csv: loaded 12 new" in result.output
    assert "ten_bad_rows.csv: rejected" in result.output
    assert observation_count(store_env) == 12
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert run(DATA / "clean_return.csv", empty).exit_code == 2


def test_a_mapping_imports_an_official_table(store_env):
    result = run("--mapping", DATA / "moj_proven_reoffending.yaml", DATA / "moj_proven_reoffending.csv")
    assert result.exit_code == 0, result.output
    assert "loaded 50 new" in result.output
    assert "skipped 12 row(s)" in result.output


def test_json_output(store_env):
    result = run("--json", DATA / "ten_bad_rows.csv")
    report = json.loads(result.output)
    assert report["outcome"] == "rejected" and len(report["errors"]) == 10


def test_the_command_is_registered_on_the_main_cli(store_env):
    from dashboard.cli import main

    result = CliRunner().invoke(main, ["import", str(DATA / "clean_return.csv"), "--dry-run"])
    assert result.exit_code == 0, result.output
