"""Reading a return: bytes to a table of cell text, with the header found and matched to the import contract.

Everything here is about the file, not the store: encodings, CSV dialects, spreadsheets, header rows. A file we
cannot read raises `FileProblem` with a message a data officer can act on.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

# The import contract (PRODUCT.md §6), in the order the report lists columns.
KEY_COLUMNS = ("measure", "area", "cohort", "period")
NUMBER_COLUMNS = ("value", "numerator", "denominator", "lower_ci", "upper_ci")
TEXT_COLUMNS = ("note", "source")
FLAG_COLUMNS = ("provisional", "estimated")
CONTRACT_COLUMNS = KEY_COLUMNS + NUMBER_COLUMNS + TEXT_COLUMNS + FLAG_COLUMNS
REQUIRED_COLUMNS = ("measure", "area", "period")
# Columns our own rejected-rows file adds; ignored without a warning so a fixed file can be imported again.
REJECTED_FILE_COLUMNS = ("row", "reason")
HEADER_SEARCH_ROWS = 20

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DELIMITERS = (",", "\t", ";", "|")


MB = 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


@dataclass(frozen=True)
class Limits:
    """How big an import may be: the file, and what an XLSX (a zip) may unpack to — checked before reading."""

    max_bytes: int = 50 * MB
    max_unzipped_bytes: int = 20 * 50 * MB
    max_ratio: int = 200  # unpacked bytes per packed byte, for a part of more than 1 MB unpacked

    @classmethod
    def of_megabytes(cls, megabytes: int) -> Limits:
        return cls(max_bytes=megabytes * MB, max_unzipped_bytes=20 * megabytes * MB)


class FileProblem(ValueError):
    """The file as a whole cannot be imported (unreadable, empty, no header, formulas, merged cells…)."""

    def __init__(self, message: str, *, row: int = 0, column: str = "", value: str = "") -> None:
        super().__init__(message)
        self.row, self.column, self.value = row, column, value


def header_key(text: object) -> str:
    """Fold a header for matching: case-insensitive, with spaces, hyphens and underscores equivalent."""
    return " ".join(re.sub(r"[\s\-_]+", " ", str(text or "")).lower().split())


@dataclass
class RawTable:
    """The cells of a file below its header, as text, with their row numbers as the user sees them."""

    cells: pd.DataFrame  # one column per header cell (original names, made unique), str values, index = file row
    columns: dict[str, str]  # contract column -> header name in `cells`
    header: list[str]
    header_row: int
    file_format: str  # "csv" or "xlsx"
    encoding: str = ""
    sheet: str = ""
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blank_rows: int = 0
    row_errors: list[tuple[int, str, str, str]] = field(default_factory=list)  # (row, column, value, reason)

    def contract_frame(self) -> pd.DataFrame:
        """The contract columns present in the file, renamed to their contract names."""
        return pd.DataFrame({name: self.cells[col] for name, col in self.columns.items()}, index=self.cells.index)


@dataclass(frozen=True)
class HeaderRules:
    """How to recognise the header: extra names for contract columns, and columns a mapping supplies itself."""

    renames: dict[str, str] = field(default_factory=dict)  # folded file header -> contract column
    provided: frozenset[str] = frozenset()  # contract columns set as constants, so the file need not have them


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_name(name: str) -> None:
    """Only CSV and XLSX returns are imported; anything else (an .exe, an image, a .docx) is refused by name."""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise FileProblem(
            f"{name!r} is not a CSV or XLSX file ({suffix or 'no extension'}): "
            f"Pathways imports {', '.join(ALLOWED_SUFFIXES)} returns only"
        )


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise FileProblem(
            f"the file is {size / MB:,.1f} MB, more than the {limits.max_bytes / MB:,.0f} MB an import may be "
            "(PATHWAYS_IMPORT_MAX_MB): split it into smaller returns"
        )


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a workbook that would unpack to far more than it weighs (a zip bomb) before anything unpacks it.

    Python's zip reader never returns more than a part's declared size, so the declared sizes are a real bound."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise FileProblem(f"this is not a readable .xlsx workbook ({exc})") from None
    total = sum(p.file_size for p in parts)
    packed_ratio = max((p.file_size / max(p.compress_size, 1) for p in parts if p.file_size > MB), default=0)
    if total > limits.max_unzipped_bytes or packed_ratio > limits.max_ratio:
        raise FileProblem(
            f"the workbook would unpack to {total / MB:,.0f} MB from {len(data) / MB:,.1f} MB, which no real return "
            f"does (at most {limits.max_unzipped_bytes / MB:,.0f} MB, {limits.max_ratio}:1): it was not opened"
        )


def read_table(
    path: Path,
    data: bytes | None = None,
    *,
    rules: HeaderRules | None = None,
    sheet: str | None = None,
    limits: Limits | None = None,
) -> RawTable:
    """Read a CSV or XLSX file (`data`, if given, is its content already read)."""
    data = path.read_bytes() if data is None else data
    rules = rules or HeaderRules()
    limits = limits or Limits()
    check_size(len(data), limits)
    if not data.strip():
        raise FileProblem("the file is empty")
    if data.startswith(_OLE_MAGIC):
        raise FileProblem("this is an old Excel 97–2003 (.xls) workbook: save it as .xlsx or CSV and import that")
    if data.startswith(_ZIP_MAGIC) or path.suffix.lower() in {".xlsx", ".xlsm"}:
        check_zip(data, limits)
        rows, sheet_name = _xlsx_rows(data, sheet=sheet, rules=rules)
        table = _table_from_rows(rows, _layout(rows, rules), file_format="xlsx")
        table.sheet = sheet_name
        return table
    text, encoding = decode(data)
    table = _csv_table(text, rules)
    table.encoding = encoding
    return table


def decode(data: bytes) -> tuple[str, str]:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252."""
    if data.startswith(_UTF8_BOM):
        return _strict(data[len(_UTF8_BOM) :], "utf-8", "UTF-8 with BOM"), "utf-8-sig"
    if data.startswith(_UTF16_BOMS):
        return _strict(data, "utf-16", "UTF-16"), "utf-16"
    if b"\x00" in data[:8192]:
        raise FileProblem("this looks like a binary file, not CSV text or an .xlsx workbook")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _strict(data, "cp1252", "UTF-8 or Windows-1252"), "windows-1252"
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > max(2, len(sample) // 100):
        raise FileProblem("this looks like a binary file, not CSV text or an .xlsx workbook")
    return text, encoding


def _strict(data: bytes, codec: str, described: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"the file is not valid {described} text (byte {exc.start + 1} cannot be read): "
            "save it as CSV UTF-8 and import it again"
        ) from None


def _csv_table(text: str, rules: HeaderRules) -> RawTable:
    """Split CSV text into records, choosing the delimiter that reveals a recognisable header."""
    if not text.strip(" \t\r\n,;|\"'"):
        raise FileProblem("the file is empty")
    head_text = "\n".join(text[:65536].splitlines()[: HEADER_SEARCH_ROWS * 2])
    delimiter, head = ",", _parse_csv(head_text, ",")
    for candidate in _DELIMITERS:
        sample = _parse_csv(head_text, candidate)
        if _find_header(sample[:HEADER_SEARCH_ROWS], rules) is not None:
            delimiter, head = candidate, sample
            break
    layout = _layout(head, rules)
    body = _fast_body(text, delimiter, layout)
    if body is None:  # ragged rows: the exact, slower path finds and reports them
        return _table_from_rows(_parse_csv(text, delimiter), layout, file_format="csv")
    return _table_from_frame(body, layout, [], file_format="csv")


def _fast_body(text: str, delimiter: str, layout: _Layout) -> pd.DataFrame | None:
    """The rows below the header with pandas' C parser, or None when a row has more cells than the header."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # "loss of data": a row longer than the header
            return pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=None,
                names=list(range(len(layout.names))),
                skiprows=layout.header_index + 1,
                dtype=str,
                na_filter=False,
                skip_blank_lines=False,
                index_col=False,
                engine="c",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
        return None


def _parse_csv(text: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise FileProblem(f"the CSV cannot be read ({exc}); check for an unmatched quote mark") from None


def _known(cell: object, renames: dict[str, str]) -> str | None:
    key = header_key(cell)
    if key in renames:
        return renames[key]
    return key.replace(" ", "_") if key.replace(" ", "_") in CONTRACT_COLUMNS else None


def _find_header(rows: Sequence[Sequence[Any]], rules: HeaderRules) -> int | None:
    """Index of the header row: the first that names every required column, else the best with two or more."""
    best, best_score = None, 1
    required = [c for c in REQUIRED_COLUMNS if c not in rules.provided]
    for i, row in enumerate(rows):
        found = {_known(cell, rules.renames) for cell in row} - {None}
        if all(col in found for col in required) and found:
            return i
        if len(found) > best_score:
            best, best_score = i, len(found)
    return best


@dataclass(frozen=True)
class _Layout:
    header_index: int  # 0-based position of the header among the file's rows
    header: list[str]
    names: list[str]  # unique column names
    columns: dict[str, str]
    ignored: list[str]


def _layout(rows: Sequence[Sequence[Any]], rules: HeaderRules) -> _Layout:
    """Find the header among the first rows and match it to the contract columns."""
    if not any(any(str(c).strip() for c in row if c is not None) for row in rows):
        raise FileProblem("the file is empty")
    header_index = _find_header(rows[:HEADER_SEARCH_ROWS], rules)
    if header_index is None:
        expected = ", ".join(CONTRACT_COLUMNS[:9])
        raise FileProblem(
            f"no recognisable header: the first row should name the columns ({expected}); "
            "for a table with other column names, import it with --mapping",
            row=1,
        )
    header = [str(c).strip() if c is not None else "" for c in rows[header_index]]
    while header and not header[-1]:
        header.pop()  # trailing empty header cells (a trailing comma) are not columns
    columns, ignored, names = _match_header(header, rules.renames, header_index + 1)
    _check_columns(set(columns) | rules.provided, header_index + 1)
    return _Layout(header_index, header, names, columns, ignored)


def _table_from_rows(rows: list[list[str]], layout: _Layout, *, file_format: str) -> RawTable:
    body = rows[layout.header_index + 1 :]
    cells, overflow = _cells(body, len(layout.names), first_row=layout.header_index + 2)
    return _table_from_frame(pd.DataFrame(cells, dtype="str"), layout, overflow, file_format=file_format)


def _table_from_frame(
    body: pd.DataFrame, layout: _Layout, overflow: list[tuple[int, str, str, str]], *, file_format: str
) -> RawTable:
    """Name and number the body's rows (header = row 1), strip the cells and drop wholly blank rows."""
    first_row = layout.header_index + 2
    body = body.reindex(columns=range(len(layout.names)), fill_value="").fillna("")
    body.columns = pd.Index(layout.names)
    body.index = pd.RangeIndex(first_row, first_row + len(body), name="row")
    for name in layout.names:
        body[name] = _strip(body[name].astype(str))
    blank = body[layout.names[0]] == ""
    if blank.any():  # only rows whose first cell is empty can be wholly blank
        blank[blank] = (body[blank] == "").all(axis=1)
    warnings = []
    if layout.header_index:
        last = layout.header_index
        warnings.append(f"row(s) 1–{last} above the header (row {last + 1}) were not read")
    if blank.all():
        raise FileProblem(f"the file has a header (row {layout.header_index + 1}) but no rows of data below it")
    table = RawTable(
        body[~blank], layout.columns, layout.header, layout.header_index + 1, file_format, ignored=layout.ignored
    )
    table.warnings, table.blank_rows, table.row_errors = warnings, int(blank.sum()), overflow
    return table


_EDGE_SPACE = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)")  # whitespace at either end of a \x00-joined cell


