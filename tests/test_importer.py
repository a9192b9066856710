"""The importer (PRODUCT.md §6): what a return may say, what it may not, and what loading it does to the store."""

from __future__ import annotations

import codecs
import io
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, select

from dashboard import importer, store
from dashboard.catalogue import load_catalogue, sync_catalogue
from dashboard.importer import ImportReport, import_file
from dashboard.importer_read import FileProblem, read_table
from dashboard.importer_validate import Lookups, validate_frame
from dashboard.mapping import MappingError, apply_mapping, load_mapping, parse_mapping

DATA = Path(__file__).parent / "data" / "import"
HEADER = "measure,area,cohort,period,numerator,denominator,value,lower_ci,upper_ci,note"


# --- helpers ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lookups(tmp_path_factory) -> Lookups:
    """The catalogue's codes, for the pure validation tables (no store needed per case)."""
    engine = store.make_engine(f"sqlite:///{tmp_path_factory.mktemp('lookups') / 'store.db'}")
    store.upgrade(engine)
    with engine.begin() as conn:
        sync_catalogue(conn, load_catalogue())
        result = Lookups.from_store(conn, load_catalogue())
    engine.dispose()
    return result


def validate_text(lookups: Lookups, text: str):
    table = read_table(Path("return.csv"), text.encode("utf-8"))
    frame, _, _ = apply_mapping(table, None)
    return validate_frame(frame, lookups, row_errors=table.row_errors)


def write(tmp_path: Path, text: str, name: str = "return.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def counts(engine) -> dict[str, object]:
    with engine.connect() as conn:
        out: dict[str, object] = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (store.observations, store.revisions, store.import_batches, store.periods)
        }
    out["data_version"] = store.get_info(engine, "data_version")
    return out


