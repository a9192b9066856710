"""Saved snapshots: /snapshot/<id> shows a kept view exactly as it was; /snapshots lists them."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import snapshots
from dashboard.document import Chart, Document, Section, Table, Text, stamp_text
from layouts import components, ids
from layouts.common import services


def _block(block: Any, n: int) -> Any:
    if isinstance(block, Chart):
        return dcc.Graph(
            id={"type": "snapshot-chart", "n": n},
            figure=block.figure,
            config={
                "displaylogo": False,
                "toImageButtonOptions": {"format": "png", "filename": f"snapshot-{block.name}", "scale": 2},
            },
        )
    if isinstance(block, Table):
        return components.table(block.rows, [tuple(c) for c in block.columns], block.caption)  # type: ignore[misc]
    if isinstance(block, Text):
        return html.P(block.text, className={"lead": "lead", "small": "small text-muted"}.get(block.style, ""))
    return None


def _section(section: Section, start: int) -> html.Section:
    heading = html.H2 if section.level == 1 else html.H3
    charts = [b for b in section.blocks if isinstance(b, Chart)]
    others = [b for b in section.blocks if not isinstance(b, Chart)]
    graphs = [dbc.Col(_block(b, start + i), lg=6) for i, b in enumerate(charts)]
    return html.Section(
        [
            heading(section.heading, className="h4 mt-3"),
            *[_block(b, 0) for b in others if isinstance(b, Text) and b.style == "lead"],
            dbc.Row(graphs) if graphs else None,
            *[_block(b, 0) for b in others if not (isinstance(b, Text) and b.style == "lead")],
        ]
    )


def document_view(doc: Document) -> html.Div:
    """A document (a kept view) as static components: the same charts, tables and notes."""
    parts, count = [], 0
    for section in doc.sections:
        parts.append(_section(section, count))
        count += sum(isinstance(b, Chart) for b in section.blocks)
    notes = html.Details(
        [html.Summary("Notes: sources, definitions and caveats"), html.Ul([html.Li(n) for n in doc.notes])]
    )
    return html.Div([*parts, notes], id=ids.SNAPSHOT_VIEW)


def layout(snapshot_id: str | None = None, **_: Any) -> html.Div:
    try:
        snap = snapshots.get(services().engine, snapshot_id or "", visible=services().known().measures)
    except snapshots.SnapshotError as exc:
        return html.Div(
            [
                html.H1("Snapshot not found", className="page-title"),
                dbc.Alert(f"{str(exc).capitalize()}. ", color="warning"),
                html.A("See every saved snapshot", href="/snapshots"),
            ]
        )
    doc = snap.document
    saved = snap.created_at.strftime("%d %B %Y at %H:%M")
    return html.Div(
        [
            html.H1(snap.title, className="page-title"),
            dbc.Alert(
                [
                    html.Strong("A saved snapshot. "),
                    f"Saved by {snap.author} on {saved} UTC (data version {snap.data_version}). It shows the figures "
                    "as they were then, whatever has been imported since. ",
                    html.A("Open the live view", href=doc.path),
                    ".",
                ],
                color="info",
                className="snapshot-notice",
            ),
            html.P(f"{doc.subtitle} · {stamp_text(doc)}", className="text-muted"),
            document_view(doc),
        ]
    )


def listing_layout(**_: Any) -> html.Div:
    frame = snapshots.listing(services().engine, visible=services().known().measures)
    if frame.empty:
        body: Any = html.P("No snapshots yet. Use “Save snapshot” on any page to keep a view as it is.")
    else:
        rows = [
            html.Tr(
                [
                    html.Td(html.A(r.title, href=f"/snapshot/{r.id}")),
                    html.Td(r.author),
                    html.Td(r.created_at.strftime("%Y-%m-%d %H:%M")),
                    html.Td(html.A(r.path, href=r.path)),
                ]
            )
            for r in frame.itertuples()
        ]
        head = html.Thead(
            html.Tr([html.Th(h, scope="col") for h in ("Snapshot", "Saved by", "Saved (UTC)", "Live view")])
        )
        body = html.Table(
            [html.Caption("Saved snapshots, newest first"), head, html.Tbody(rows)], className="table table-sm"
        )
    return html.Div([html.H1("Saved snapshots", className="page-title"), html.Div(body, id=ids.SNAPSHOT_LIST)])