def _strip(column: pd.Series) -> pd.Series:
    """Strip the cells; one scan of the joined column first, as most columns of a clean file have nothing to strip.
    (A regex's whitespace is what `str.strip` removes; a cell holding a NUL character can only raise a false alarm.)"""
    return column.str.strip() if _EDGE_SPACE.search("\x00".join(column.tolist())) else column


def _match_header(
    header: list[str], renames: dict[str, str], header_row: int
) -> tuple[dict[str, str], list[str], list[str]]:
    """Contract column -> unique header name; the ignored headers; the unique names of every column."""
    columns: dict[str, str] = {}
    ignored: list[str] = []
    names: list[str] = []
    for position, name in enumerate(header):
        unique = name or f"column {_letter(position)}"
        while unique in names:
            unique += "'"
        names.append(unique)
        target = _known(name, renames)
        if target is None:
            if name:
                ignored.append(name)
            continue
        if target in columns:
            raise FileProblem(
                f"two columns are both {target!r}: {columns[target]!r} and {name!r}; keep one",
                row=header_row,
                column=name,
                value=name,
            )
        columns[target] = unique
    return columns, ignored, names


def _check_columns(columns: set[str], header_row: int) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if "value" not in columns and "numerator" not in columns:
        missing.append("value (or numerator)")
    if missing:
        raise FileProblem(f"the header has no {', '.join(missing)} column", row=header_row)


