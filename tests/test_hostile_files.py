"""Hostile files through the importer API and `python -m dashboard import`: the wrong type, too big, a zip bomb,
formulas, text that is not text. Each gets a clear message, exit code 2 when unreadable, and loads nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from dashboard.importer import import_file
from dashboard.importer_cli import import_command
from dashboard.importer_read import MB, Limits
from tests.fingerprint import fingerprint

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)
HEADER = "measure,area,period,value,note\n"


@pytest.fixture
def store_env(small_store, store_url, monkeypatch):
    """The fixture store, which the command line finds through DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    return small_store


def run_cli(*args: object):
    return CliRunner().invoke(import_command, [str(a) for a in args])


def _observations(engine) -> tuple[int, str]:
    return fingerprint(engine)["observations"]


def zip_bomb(path: Path, unpacked_mb: int) -> Path:
    """A small .xlsx whose sheet XML unpacks to `unpacked_mb` MB: a valid workbook, padded with blank space."""
    book = io.BytesIO()
    Workbook().save(book)
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            content = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<sheetData", b" " * (unpacked_mb * MB) + b"<sheetData", 1)
            out.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def formula_workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["measure", "area", "period", "value", "note"])
    sheet.append(["REC01", "E23000039", "2021-Q4", "=1+1", ""])
    sheet.append(["REC01", "E06000059", "2021-Q4", 22, '=HYPERLINK("http://evil.example","x")'])
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("return.csv", PNG, "binary file"),  # a PNG renamed .csv
        ("return.exe", EXE, "not a CSV or XLSX file"),
        ("return.exe", (HEADER + "REC01,E23000039,2021-Q4,22,\n").encode(), "not a CSV or XLSX file"),  # by name
        ("return.xlsx", PNG, "not a readable .xlsx"),
        ("return.csv", bytes(range(256)) * 40, "binary file"),  # random bytes
        ("return.csv", b"measure,area,period,value\n\xff\xfe\x00\x01\x02\x03", "binary file"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_by_the_cli(store_env, tmp_path, name, content, reason):
    before = fingerprint(store_env)
    path = tmp_path / name
    path.write_bytes(content)
    result = run_cli(path)
    assert result.exit_code == 2, result.output
    assert reason in result.output and "cannot be imported" in result.output
    assert _observations(store_env) == before["observations"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(store_env, tmp_path, monkeypatch):
    before = _observations(store_env)
    path = tmp_path / "big.csv"
    path.write_bytes((HEADER + "REC01,E23000039,2021-Q4,22,x\n" * 50_000).encode())  # about 1.4 MB
    monkeypatch.setenv("PATHWAYS_IMPORT_MAX_MB", "1")
    result = run_cli(path)
    assert result.exit_code == 2 and "more than the 1 MB an import may be" in result.output
    report = import_file(store_env, path)  # the API honours the setting too…
    assert report.exit_code == 2 and "PATHWAYS_IMPORT_MAX_MB" in report.to_text()
    report = import_file(store_env, path, data=path.read_bytes())  # …for an upload held in memory as well
    assert report.exit_code == 2
    assert _observations(store_env) == before


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(store_env, tmp_path, monkeypatch):
    before = _observations(store_env)
    path = zip_bomb(tmp_path / "bomb.xlsx", unpacked_mb=30)
    assert path.stat().st_size < MB // 10  # a few tens of kB on disk
    monkeypatch.setenv("PATHWAYS_IMPORT_MAX_MB", "1")  # may unpack to 20 MB
    result = run_cli(path)
    assert result.exit_code == 2 and "would unpack to 30 MB" in result.output, result.output
    report = import_file(store_env, path, limits=Limits())  # within the total allowed, but packed 1000:1
    assert report.exit_code == 2 and "it was not opened" in report.to_text()
    assert _observations(store_env) == before


def test_formulas_are_never_evaluated(store_env, tmp_path):
    before = _observations(store_env)
    csv = tmp_path / "formulas.csv"
    csv.write_text(
        HEADER
        + "REC01,E23000039,2021-Q4,=1+1,\n"
        + 'REC01,E06000059,2021-Q4,22,"=HYPERLINK(""http://evil.example"",""click"")"\n'
        + "REC01,E06000058,2021-Q4,22,@SUM(A1:A9)\n"
        + "REC01,E12000009,2021-Q4,22,+cmd|' /C calc'!A0\n"
    )
    result = run_cli(csv)
    assert result.exit_code == 1, result.output
    assert "row 2, column value '=1+1': a spreadsheet formula, not a number" in result.output
    for row in (3, 4, 5):
        assert f"row {row}, column note" in result.output
    assert "so a spreadsheet would run it as a formula" in result.output
    result = run_cli(formula_workbook(tmp_path / "formulas.xlsx"))
    assert result.exit_code == 2 and "holds formulas" in result.output and "Paste Special" in result.output
    assert _observations(store_env) == before


def test_the_rejected_rows_file_cannot_run_a_formula(store_env, tmp_path):
    csv = tmp_path / "mixed.csv"
    csv.write_text(
        HEADER + "REC01,E23000039,2021-Q4,=1+1,\nREC01,E06000059,2021-Q4,-2+3,\nREC01,E06000058,2021-Q4,22,\n"
    )
    result = run_cli(csv, "--partial")
    assert result.exit_code == 1
    rejected = (tmp_path / "mixed.rejected.csv").read_text(encoding="utf-8-sig")
    assert "'=1+1" in rejected and "'-2+3" in rejected and ",=1+1" not in rejected


def test_windows_1252_is_read_and_utf16_without_bom_is_refused(store_env, tmp_path):
    ansi = tmp_path / "ansi.csv"
    ansi.write_bytes((HEADER + "REC01,E23000039,2021-Q4,22,caf\xe9 \u2013 new provider\n").encode("cp1252"))
    report = import_file(store_env, ansi)
    assert report.encoding == "windows-1252" and report.exit_code in (0, 1)
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes((HEADER + "REC01,E23000039,2021-Q4,22,x\n").encode("utf-16-le"))
    before = _observations(store_env)
    result = run_cli(utf16)
    assert result.exit_code == 2 and "binary file" in result.output
    assert _observations(store_env) == before
