"""Mappings: how to read an official long-format table whose columns and labels are not the import format's.

A mapping is a small YAML file (see docs/IMPORTING.md): it renames columns, maps labels to codes and periods,
sets constant columns, names extra missing-value markers, and says which rows to skip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from dashboard.importer_read import (
    CONTRACT_COLUMNS,
    KEY_COLUMNS,
    NUMBER_COLUMNS,
    HeaderRules,
    RawTable,
    header_key,
)
from dashboard.importer_validate import MISSING_MARKERS

_SECTIONS = {"name", "description", "sheet", "columns", "ignore", "constants", "values", "missing", "skip"}
_SECTIONS |= {"skip_unknown", "multiply"}


class MappingError(ValueError):
    """The mapping file itself is wrong."""


def _contract(name: object, where: str) -> str:
    column = header_key(name).replace(" ", "_")
    if column not in CONTRACT_COLUMNS:
        raise MappingError(f"{where}: {name!r} is not an import column ({', '.join(CONTRACT_COLUMNS)})")
    return column


def _label(text: object) -> str:
    return " ".join(str(text).lower().split())


@dataclass(frozen=True)
class Mapping:
    name: str = ""
    sheet: str | None = None
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # folded file header -> contract columns
    ignore: frozenset[str] = frozenset()  # folded file headers to ignore without a warning
    constants: dict[str, str] = field(default_factory=dict)  # contract column -> text for every row
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # contract column -> folded label -> text
    missing: dict[str, str] = field(default_factory=dict)  # extra markers (lower case) -> reason
    skip: dict[str, frozenset[str]] = field(default_factory=dict)  # contract column or file header -> labels
    skip_unknown: frozenset[str] = frozenset()
    multiply: dict[str, float] = field(default_factory=dict)

    @property
    def header_rules(self) -> HeaderRules:
        renames = {source: targets[0] for source, targets in self.columns.items()}
        return HeaderRules(renames=renames, provided=frozenset(self.constants))

    @property
    def markers(self) -> dict[str, str]:
        return {**MISSING_MARKERS, **self.missing}


def load_mapping(path: Path) -> Mapping:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MappingError(f"cannot read the mapping {path.name}: {exc}") from None
    return parse_mapping(raw, where=path.name)


def parse_mapping(raw: Any, *, where: str = "mapping") -> Mapping:
    """Check a mapping (a dict, as read from YAML) and name every mistake in it at once."""
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: a mapping is a YAML dictionary with sections such as columns and constants")
    unknown = sorted(set(raw) - _SECTIONS)
    if unknown:
        raise MappingError(f"{where}: unknown section(s) {', '.join(unknown)} (use {', '.join(sorted(_SECTIONS))})")
    columns = {}
    for source, targets in _dict(raw, "columns", where).items():
        listed = targets if isinstance(targets, list) else [targets]
        columns[header_key(source)] = tuple(_contract(t, f"{where}: columns.{source}") for t in listed)
    constants = {_contract(k, f"{where}: constants"): str(v) for k, v in _dict(raw, "constants", where).items()}
    values = {
        _contract(col, f"{where}: values"): {_label(k): str(v) for k, v in _dict({col: labels}, col, where).items()}
        for col, labels in _dict(raw, "values", where).items()
    }
    missing_raw = raw.get("missing") or {}
    if isinstance(missing_raw, list):
        missing_raw = {m: f"not available ({m})" for m in missing_raw}
    missing = {_label(k): str(v)[:40] for k, v in _dict({"missing": missing_raw}, "missing", where).items()}
    skip = {}
    for col, labels in _dict(raw, "skip", where).items():
        listed = labels if isinstance(labels, list) else [labels]
        skip[header_key(col)] = frozenset(_label(x) for x in listed)
    skip_unknown = frozenset(_contract(c, f"{where}: skip_unknown") for c in raw.get("skip_unknown") or [])
    if skip_unknown - set(KEY_COLUMNS):
        raise MappingError(f"{where}: skip_unknown takes key columns only ({', '.join(KEY_COLUMNS)})")
    multiply = {}
    for col, factor in _dict(raw, "multiply", where).items():
        column = _contract(col, f"{where}: multiply")
        if column not in NUMBER_COLUMNS or not isinstance(factor, int | float) or isinstance(factor, bool):
            raise MappingError(f"{where}: multiply.{col} must be a number column with a numeric factor")
        multiply[column] = float(factor)
    return Mapping(
        name=str(raw.get("name") or where),
        sheet=None if raw.get("sheet") is None else str(raw["sheet"]),
        columns=columns,
        ignore=frozenset(header_key(c) for c in raw.get("ignore") or []),
        constants=constants,
        values=values,
        missing=missing,
        skip=skip,
        skip_unknown=skip_unknown,
        multiply=multiply,
    )


def _dict(raw: dict[str, Any], key: str, where: str) -> dict[Any, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise MappingError(f"{where}: {key} must be a dictionary (name: value lines)")
    return value


def apply_mapping(table: RawTable, mapping: Mapping | None) -> tuple[pd.DataFrame, int, list[str]]:
    """The contract frame of a file read with `mapping`: (frame, rows skipped, warnings)."""
    frame = table.contract_frame()
    if mapping is None:
        return frame, 0, []
    warnings = []
    for targets in mapping.columns.values():
        for target in targets[1:]:
            if targets[0] in frame:
                frame[target] = frame[targets[0]]
    for column, constant in mapping.constants.items():
        if column in table.columns:
            warnings.append(f"the mapping sets {column} to {constant!r} for every row; the file's column was not used")
        frame[column] = constant
    keep = pd.Series(True, index=frame.index)
    for column, skipped_labels in mapping.skip.items():
        cells = _skip_column(table, frame, column)
        keep &= ~cells.str.lower().str.split().str.join(" ").isin(skipped_labels)
    for column, codes in mapping.values.items():
        if column in frame:
            folded = frame[column].str.lower().str.split().str.join(" ")
            frame[column] = folded.map(codes).fillna(frame[column]).astype(str)
    skipped = int((~keep).sum())
    if skipped:
        warnings.append(f"skipped {skipped} row(s) the mapping's skip section names")
    return frame[keep], skipped, warnings


def _skip_column(table: RawTable, frame: pd.DataFrame, column: str) -> pd.Series:
    contract = column.replace(" ", "_")
    if contract in frame:
        return frame[contract]
    for name in table.cells.columns:
        if header_key(name) == column:
            return table.cells[name]
    raise MappingError(f"the mapping skips rows by column {column!r}, which the file does not have")
