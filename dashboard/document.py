"""A view as a document: headed sections of text, charts (plotly JSON) and tables, plain JSON throughout.

One model feeds the PDF and PNG exports, the board pack and saved snapshots, so what a chair exports, what a
snapshot keeps and what the page showed are built by the same code from the same figures."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from plotly.io.json import to_json_plotly


@dataclass(frozen=True)
class Text:
    text: str
    style: str = "body"  # body | lead | small | warning
    kind: str = "text"


@dataclass(frozen=True)
class Chart:
    figure: dict[str, Any]  # plotly figure JSON, with its own title and footnote
    name: str  # file-friendly, e.g. REC01-trend
    kind: str = "chart"

    def __post_init__(self) -> None:
        # plain JSON types only (plotly figures hold numpy arrays), so a document can be stored and compared
        object.__setattr__(self, "figure", json.loads(to_json_plotly(self.figure)))


@dataclass(frozen=True)
class Table:
    columns: list[list[str]]  # [key, label]
    rows: list[dict[str, Any]]
    caption: str = ""
    kind: str = "table"


Block = Text | Chart | Table
BLOCKS: dict[str, type[Any]] = {"text": Text, "chart": Chart, "table": Table}


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 1  # 1 a section (starts a page in a pack), 2 a subsection


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str  # the filters in words
    stamp: list[list[str]]  # [label, value]: period, data as at, confidence, generated
    sections: list[Section]
    notes: list[str] = field(default_factory=list)  # sources, definitions, suppression, caveats
    demo: bool = False
    path: str = "/"  # the dashboard address it shows
    kind: str = "view"  # view | pack
    measures: list[str] = field(default_factory=list)  # the codes it shows: who may see it depends on them

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        sections = [
            Section(
                heading=s["heading"],
                level=s.get("level", 1),
                blocks=[BLOCKS[b["kind"]](**b) for b in s.get("blocks", [])],
            )
            for s in data["sections"]
        ]
        return cls(**{**data, "sections": sections})


def stamp_text(doc: Document) -> str:
    """'Period: 2021-Q4 · Data as at: 2025-01-31 · …' for headers and footers."""
    return " · ".join(f"{label}: {value}" for label, value in doc.stamp)
