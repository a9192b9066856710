"""Exports: views as PDF and PNG, the board pack, data downloads, snapshots that keep old values."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select, update

from dashboard import export, export_data, queries, snapshots, store, views
from dashboard.catalogue import load_catalogue
from dashboard.config import Settings
from dashboard.document import Document, Section, Table, Text
from dashboard.importer import import_file
from dashboard.pdf import render_pdf
from dashboard.service import Services

THEMES = [theme.name for theme in load_catalogue().themes]


@pytest.fixture
def svc(small_store):
    return Services(small_store, Settings())


def _pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_view_exports_as_a_pdf_stamped_with_its_filters(svc):
    name, content = export.export_view(svc, "/measure/REC01?area=E06000059&to=2024-Q3", "pdf")
    assert name.startswith("pathways-adult-proven-reoffending-rate-") and name.endswith(".pdf")
    pages, text = _pdf_text(content)
    text = _flat(text)
    assert 1 <= pages <= 6
    assert "Adult proven reoffending rate" in text
    assert "Dorset, first period to 2024-Q3, compared with England and Wales" in text
    assert "Data as at:" in text and "Confidence: 95%" in text
    assert "1,170 of 5,400 (21.7%) in 2024-Q3" in text
    assert "Small numbers: counts from 1 to 4 are withheld" in text
    assert "Source: Ministry of Justice" in text or "Source:" in text
    width, height = PdfReader(io.BytesIO(content)).pages[0].mediabox[2:]
    assert float(width) > float(height)  # A4 landscape
    assert round(float(width)) == 842


def test_a_view_exports_as_a_png_of_its_pages(svc):
    _, content = export.export_view(svc, "/drill?measure=REC01&cohort=sex%3Dfemale", "png")
    with Image.open(io.BytesIO(content)) as img:
        assert img.format == "PNG"
        width, height = img.size
    assert abs(width - 842 * 110 / 72) <= 1  # A4 landscape at 110 dpi
    assert height >= round(595 * 110 / 72)


@pytest.mark.parametrize(
    ("url", "fmt", "message"),
    [
        ("/nowhere", "pdf", "not a dashboard page"),
        ("/measure/XYZ99", "pdf", "unknown measure"),
        ("/measure/REC01", "exe", "pdf or png"),
        ("/snapshot/doesnotexist", "pdf", "no snapshot"),
    ],
)
def test_bad_export_requests_get_a_clear_message(svc, url, fmt, message):
    with pytest.raises(export.ExportError, match=message):
        export.export_view(svc, url, fmt)


def test_the_board_pack_has_cover_contents_every_theme_exceptions_and_notes(svc):
    name, content = export.export_pack(svc, period="2024-Q2")
    assert name == "pathways-board-pack-2024-q2-pan-dorset.pdf"
    pages, text = _pdf_text(content)
    text = _flat(text)
    assert pages >= 10
    assert "board pack, 2024-Q2" in text and "Contents" in text
    for theme in THEMES:
        assert theme in text
    assert "Exceptions" in text and "Data notes" in text
    assert "2,510 of 11,447 (21.9%) in 2024-Q2" in text  # REC01, Pan-Dorset, as at the pack's quarter
    first = _flat(PdfReader(io.BytesIO(content)).pages[0].extract_text())
    assert "Quarter: 2024-Q2" in first and "Area: Pan-Dorset" in first


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": "2031-Q4"}, "no period 2031-Q4"),
        ({"period": "last quarter"}, "period"),
        ({"period": "2024-Q2", "area": "E99999999"}, "unknown area"),
    ],
)
def test_a_pack_for_an_unknown_period_or_area_is_refused(svc, kwargs, message):
    with pytest.raises(export.ExportError, match=message):
        export.export_pack(svc, **kwargs)


def test_the_pack_lists_measures_worse_than_the_comparator_as_exceptions(svc):
    data = b"measure,area,period,cohort,numerator,denominator\nYTH02,K04000001,2024-Q4,all,5000,40000\n"
    assert import_file(svc.engine, "low.csv", data=data, imported_by="test").outcome == "loaded"
    doc = export.pack_document(svc, period="2024-Q4")
    section = next(s for s in doc.sections if s.heading == "Exceptions")
    table = next(b for b in section.blocks if isinstance(b, Table))
    rows = {r["measure"].split()[0]: r for r in table.rows}
    assert rows["YTH02"]["why"] == "✖ Worse than England and Wales"  # 32.2% against 12.5%, lower is better
    assert rows["YTH02"]["value"] == "32.2%"
    assert "REC01" not in rows  # better than England and Wales


def _small_count(engine) -> None:
    """MH01 (a count) for Dorset in 2024-Q4 is 3: small enough to withhold."""
    data = b"measure,area,period,cohort,value\nMH01,E06000059,2024-Q4,all,3\nMH01,E06000059,2024-Q3,all,40\n"
    report = import_file(engine, "small.csv", data=data, imported_by="test")
    assert report.outcome == "loaded", report.errors


def test_csv_download_is_the_query_with_suppression_applied(svc):
    _small_count(svc.engine)
    _, content = export.export_table(svc, "/measure/MH01?area=E06000059", "csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    frame = queries.observations(
        svc.engine, measure=["MH01"], area="E06000059", cohort="all", comparator="K04000001", suppress_below=5
    )
    expected = views.records(frame)
    assert [r["period"] for r in rows] == [str(r["period"]) for r in expected]
    small = next(r for r in rows if r["period"] == "2024-Q4")
    assert small["value"] == "" and small["withheld_because"]
    big = next(r for r in rows if r["period"] == "2024-Q3")
    assert big["value"] == "40"


def test_xlsx_download_has_data_and_metadata_sheets(svc):
    name, content = export.export_table(svc, "/theme/youth?area=E23000039", "xlsx")
    assert name.startswith("pathways-data-youth-e23000039-")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["data", "metadata"]
    data = list(book["data"].values)
    assert data[0][:3] == ("measure", "period", "area")
    assert {row[0] for row in data[1:]} == {"YTH02"}
    meta = {row[0]: row[1] for row in book["metadata"].values if row and row[0]}
    assert meta["Title"] == "Youth"
    assert meta["Filters"] == "Pan-Dorset, compared with England and Wales"
    assert "Small numbers" in meta["Suppression"]
    assert "Generated" in meta and "Data as at" in meta
    codes = [row[0] for row in book["metadata"].values if row and isinstance(row[0], str) and row[0][:3] == "YTH"]
    assert codes == ["YTH01", "YTH02", "YTH03", "YTH04", "YTH05"]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Dorset", "Dorset"),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_neutralise_makes_formula_cells_inert(cell, safe):
    assert export_data.neutralise(cell) == safe


def test_a_note_that_looks_like_a_formula_downloads_inert(svc):
    """The importer refuses formula cells now; notes stored before it did (or by other means) still export inert."""
    m, a, o = store.measures, store.areas, store.observations
    with svc.engine.begin() as conn:
        measure = conn.execute(select(m.c.id).where(m.c.code == "MH01")).scalar_one()
        area = conn.execute(select(a.c.id).where(a.c.code == "E23000039")).scalar_one()
        conn.execute(
            update(o).where(o.c.measure_id == measure, o.c.area_id == area).values(note='=HYPERLINK("http://x","y")')
        )
    fresh = Services(svc.engine, svc.settings)
    _, content = export.export_table(fresh, "/measure/MH01", "csv")
    assert "'=HYPERLINK" in content.decode("utf-8-sig")
    _, book_bytes = export.export_table(fresh, "/measure/MH01", "xlsx")
    sheet = load_workbook(io.BytesIO(book_bytes))["data"]
    notes = {row[-1] for row in sheet.values if row[-1] and "HYPERLINK" in str(row[-1])}
    assert notes == {'\'=HYPERLINK("http://x","y")'}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_snapshot_keeps_the_old_values_after_a_reimport(svc):
    url = "/measure/REC01?area=E23000039"
    doc = export.document_for(svc, url)
    snap = snapshots.save(svc.engine, document=doc, filters={"area": "E23000039"}, title="Before", author="Chair")
    assert "2,490 of 11,447 (21.8%) in 2024-Q4" in doc.sections[0].blocks[0].text
    new = b"measure,area,period,cohort,numerator,denominator\nREC01,E23000039,2024-Q4,all,2000,11447\n"
    assert import_file(svc.engine, "fix.csv", data=new, imported_by="test").outcome == "loaded"
    fresh = Services(svc.engine, svc.settings)
    assert "2,000 of 11,447 (17.5%)" in export.document_for(fresh, url).sections[0].blocks[0].text
    kept = snapshots.get(svc.engine, snap.id)
    assert kept.title == "Before" and kept.author == "Chair"
    assert "2,490 of 11,447 (21.8%) in 2024-Q4" in kept.document.sections[0].blocks[0].text
    assert kept.document == doc
    _, content = export.export_view(fresh, f"/snapshot/{snap.id}", "pdf")
    assert "2,490 of 11,447 (21.8%)" in _flat(_pdf_text(content)[1])


@pytest.mark.parametrize(("title", "author"), [("x" * 201, "me"), ("ok", "y" * 121)])
def test_a_snapshot_with_overlong_fields_is_refused_and_nothing_saved(svc, title, author):
    doc = export.document_for(svc, "/")
    with pytest.raises(snapshots.SnapshotError, match="longer than"):
        snapshots.save(svc.engine, document=doc, filters={}, title=title, author=author)
    assert snapshots.listing(svc.engine).empty


@pytest.mark.parametrize("snapshot_id", ["", "short", "../../etc/passwd", "x" * 80, "abc def ghi jk"])
def test_bad_snapshot_ids_are_refused(svc, snapshot_id):
    with pytest.raises(snapshots.SnapshotError):
        snapshots.get(svc.engine, snapshot_id)


def test_pdf_of_a_document_with_awkward_text_still_renders():
    doc = Document(
        title="<b>Not bold</b> & friends",
        subtitle="ünïcødé ✔ ≈ ✖ ▲ ▼ — “quotes”",
        stamp=[["Period", "2024-Q4"]],
        sections=[Section("Empty table", [Table([["a", "A"]], [], caption="Nothing"), Text("x" * 3000)])],
        notes=["a note"],
    )
    pages, text = _pdf_text(render_pdf(doc, images=[]))
    assert "<b>Not bold</b> & friends" in text
    assert "Nothing: no data for this selection." in _flat(text)