def stored(engine) -> pd.DataFrame:
    """Every observation with its codes, keyed measure/area/cohort/period."""
    o, m, a, c, p = store.observations, store.measures, store.areas, store.cohorts, store.periods
    stmt = select(
        m.c.code.label("measure"),
        a.c.code.label("area"),
        c.c.key.label("cohort"),
        p.c.label.label("period"),
        *(o.c[f] for f in ("id", "value", "numerator", "denominator", "lower_ci", "upper_ci", "missing_reason")),
        o.c.suppressed,
        o.c.revised,
        o.c.note,
        o.c.source,
        o.c.batch_id,
    ).select_from(
        o.join(m, m.c.id == o.c.measure_id)
        .join(a, a.c.id == o.c.area_id)
        .join(c, c.c.id == o.c.cohort_id)
        .join(p, p.c.id == o.c.period_id)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return pd.DataFrame(rows).set_index(["measure", "area", "cohort", "period"]).sort_index()


def batches(engine) -> list[dict]:
    with engine.connect() as conn:
        b = store.import_batches
        return [dict(r) for r in conn.execute(select(b).order_by(b.c.id)).mappings()]


# --- good inputs: each accepted form, one row each -----------------------------------------------------------

GOOD = [
    # (id, row, expected key, expected value, numerator, denominator, missing reason)
    ("year-quarter", "REC01,E23000039,all,2021-Q4,,,22.1", ("REC01", "E23000039", "all", "2021-Q4"), 22.1),
    ("year space quarter", "REC01,E23000039,all,2021 Q4,,,22.1", ("REC01", "E23000039", "all", "2021-Q4"), 22.1),
    ("quarter year", "REC01,E23000039,all,Q4 2021,,,22.1", ("REC01", "E23000039", "all", "2021-Q4"), 22.1),
    ("month range", "REC01,E23000039,all,Oct-Dec 2021,,,22.1", ("REC01", "E23000039", "all", "2021-Q4"), 22.1),
    ("month to month", "REC01,E23000039,all,Oct 2021 to Dec 2021,,,1", ("REC01", "E23000039", "all", "2021-Q4"), 1),
    ("financial quarter", "REC01,E23000039,all,2021/22 Q3,,,22.1", ("REC01", "E23000039", "all", "2021-Q4"), 22.1),
    ("financial year", "SUB04,E23000039,all,2021/22,,,53", ("SUB04", "E23000039", "all", "2021/22"), 53.0),
    ("financial year dash", "SUB04,E23000039,all,2021-22,,,53", ("SUB04", "E23000039", "all", "2021/22"), 53.0),
    ("calendar year", "REC01,E23000039,all,2021,,,22.1", ("REC01", "E23000039", "all", "2021"), 22.1),
    ("thousands", 'REC01,E23000039,all,2021-Q4,"2,533","11,447",', ("REC01", "E23000039", "all", "2021-Q4"), None),
    ("percent sign", "REC01,E23000039,all,2021-Q4,,,22.1%", ("REC01", "E23000039", "all", "2021-Q4"), 22.1),
    ("spaces", 'REC01,E23000039,all,2021-Q4," 2 533 ", 11 447 ,22.1 %', ("REC01", "E23000039", "all", "2021-Q4"), None),
    ("lower-case code", "rec01,e23000039,ALL,2021-q4,,,22.1", ("REC01", "E23000039", "all", "2021-Q4"), 22.1),
    (
        "area name",
        "REC01,Bournemouth Christchurch and Poole,,2021-Q4,,,22",
        ("REC01", "E06000058", "all", "2021-Q4"),
        22,
    ),
    ("area alias", "REC01,Dorset Police,,2021-Q4,,,22", ("REC01", "E23000039", "all", "2021-Q4"), 22),
    ("area alias &", "REC01,Devon & Cornwall,,2021-Q4,,,22", ("REC01", "E23000035", "all", "2021-Q4"), 22),
    ("cohort label", "REC01,E23000039,sex=Female,2021-Q4,,,13", ("REC01", "E23000039", "sex=female", "2021-Q4"), 13),
    ("cohort alias", "YTH02,E23000039,age=youth,2021-Q4,,,33", ("YTH02", "E23000039", "age=10-17", "2021-Q4"), 33),
    (
        "dimension label",
        "REC03,E23000039,IOM cohort=Fixed,2021-Q4,,,50",
        ("REC03", "E23000039", "iom=fixed", "2021-Q4"),
        50,
    ),
    ("spaced cohort", "REC01,E23000039,Age = 18+,2021-Q4,,,22", ("REC01", "E23000039", "age=18+", "2021-Q4"), 22),
    ("rate per 100,000", 'YTH01,E23000039,all,2021-Q4,150,"75,000",', ("YTH01", "E23000039", "all", "2021-Q4"), 200.0),
    ("rate per 1,000", 'YTH04,E23000039,all,2021-Q4,3,"20,000",0.15', ("YTH04", "E23000039", "all", "2021-Q4"), 0.15),
    ("ratio", "REC02,E23000039,all,2021-Q4,350,100,3.5", ("REC02", "E23000039", "all", "2021-Q4"), 3.5),
    ("count from numerator", "MH01,E23000039,all,2021-Q4,12,,", ("MH01", "E23000039", "all", "2021-Q4"), 12),
    (
        "value within rounding",
        "REC01,E23000039,all,2021-Q4,2533,11447,22",
        ("REC01", "E23000039", "all", "2021-Q4"),
        None,
    ),
]


@pytest.mark.parametrize(("row", "key", "value"), [g[1:] for g in GOOD], ids=[g[0] for g in GOOD])
def test_good_rows_are_accepted(lookups, row, key, value):
    result = validate_text(lookups, f"{HEADER}\n{row}\n")
    assert result.errors.empty, result.errors.to_dict("records")
    [clean] = result.rows.to_dict("records")
    assert (clean["measure"], clean["area"], clean["cohort"], clean["period"]) == key
    if value is not None:
        assert clean["value"] == pytest.approx(value)
    if key == ("REC01", "E23000039", "all", "2021-Q4") and clean["numerator"] == 2533:
        assert clean["value"] == pytest.approx(100 * 2533 / 11447)  # computed, not the rounded figure


MARKERS = [
    ("", "not supplied", False),
    ("-", "not available (-)", False),
    ("..", "not available (..)", False),
    ("n/a", "not applicable (n/a)", False),
    ("N/A", "not applicable (n/a)", False),
    ("*", "suppressed (*)", True),
    ("<5", "suppressed: fewer than 5", True),
    ("[c]", "confidential [c]", True),
    ("[x]", "not available [x]", False),
    ("[z]", "not applicable [z]", False),
    ("[low]", "low figure, rounds to zero [low]", False),
    ("[u]", "low reliability [u]", False),
]


@pytest.mark.parametrize(("marker", "reason", "suppressed"), MARKERS, ids=[m[0] or "empty" for m in MARKERS])
def test_missing_markers_are_missing_never_zero(lookups, marker, reason, suppressed):
    result = validate_text(lookups, f"{HEADER}\nMH01,E23000039,all,2021-Q4,,,{marker}\n")
    assert result.errors.empty
    [clean] = result.rows.to_dict("records")
    assert pd.isna(clean["value"])
    assert clean["missing_reason"] == reason
    assert clean["suppressed"] is suppressed


def test_a_marker_in_the_numerator_keeps_the_denominator(lookups):
    result = validate_text(lookups, f"{HEADER}\nREC01,E23000039,all,2021-Q4,[c],624,\n")
    [clean] = result.rows.to_dict("records")
    assert pd.isna(clean["value"]) and clean["denominator"] == 624
    assert clean["missing_reason"] == "confidential [c]"


# --- bad inputs: each error kind alone, with the report checked ---------------------------------------------

BAD = [
    # (id, row, column, reason fragment)
    ("unknown measure", "XYZ99,E23000039,all,2021-Q4,,,12", "measure", "unknown measure code"),
    ("blank measure", ",E23000039,all,2021-Q4,,,12", "measure", "measure is blank"),
    ("unknown area", "REC01,Narnia,all,2021-Q4,,,12", "area", "unknown area"),
    ("unknown GSS code", "REC01,E06999999,all,2021-Q4,,,12", "area", "unknown area"),
    ("unknown dimension", "REC01,E23000039,gender=male,2021-Q4,,,12", "cohort", "unknown cohort dimension 'gender'"),
    ("unknown cohort value", "REC01,E23000039,sex=robot,2021-Q4,,,12", "cohort", "unknown sex value 'robot'"),
    ("cohort without =", "REC01,E23000039,female,2021-Q4,,,12", "cohort", "dimension=value"),
    ("no such quarter", "REC01,E23000039,all,2021-Q5,,,12", "period", "not a period"),
    ("half a period", "REC01,E23000039,all,Q4,,,12", "period", "not a period"),
    ("blank period", "REC01,E23000039,all,,,,12", "period", "period is blank"),
    ("word for number", "REC01,E23000039,all,2021-Q4,,,twelve", "value", "not a number"),
    ("decimal comma", 'REC01,E23000039,all,2021-Q4,,,"12,3"', "value", "not a number"),
    ("bad numerator", "REC01,E23000039,all,2021-Q4,1O0,400,", "numerator", "not a number"),
    ("percentage over 100", "REC01,E23000039,all,2021-Q4,,,120", "value", "between 0 and 100"),
    ("negative percentage", "REC01,E23000039,all,2021-Q4,,,-1", "value", "between 0 and 100"),
    ("count below zero", "MH01,E23000039,all,2021-Q4,,,-3", "value", "below zero"),
    ("negative denominator", "REC02,E23000039,all,2021-Q4,10,-5,", "denominator", "below zero"),
    (
        "numerator above denominator",
        "REC01,E23000039,all,2021-Q4,1400,1333,",
        "numerator",
        "larger than the denominator",
    ),
    ("value disagrees", "REC01,E23000039,all,2021-Q4,24000,100000,30.0", "value", "does not agree"),
    ("beyond its rounding", "REC01,E23000039,all,2021-Q4,2533,11447,22.2", "value", "does not agree"),
    ("proportion for percent", "REC01,E23000039,all,2021-Q4,2533,11447,0.221", "value", "looks like a proportion"),
    ("no denominator", "REC01,E23000039,all,2021-Q4,2533,,", "denominator", "needs a denominator"),
    ("ratio needs denominator", "REC02,E23000039,all,2021-Q4,350,,", "denominator", "needs a denominator"),
    ("zero denominator", "REC01,E23000039,all,2021-Q4,0,0,", "denominator", "denominator is zero"),
    ("% on a ratio", "REC02,E23000039,all,2021-Q4,,,3.5%", "value", "has a % sign"),
    ("% on a numerator", "REC01,E23000039,all,2021-Q4,5%,100,", "numerator", "not a percentage"),
    ("count disagrees", "MH01,E23000039,all,2021-Q4,12,,13", "value", "must be the same number"),
    ("limits reversed", "REC01,E23000039,all,2021-Q4,,,22,23,21", "lower_ci", "above the upper one"),
    ("value outside limits", "REC01,E23000039,all,2021-Q4,,,22,23,25", "lower_ci", "below this confidence limit"),
]


@pytest.mark.parametrize(("row", "column", "reason"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_rows_are_named(lookups, row, column, reason):
    result = validate_text(lookups, f"{HEADER}\n{row}\n")
    errors = result.errors.to_dict("records")
    assert [(e["row"], e["column"]) for e in errors] == [(2, column)], errors
    assert reason in errors[0]["reason"]
    assert result.rows.empty


@pytest.mark.parametrize(("row", "column", "reason"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_rows_among_good_ones_are_named_by_their_own_row(lookups, row, column, reason):
    good = "MH01,E23000039,all,2022-Q1,,,5"
    result = validate_text(lookups, f"{HEADER}\n{good}\n\n{row}\n{good.replace('2022', '2023')}\n")
    errors = result.errors.to_dict("records")
    assert [(e["row"], e["column"]) for e in errors] == [(4, column)]  # row 3 is blank and still counts
    assert reason in errors[0]["reason"]
    assert sorted(result.rows.index) == [2, 5]


def test_the_value_shown_is_the_cell_as_written(lookups):
    result = validate_text(lookups, f'{HEADER}\nREC01,E23000039,all,2021-Q4,,," 1,2,3 "\n')
    assert result.errors.to_dict("records") == [
        {"row": 2, "column": "value", "value": "1,2,3", "reason": "not a number"}
    ]


def test_one_row_can_have_several_problems(lookups):
    result = validate_text(lookups, f"{HEADER}\nXYZ99,Narnia,sex=robot,2021-Q9,,,abc\n")
    assert result.errors["column"].tolist() == ["measure", "area", "cohort", "period", "value"]
    assert result.rejected_rows == [2]


def test_the_same_key_with_different_values_is_an_error_on_every_copy(lookups):
    text = f"{HEADER}\nMH01,E23000039,all,2021-Q4,,,12\nMH01,e23000039,,Q4 2021,,,13\nMH01,E23000039,all,2021-Q3,,,12\n"
    result = validate_text(lookups, text)
    errors = result.errors.to_dict("records")
    assert [(e["row"], e["column"]) for e in errors] == [(2, "value"), (3, "value")]
    assert "as row 3" in errors[0]["reason"] and "as row 2" in errors[1]["reason"]
    assert list(result.rows.index) == [4]


def test_the_same_key_with_identical_values_is_loaded_once_with_a_warning(lookups):
    text = (
        f'{HEADER}\nREC01,E23000039,all,2021-Q4,2533,11447,22.1\nREC01,Pan-Dorset,all,2021 Q4,"2,533","11,447",22.13\n'
    )
    result = validate_text(lookups, text)
    assert result.errors.empty
    assert list(result.rows.index) == [2] and result.duplicates == [3]
    assert any("row(s) 3 repeat an earlier row" in w for w in result.warnings)


def test_a_breakdown_the_catalogue_does_not_list_is_a_warning(lookups):
    result = validate_text(lookups, f"{HEADER}\nREC01,E23000039,risk=high,2021-Q4,,,30\n")
    assert result.errors.empty
    assert "REC01 by risk=high (1 rows)" in result.warnings[0]


def test_a_row_with_more_cells_than_the_header_is_an_error(lookups):
    result = validate_text(
        lookups, f"{HEADER}\nMH01,E23000039,all,2021-Q4,,,12,,,,surplus\nMH01,E23000039,all,2021-Q3,,,1\n"
    )
    assert result.errors[["row", "value"]].to_dict("records") == [{"row": 2, "value": "surplus"}]
    assert list(result.rows.index) == [3]


# --- reading files: headers, encodings, spreadsheets ---------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Measure,AREA,Cohort,Period,Numerator,Denominator,Value,Lower CI,Upper-CI,Note",
        "measure,area,cohort,period,numerator,denominator,value,lower-ci,upper ci,note",
        " MEASURE , Area ,cohort,period,NUMERATOR,denominator,value,Lower_CI,UPPER_ci,note",
    ],
)
def test_headers_match_ignoring_case_spaces_hyphens_and_underscores(header):
    table = read_table(Path("r.csv"), f"{header}\nREC01,E23000039,all,2021-Q4,,,22,21,23,x\n".encode())
    assert set(table.columns) == {
        "measure",
        "area",
        "cohort",
        "period",
        "numerator",
        "denominator",
        "value",
        "lower_ci",
        "upper_ci",
        "note",
    }


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing(lookups):
    result = validate_text(lookups, "value,period,area,measure\n22.1,2021-Q4,E23000039,REC01\n")
    [clean] = result.rows.to_dict("records")
    assert (clean["cohort"], clean["value"]) == ("all", 22.1)


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_file_numbers(lookups):
    text = f"Dorset return, quarter 4\n\n{HEADER}\nREC01,E23000039,all,2021-Q4,,,abc\n"
    table = read_table(Path("r.csv"), text.encode())
    assert table.header_row == 3
    assert "rows 1–2 above the header" in table.warnings[0].replace("row(s)", "rows")
    result = validate_frame(table.contract_frame(), lookups)
    assert result.errors["row"].tolist() == [4]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_read(lookups, delimiter):
    text = (
        f"{HEADER.replace(',', delimiter)}\n"
        + delimiter.join(["REC01", "E23000039", "all", "2021-Q4", "", "", "22,1"])
        + "\n"
    )
    if delimiter == ";":
        text = text.replace("22,1", "22.1")
    table = read_table(Path("r.csv"), text.encode())
    assert table.contract_frame()["measure"].tolist() == ["REC01"]


ENCODINGS = [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("cp1252", b""),
    ("utf-16", b""),  # Excel's "Unicode text"; Python writes the BOM itself
]


@pytest.mark.parametrize(("encoding", "bom"), ENCODINGS, ids=["utf-8", "utf-8 BOM", "windows-1252", "utf-16"])
def test_encodings(encoding, bom):
    text = f"{HEADER}\nREC01,E23000039,all,2021-Q4,,,22.1,,,New provider – £2k contract\n"
    table = read_table(Path("r.csv"), bom + text.encode(encoding))
    assert table.contract_frame()["note"].tolist() == ["New provider – £2k contract"]
    assert table.columns["measure"] == "measure"  # the BOM is not part of the first header


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \r\n\r\n", "the file is empty"),
        (b",,,\n,,,\n", "the file is empty"),
        (f"{HEADER}\n".encode(), "no rows of data"),
        (f"{HEADER}\n,,,,\n".encode(), "no rows of data"),
        (b"name,age\nAlice,30\n", "no recognisable header"),
        (b"measure,value\nREC01,12\n", "the header has no area, period column"),
        (b"measure,area,period,note\nREC01,E23000039,2021,x\n", "no value (or numerator) column"),
        (b"measure,area,period,value,Value\nREC01,E23000039,2021,1,2\n", "two columns are both 'value'"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        (b"measure,area,period,value\nREC01,\x81\x8d\x90,2021,1\n", "not valid UTF-8 or Windows-1252"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel 97–2003"),
        (b"PK\x03\x04 this is not really a workbook", "not a readable .xlsx workbook"),
    ],
    ids=[
        "empty",
        "blank lines",
        "only commas",
        "header only",
        "header and blank",
        "no header",
        "missing columns",
        "no value",
        "duplicate column",
        "binary",
        "bad encoding",
        "xls",
        "broken zip",
    ],
)
def test_unreadable_files_say_why(content, message):
    with pytest.raises(FileProblem, match=re.escape(message)):
        read_table(Path("return.csv"), content)


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


XLSX_ROWS = [HEADER.split(","), ["REC01", "E23000039", "all", "2021-Q4", 2533, 11447, 22.1, None, None, "ok"]]


def test_xlsx_first_sheet_is_read(tmp_path):
    path = _workbook(tmp_path / "r.xlsx", {"Return": XLSX_ROWS, "Notes": [["anything"]]})
    table = read_table(path)
    assert table.sheet == "Return"
    assert table.contract_frame().loc[2, ["numerator", "value"]].tolist() == ["2533", "22.1"]


def test_xlsx_sheet_named_data_wins_over_the_first(tmp_path):
    path = _workbook(tmp_path / "r.xlsx", {"Read me": [["This return is for Q4"]], "Data": XLSX_ROWS})
    assert read_table(path).sheet == "Data"


def test_xlsx_percentage_cells_are_read_as_shown(tmp_path, lookups):
    path = _workbook(
        tmp_path / "r.xlsx", {"data": [HEADER.split(","), ["REC01", "E23000039", "all", "2021-Q4", None, None, 0.221]]}
    )
    book = openpyxl.load_workbook(path)
    book["data"]["G2"].number_format = "0.0%"
    book.save(path)
    result = validate_frame(read_table(path).contract_frame(), lookups)
    assert result.rows["value"].tolist() == [pytest.approx(22.1)]


def test_xlsx_formulas_are_refused(tmp_path):
    rows = [HEADER.split(","), ["REC01", "E23000039", "all", "2021-Q4", 2533, 11447, "=E2/F2*100"]]
    with pytest.raises(FileProblem, match=r"formulas \(G2 =E2/F2\*100\).*Paste Special"):
        read_table(_workbook(tmp_path / "r.xlsx", {"data": rows}))


def test_xlsx_merged_header_cells_are_refused(tmp_path):
    path = _workbook(tmp_path / "r.xlsx", {"data": XLSX_ROWS})
    book = openpyxl.load_workbook(path)
    book["data"].merge_cells("A1:B1")
    book.save(path)
    with pytest.raises(FileProblem, match="merged cells \\(A1:B1\\)"):
        read_table(path)


def test_xlsx_merged_title_above_the_header_is_fine(tmp_path):
    path = _workbook(tmp_path / "r.xlsx", {"data": [["Dorset return"], [], *XLSX_ROWS]})
    book = openpyxl.load_workbook(path)
    book["data"].merge_cells("A1:D1")
    book.save(path)
    assert read_table(path).header_row == 3


# --- loading into the store (SQLite and PostgreSQL) ----------------------------------------------------------


def test_a_clean_return_loads_and_loading_it_again_changes_nothing(engine):
    path = DATA / "clean_return.csv"
    first = import_file(engine, path, imported_by="tester")
    assert (first.outcome, first.rows_inserted, first.exit_code) == ("loaded", 12, 0), first.to_text()
    after_first = counts(engine)
    values = stored(engine)
    assert values.loc[("REC01", "E23000039", "all", "2021-Q4"), "value"] == pytest.approx(100 * 2533 / 11447)
    assert values.loc[("REC01", "E23000039", "all", "2021-Q4"), "note"] == "Published figure"
    assert values.loc[("YTH01", "E06000059", "all", "2021/22"), "value"] == pytest.approx(120 / 58000 * 100000)
    assert values.loc[("MH01", "E06000059", "all", "2021-Q4"), "missing_reason"] == "suppressed: fewer than 5"
    assert values.loc[("DA02", "E06000058", "all", "2021-Q4"), "missing_reason"] == "not available (..)"

    second = import_file(engine, path, imported_by="tester")
    assert (second.outcome, second.rows_unchanged, second.rows_loaded, second.exit_code) == ("unchanged", 12, 0, 0)
    assert "imported before (batch 1)" in second.warnings[0]
    after_second = counts(engine)
    assert {k: v for k, v in after_second.items() if k != "import_batches"} == {
        k: v for k, v in after_first.items() if k != "import_batches"
    }
    pd.testing.assert_frame_equal(stored(engine), values)
    assert [b["outcome"] for b in batches(engine)] == ["loaded", "unchanged"]


def copy_of(name: str, tmp_path: Path) -> Path:
    """A copy of a data file in tmp_path, so --partial writes its rejected rows there."""
    path = tmp_path / name
    path.write_bytes((DATA / name).read_bytes())
    return path


def test_every_batch_records_file_counts_outcome_and_the_full_report(engine, tmp_path):
    path = copy_of("ten_bad_rows.csv", tmp_path)
    report = import_file(engine, path, partial=True, imported_by="dorset.officer")
    [batch] = batches(engine)
    assert batch["file_name"] == "ten_bad_rows.csv"
    assert batch["sha256"] == report.sha256 and len(batch["sha256"]) == 64
    assert (batch["rows_total"], batch["rows_loaded"], batch["rows_rejected"]) == (16, 6, 10)
    assert (batch["outcome"], batch["imported_by"], batch["kind"]) == ("partial", "dorset.officer", "import")
    assert batch["finished_at"] is not None
    saved = json.loads(batch["report"])
    assert len(saved["errors"]) == 10 and saved["errors"][0] == {
        "row": 3,
        "column": "measure",
        "value": "XYZ99",
        "reason": "unknown measure code",
    }


TEN_BAD = [
    (3, "measure", "XYZ99", "unknown measure code"),
    (5, "area", "Narnia", "unknown area"),
    (6, "cohort", "gender=male", "unknown cohort dimension"),
    (8, "period", "2021-Q5", "is not a period"),
    (9, "value", "twenty", "not a number"),
    (11, "value", "120", "between 0 and 100"),
    (12, "value", "-3", "below zero"),
    (13, "numerator", "1400", "larger than the denominator (1,400 > 1,333)"),
    (14, "value", "30.0", "does not agree with numerator and denominator: 24,000 / 100,000 × 100 = 24"),
    (15, "denominator", "", "needs a denominator"),
]


def test_a_return_with_ten_bad_rows_is_rejected_naming_all_ten_and_loads_nothing(engine):
    before = counts(engine)
    report = import_file(engine, DATA / "ten_bad_rows.csv")
    assert (report.outcome, report.exit_code, report.rows_rejected, report.rows_loaded) == ("rejected", 1, 10, 0)
    assert [(e.row, e.column, e.value) for e in report.errors] == [t[:3] for t in TEN_BAD]
    for error, (_, _, _, reason) in zip(report.errors, TEN_BAD, strict=True):
        assert reason in error.reason
    after = counts(engine)
    assert after["observations"] == before["observations"] == 0
    assert (after["periods"], after["data_version"]) == (before["periods"], before["data_version"])
    assert [b["outcome"] for b in batches(engine)] == ["rejected"]
    text = report.to_text().splitlines()
    assert text[0] == "ten_bad_rows.csv: rejected, 10 problem(s) in 10 row(s); nothing was loaded"
    assert text[1] == "  row 3, column measure 'XYZ99': unknown measure code"
    assert (
        text[10]
        == "  row 15, column denominator (blank): needs a denominator with its numerator (or a value): REC01 is a percentage"
    )


def test_partial_loads_exactly_the_good_rows_and_writes_the_rejected_ones_beside_the_file(engine, tmp_path):
    path = copy_of("ten_bad_rows.csv", tmp_path)
    report = import_file(engine, path, partial=True)
    assert (report.outcome, report.exit_code, report.rows_inserted, report.rows_rejected) == ("partial", 1, 6, 10)
    assert sorted(stored(engine).index) == sorted(
        [
            ("REC01", "E23000039", "all", "2021-Q4"),
            ("YTH02", "E23000039", "all", "2021-Q4"),
            ("REC01", "E23000039", "sex=female", "2021-Q4"),
            ("MH01", "E23000039", "all", "2021-Q4"),
            ("REC01", "K04000001", "sex=female", "2021-Q4"),
            ("MH01", "K04000001", "all", "2021-Q4"),
        ]
    )
    rejected = tmp_path / "ten_bad_rows.rejected.csv"
    assert report.rejected_path == str(rejected)
    frame = pd.read_csv(rejected, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(frame.columns) == [*HEADER.split(","), "row", "reason"]
    assert frame["row"].astype(int).tolist() == [t[0] for t in TEN_BAD]
    assert frame["measure"].tolist()[:2] == ["XYZ99", "REC01"]
    assert frame["reason"][0] == "measure: unknown measure code"


def test_the_rejected_file_can_be_fixed_and_imported_again(engine, tmp_path):
    import_file(engine, copy_of("ten_bad_rows.csv", tmp_path), partial=True)
    rejected = tmp_path / "ten_bad_rows.rejected.csv"
    fixed = rejected.read_text(encoding="utf-8-sig").replace("XYZ99", "REC05").replace("Narnia", "E06000059")
    fixed_path = write(tmp_path, fixed, "fixed.csv")
    report = import_file(engine, fixed_path, partial=True)
    assert report.rows_inserted == 2 and report.rows_rejected == 8
    assert not any("ignored column" in w for w in report.warnings)  # row and reason are ours


def test_partial_with_every_row_bad_is_rejected(engine, tmp_path):
    path = write(tmp_path, "measure,area,period,value\nXX,E23000039,2021,1\nREC01,E23000039,2021,101\n")
    report = import_file(engine, path, partial=True)
    assert (report.outcome, report.exit_code, report.rows_rejected) == ("rejected", 1, 2)
    assert (tmp_path / "return.rejected.csv").exists()
    assert counts(engine)["observations"] == 0


def test_uploaded_content_can_be_passed_as_bytes(engine, tmp_path):
    content = (DATA / "clean_return.csv").read_bytes()
    report = import_file(
        engine, tmp_path / "upload-1234.tmp", data=content, file_name="Dorset Q4.csv", imported_by="web"
    )
    assert (report.outcome, report.rows_inserted) == ("loaded", 12)
    assert batches(engine)[0]["file_name"] == "Dorset Q4.csv"


def test_dry_run_writes_nothing_not_even_a_batch(engine, tmp_path):
    before = counts(engine)
    report = import_file(engine, DATA / "clean_return.csv", dry_run=True)
    assert (report.outcome, report.rows_inserted, report.batch_id) == ("loaded", 12, None)
    assert report.summary().startswith("dry run, nothing written: would load 12 new")
    bad = import_file(engine, copy_of("ten_bad_rows.csv", tmp_path), dry_run=True, partial=True)
    assert (bad.outcome, bad.rows_inserted, bad.rows_rejected, bad.rejected_path) == ("partial", 6, 10, None)
    unreadable = import_file(engine, write(tmp_path, ""), dry_run=True)
    assert unreadable.outcome == "unreadable"
    assert counts(engine) == before
    assert not (tmp_path / "ten_bad_rows.rejected.csv").exists()


def test_dry_run_counts_updates_against_the_store(engine, tmp_path):
    import_file(engine, DATA / "clean_return.csv")
    corrected = (DATA / "clean_return.csv").read_text().replace('"2,300","9,700",23.7', '"2,310","9,700",23.8')
    report = import_file(engine, write(tmp_path, corrected), dry_run=True)
    assert (report.rows_inserted, report.rows_updated, report.rows_unchanged) == (0, 1, 11)


def test_a_corrected_return_updates_values_and_keeps_the_old_ones_as_revisions(engine, tmp_path):
    first = import_file(engine, DATA / "clean_return.csv", imported_by="first")
    version = int(store.get_info(engine, "data_version") or 0)
    key = ("REC01", "E23000039", "sex=male", "2021-Q4")
    old = stored(engine).loc[key]
    corrected = (DATA / "clean_return.csv").read_text()
    corrected = corrected.replace('"2,300","9,700",23.7,,,', '"2,310","9,700",23.8,,,Corrected count')
    corrected += "MH01,K04000001,all,2021-Q4,,,1450,,,\n"
    second = import_file(engine, write(tmp_path, corrected, "corrected.csv"), imported_by="second")
    assert (second.outcome, second.rows_inserted, second.rows_updated, second.rows_unchanged) == ("loaded", 1, 1, 11)
    new = stored(engine).loc[key]
    assert new["value"] == pytest.approx(100 * 2310 / 9700)
    assert (new["numerator"], new["note"], bool(new["revised"]), new["batch_id"]) == (
        2310,
        "Corrected count",
        True,
        second.batch_id,
    )
    assert int(store.get_info(engine, "data_version") or 0) == version + 1
    with engine.connect() as conn:
        revisions = conn.execute(select(store.revisions)).mappings().all()
    [revision] = revisions
    assert revision["observation_id"] == old["id"]
    assert (revision["value"], revision["numerator"], revision["batch_id"]) == (old["value"], 2300, first.batch_id)
    assert revision["note"] is None and revision["recorded_at"] is not None
    unchanged = stored(engine).drop(index=[key, ("MH01", "K04000001", "all", "2021-Q4")])
    assert not unchanged["revised"].astype(bool).any()
    assert set(unchanged["batch_id"]) == {first.batch_id}


def test_reimporting_an_older_file_restores_its_values_as_a_new_revision(engine, tmp_path):
    clean = (DATA / "clean_return.csv").read_text()
    import_file(engine, DATA / "clean_return.csv")
    import_file(engine, write(tmp_path, clean.replace("<5", "7"), "v2.csv"))
    again = import_file(engine, DATA / "clean_return.csv")
    assert (again.outcome, again.rows_updated) == ("loaded", 1)
    assert counts(engine)["revisions"] == 2
    assert stored(engine).loc[("MH01", "E06000059", "all", "2021-Q4"), "missing_reason"] == "suppressed: fewer than 5"


def test_an_import_interrupted_midway_leaves_the_store_as_it_was(engine, monkeypatch, tmp_path):
    import_file(engine, DATA / "clean_return.csv")
    before, values = counts(engine), stored(engine)
    real_insert, real_update = importer._insert_new, importer._update_changed

    def insert_then_interrupt(*args, **kwargs):
        real_insert(*args, **kwargs)
        raise KeyboardInterrupt  # Ctrl-C after the new rows went in

    def update_then_fail(*args, **kwargs):
        real_update(*args, **kwargs)
        raise RuntimeError("power cut")  # after the revisions and the updates

    changed = (DATA / "clean_return.csv").read_text().replace("<5", "7") + "MH01,K04000001,all,2021-Q4,,,1450,,,\n"
    path = write(tmp_path, changed)
    monkeypatch.setattr(importer, "_insert_new", insert_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        import_file(engine, path)
    monkeypatch.setattr(importer, "_insert_new", real_insert)
    monkeypatch.setattr(importer, "_update_changed", update_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        import_file(engine, path)
    assert counts(engine) == before
    pd.testing.assert_frame_equal(stored(engine), values)


def test_unreadable_files_are_recorded_as_batches_and_change_nothing_else(engine, tmp_path):
    before = counts(engine)
    report = import_file(engine, write(tmp_path, "name,age\nAlice,30\n"))
    assert (report.outcome, report.exit_code) == ("unreadable", 2)
    assert "no recognisable header" in report.to_text()
    [batch] = batches(engine)
    assert batch["outcome"] == "unreadable"
    after = counts(engine)
    assert after["observations"] == before["observations"] and after["data_version"] == before["data_version"]


def test_a_missing_file_is_reported_not_raised(engine, tmp_path):
    report = import_file(engine, tmp_path / "nowhere.csv")
    assert (report.outcome, report.exit_code) == ("unreadable", 2)
    assert "cannot read the file" in report.errors[0].reason


def test_unknown_extra_columns_are_ignored_with_a_warning(engine, tmp_path):
    path = write(tmp_path, f"{HEADER},Comments,Checked by\nMH01,E23000039,all,2021-Q4,,,12,,,,fine,JB\n")
    report = import_file(engine, path)
    assert report.outcome == "loaded"
    assert "ignored column(s) the import format does not use: Comments, Checked by" in report.warnings


def test_xlsx_and_windows_1252_returns_load(engine, tmp_path):
    path = _workbook(tmp_path / "return.xlsx", {"Notes": [["read me"]], "data": XLSX_ROWS})
    assert import_file(engine, path).rows_inserted == 1
    text = f"{HEADER}\nMH01,E23000039,all,2021-Q4,,,12,,,Provider changed – new £ contract\n"
    assert import_file(engine, write(tmp_path, text, encoding="cp1252")).rows_inserted == 1
    notes = stored(engine)["note"].tolist()
    assert "Provider changed – new £ contract" in notes


def test_the_report_is_json_for_the_batch_and_text_for_people(engine):
    report = import_file(engine, DATA / "ten_bad_rows.csv")
    data = json.loads(report.to_json())
    assert data["outcome"] == "rejected" and data["rows_total"] == 16 and len(data["errors"]) == 10
    assert isinstance(report, ImportReport) and len(report.to_text().splitlines()) == 11


def test_without_the_fast_copy_privilege_the_store_still_loads(engine, monkeypatch):
    """PostgreSQL falls back to ordinary foreign-key checks; SQLite never uses the setting and loads the same."""
    monkeypatch.setattr(importer, "FAST_COPY_SETTING", "SET LOCAL session_replication_role = nonsense")
    report = import_file(engine, DATA / "clean_return.csv")
    assert report.rows_inserted == 12 and counts(engine)["observations"] == 12


# --- mappings: official long-format tables -------------------------------------------------------------------


def test_the_moj_proven_reoffending_download_imports_with_its_mapping(engine):
    mapping = load_mapping(DATA / "moj_proven_reoffending.yaml")
    report = import_file(engine, DATA / "moj_proven_reoffending.csv", mapping=mapping)
    assert (report.outcome, report.rows_inserted, report.rows_skipped) == ("loaded", 50, 12), report.to_text()
    assert "area 'Cumbria'" in report.warnings[0]
    assert not any("ignored column" in w for w in report.warnings)
    values = stored(engine)
    dorset = values.loc[("REC01", "E23000039", "all", "2016/17")]  # "Dorset" is the force area here, not the council
    assert (dorset["numerator"], dorset["denominator"]) == (2725, 11902)
    assert dorset["value"] == pytest.approx(100 * 2725 / 11902)
    assert dorset["source"] == "Ministry of Justice, proven reoffending statistics"
    assert values.loc[("YTH02", "E23000039", "all", "2020/21"), "missing_reason"] == "suppressed (*)"
    assert values.loc[("YTH02", "K04000001", "all", "2020/21"), "missing_reason"] == "not available (:)"
    assert set(values.index.get_level_values("measure")) == {"REC01", "YTH02", "REC10"}
    assert import_file(engine, DATA / "moj_proven_reoffending.csv", mapping=mapping).outcome == "unchanged"


def test_mapping_errors_name_the_file_column(engine, tmp_path):
    mapping = load_mapping(DATA / "moj_proven_reoffending.yaml")
    text = (DATA / "moj_proven_reoffending.csv").read_text().replace("Dorset,2016-17,Adult", "Dorset,2016-17,Adults")
    report = import_file(engine, write(tmp_path, text, "moj.csv"), mapping=mapping)
    assert report.outcome == "rejected"
    assert [(e.row, e.column, e.value) for e in report.errors] == [(2, "Offender type", "Adults")]


def test_a_mapping_sets_constants_and_one_column_can_feed_two(lookups, tmp_path):
    mapping = parse_mapping(
        {
            "columns": {"Sex": ["cohort", "note"], "Quarter": "period", "Rate": "value"},
            "constants": {"measure": "REC04", "area": "E23000039"},
            "values": {"cohort": {"Women": "sex=female", "All": "all"}},
            "multiply": {"value": 100},
            "skip": {"Sex": ["Unknown"]},
        }
    )
    text = "Sex,Quarter,Rate\nWomen,2021 Q4,0.211\nAll,2021 Q4,0.254\nUnknown,2021 Q4,0.3\n"
    table = read_table(Path("t.csv"), text.encode(), rules=mapping.header_rules)
    frame, skipped, _ = apply_mapping(table, mapping)
    result = validate_frame(frame, lookups, multiply=mapping.multiply)
    assert skipped == 1 and result.errors.empty
    assert result.rows[["measure", "cohort", "note"]].values.tolist() == [
        ["REC04", "sex=female", "Women"],
        ["REC04", "all", "All"],
    ]
    assert result.rows["value"].tolist() == [pytest.approx(21.1), pytest.approx(25.4)]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "a mapping is a YAML dictionary"),
        ({"colums": {}}, "unknown section"),
        ({"columns": {"Year": "when"}}, "'when' is not an import column"),
        ({"constants": {"colour": "red"}}, "not an import column"),
        ({"values": {"measure": ["REC01"]}}, "must be a dictionary"),
        ({"skip_unknown": ["value"]}, "key columns only"),
        ({"multiply": {"note": 100}}, "must be a number column"),
    ],
)
def test_bad_mappings_are_refused(raw, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(raw)


def test_a_mapping_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("columns: [unclosed")
    with pytest.raises(MappingError, match="cannot read the mapping"):
        load_mapping(path)


def test_rows_read_from_a_stream_match_rows_read_from_disk(tmp_path):
    text = (DATA / "clean_return.csv").read_bytes()
    on_disk = read_table(DATA / "clean_return.csv").cells
    in_memory = read_table(Path("upload.csv"), io.BytesIO(text).getvalue()).cells
    pd.testing.assert_frame_equal(on_disk, in_memory)


@pytest.mark.parametrize(
    "cells",
    [["a", "b"], [" a", "b"], ["a", "b "], ["a\xa0", "b"], ["a", "\u2003b"], ["a\nb", "c"], ["", "x"], ["a\n", "b"]],
)
def test_cells_are_stripped_of_any_whitespace_str_strip_knows(cells):
    from dashboard.importer_read import _strip

    assert _strip(pd.Series(cells, dtype="str")).tolist() == [c.strip() for c in cells]