def _letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cells(
    body: Iterable[list[str]], width: int, *, first_row: int
) -> tuple[list[list[str]], list[tuple[int, str, str, str]]]:
    """Rows fitted to the header's width, and a problem for each row with cells beyond it."""
    cells, overflow = [], []
    for number, row in enumerate(body, start=first_row):
        if len(row) > width:
            extra = [t for t in row[width:] if t.strip()]
            if extra:
                reason = f"this row has {len(row)} cells but the header names {width} columns"
                overflow.append((number, f"column {_letter(width)}", extra[0].strip(), reason))
            row = row[:width]
        elif len(row) < width:
            row = row + [""] * (width - len(row))
        cells.append(row)
    return cells, overflow


# --- XLSX ------------------------------------------------------------------------------------------------

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def _xlsx_rows(data: bytes, *, sheet: str | None, rules: HeaderRules) -> tuple[list[list[str]], str]:
    """Cell text of the sheet named `sheet`, else the sheet named `data`, else the first sheet."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(f"this is not a readable .xlsx workbook ({exc})") from None
    try:
        ws = _choose_sheet(book, sheet)
        ws.reset_dimensions()  # some writers record a wrong sheet size; read every row there is
        rows: list[list[str]] = []
        formulas: list[str] = []
        for cells in ws.iter_rows():
            rows.append([_cell_text(cell, formulas) for cell in cells])
        merges = _merged_ranges(book, ws)
        title = ws.title
    finally:
        book.close()
    if formulas:
        listed = ", ".join(formulas[:5]) + (f" and {len(formulas) - 5} more" if len(formulas) > 5 else "")
        raise FileProblem(
            f"sheet {title!r} holds formulas ({listed}): copy the sheet and paste values only "
            "(Paste Special → Values), then import that",
            value=formulas[0],
        )
    _check_merges(merges, rows, title, rules)
    return rows, title


def _choose_sheet(book: Any, sheet: str | None) -> Any:
    names = book.sheetnames
    wanted = sheet or "data"
    for name in names:
        if name.strip().lower() == wanted.strip().lower():
            return book[name]
    if sheet:
        raise FileProblem(f"the workbook has no sheet named {sheet!r} (it has {', '.join(names)})")
    return book[names[0]]


def _cell_text(cell: Any, formulas: list[str]) -> str:
    value = cell.value
    if value is None:
        return ""
    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
        formulas.append(f"{cell.coordinate} {str(value)[:40]}")
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if "%" in (cell.number_format or ""):
            return f"{_number_text(value * 100)}%"  # Excel stores 22.1% as 0.221
        return _number_text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _number_text(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(round(value, 12))


def _merged_ranges(book: Any, ws: Any) -> list[tuple[str, int, int]]:
    """(range, first row, last row) of every merged range, read from the sheet's XML (read-only mode skips it)."""
    archive, path = getattr(book, "_archive", None), getattr(ws, "_worksheet_path", None)
    if archive is None or path is None:
        return []
    xml = archive.read(path)
    found = []
    for match in _MERGE.finditer(xml):
        c1, r1, c2, r2 = (g.decode() if g else "" for g in match.groups())
        found.append((f"{c1}{r1}:{c2}{r2}" if c2 else f"{c1}{r1}", int(r1), int(r2 or r1)))
    return found


def _check_merges(merges: list[tuple[str, int, int]], rows: list[list[str]], title: str, rules: HeaderRules) -> None:
    """Merged cells in or below the header make columns ambiguous; merged titles above it are harmless."""
    header_index = _find_header(rows[:HEADER_SEARCH_ROWS], rules)
    if header_index is None:
        return  # reading the table reports the missing header
    first = header_index + 1
    bad = [name for name, _top, bottom in merges if bottom >= first]
    if bad:
        listed = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise FileProblem(
            f"sheet {title!r} has merged cells ({listed}): unmerge them and give every row and column its own value",
            row=first,
        )
