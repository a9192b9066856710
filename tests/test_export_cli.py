"""`python -m dashboard export pack|snapshot|data`: files written, exit 2 with a message for bad input."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from dashboard.cli import main


@pytest.fixture
def store_env(small_store, store_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", store_url)
    return small_store


def run(*args: str):
    return CliRunner().invoke(main, ["export", *map(str, args)])


def test_export_pack_writes_a_pdf_with_every_theme(store_env, tmp_path):
    out = tmp_path / "pack.pdf"
    result = run("pack", "--period", "2024-Q4", "--area", "E06000059", "--out", out)
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "board pack, 2024-Q4" in text and "Dorset" in text and "Domestic abuse" in text


def test_export_snapshot_writes_a_pdf_or_png_of_a_url(store_env, tmp_path):
    pdf, png = tmp_path / "view.pdf", tmp_path / "view.png"
    assert run("snapshot", "--url", "/measure/YTH02?to=2024-Q2", "--out", pdf).exit_code == 0
    assert "Youth proven reoffending rate" in PdfReader(pdf).pages[0].extract_text()
    assert run("snapshot", "--url", "http://localhost:8050/theme/youth", "--out", png).exit_code == 0
    with Image.open(png) as img:
        assert img.format == "PNG" and img.width > 1000


def test_export_data_writes_csv_with_metadata_beside_it_or_xlsx(store_env, tmp_path):
    out = tmp_path / "rec.csv"
    result = run("data", "--url", "/data?measure=REC01", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8-sig").startswith("measure,period,area")
    assert "Adult proven reoffending rate" in (tmp_path / "rec-metadata.csv").read_text(encoding="utf-8-sig")
    book = tmp_path / "rec.xlsx"
    assert run("data", "--url", "/data?measure=REC01", "--out", book).exit_code == 0
    assert load_workbook(io.BytesIO(book.read_bytes())).sheetnames == ["data", "metadata"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pack", "--period", "2099-Q1", "--out", "{tmp}/p.pdf"), "no period 2099-Q1"),
        (("pack", "--period", "2024-Q4", "--out", "{tmp}/p.docx"), "--out must end in .pdf"),
        (("snapshot", "--url", "/nowhere", "--out", "{tmp}/v.pdf"), "not a dashboard page"),
        (("snapshot", "--url", "/measure/REC01", "--out", "{tmp}/v.gif"), "--out must end in .pdf or .png"),
        (("data", "--url", "/theme/nope", "--out", "{tmp}/d.csv"), "unknown theme"),
    ],
)
def test_bad_export_input_exits_2_with_a_message_and_writes_nothing(store_env, tmp_path, args, message):
    out = tmp_path / "out"
    out.mkdir()
    result = run(*[a.format(tmp=out) for a in args])
    assert result.exit_code == 2
    assert message in result.output
    assert list(out.iterdir()) == []


def test_export_on_an_empty_store_says_to_run_init(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = run("pack", "--period", "2024-Q4", "--out", tmp_path / "p.pdf")
    assert result.exit_code == 2 and "python -m dashboard init" in result.output
