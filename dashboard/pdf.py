"""Documents to PDF (A4 landscape, reportlab) and to PNG (the PDF's pages, drawn by pdfium, stacked)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus.tableofcontents import TableOfContents

from dashboard.document import Chart, Document, Table, Text, stamp_text
from dashboard.images import Progress, render_pngs

PAGE = landscape(A4)
MARGIN = 1.2 * cm
INK, MUTED, DEMO_RED = colors.HexColor("#0b0c0c"), colors.HexColor("#505a5f"), colors.HexColor("#b3261e")
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")


def _fonts() -> tuple[str, str]:
    """DejaVu Sans (it has ✔ ≈ ✖ ▲ ▼) when the system holds it; otherwise reportlab's Vera."""
    for folder in FONT_DIRS:
        regular, bold = Path(folder) / "DejaVuSans.ttf", Path(folder) / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            if "Pathways" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("Pathways", str(regular)))
                pdfmetrics.registerFont(TTFont("Pathways-Bold", str(bold)))
            return "Pathways", "Pathways-Bold"
    return "Helvetica", "Helvetica-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    font, bold = _fonts()
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=13, textColor=INK, spaceAfter=4)
    return {
        "body": base,
        "lead": ParagraphStyle("lead", parent=base, fontSize=12, leading=15, spaceAfter=6),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=2),
        "warning": ParagraphStyle("warning", parent=base, textColor=DEMO_RED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=8, leading=10, spaceAfter=0),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=20, leading=24, spaceAfter=4),
        "cover": ParagraphStyle("cover", parent=base, fontName=bold, fontSize=30, leading=36, spaceAfter=12),
        "h1": ParagraphStyle("h1", parent=base, fontName=bold, fontSize=16, leading=20, spaceBefore=4, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=13, leading=16, spaceBefore=8, spaceAfter=4),
        "toc1": ParagraphStyle("toc1", parent=base, fontSize=12, leading=16),
        "toc2": ParagraphStyle("toc2", parent=base, fontSize=10, leading=13, leftIndent=18),
    }


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


class _Template(BaseDocTemplate):
    """A4 landscape with a running header (title, demo label) and footer (stamp, page number); feeds the contents."""

    def __init__(self, buffer: io.BytesIO, doc: Document, styles: dict[str, ParagraphStyle]) -> None:
        super().__init__(
            buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=1.6 * cm, bottomMargin=1.4 * cm
        )
        self.document, self.styles = doc, styles
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._chrome)])
        self.title, self.author = doc.title, "Pathways"

    def _chrome(self, canvas: Any, _doc: Any) -> None:
        font, bold = _fonts()
        canvas.saveState()
        width, height = PAGE
        canvas.setFont(bold, 9)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, height - 1.0 * cm, f"Pathways · {self.document.title}"[:120])
        if self.document.demo:
            canvas.setFillColor(DEMO_RED)
            canvas.drawRightString(width - MARGIN, height - 1.0 * cm, "DEMO DATA — synthetic, not real returns")
        canvas.setFillColor(MUTED)
        canvas.setFont(font, 8)
        canvas.drawString(MARGIN, 0.8 * cm, stamp_text(self.document)[:160])
        canvas.drawRightString(width - MARGIN, 0.8 * cm, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()

    def afterFlowable(self, flowable: Any) -> None:
        level = getattr(flowable, "toc_level", None)
        if level is not None:
            key = flowable.toc_key
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level)
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page, key))


def _heading(text: str, style: ParagraphStyle, level: int, key: str) -> Paragraph:
    para = _p(text, style)
    para.toc_level, para.toc_key = level, key  # type: ignore[attr-defined]
    return para


def _table(block: Table, styles: dict[str, ParagraphStyle], width: float) -> Any:
    if not block.rows:
        return [_p(f"{block.caption}: no data for this selection.", styles["small"])]
    head = [_p(label, styles["head"]) for _, label in block.columns]
    body = [
        [_p("" if row.get(key) is None else row.get(key), styles["cell"]) for key, _ in block.columns]
        for row in block.rows
    ]
    weights = [2.0] + [1.0] * (len(block.columns) - 1)  # the first column names the row: give it room
    widths = [width * w / sum(weights) for w in weights]
    table = RLTable([head, *body], repeatRows=1, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dfe3e6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    caption = _p(block.caption, styles["small"]) if block.caption else Spacer(0, 0)
    return [caption, table, Spacer(0, 6)]


class _Picture(Flowable):
    """A chart image; drawn only in the final pass (the passes that settle the contents' page numbers skip it)."""

    def __init__(self, jpeg: bytes, size: tuple[int, int], width: float, visible: bool) -> None:
        super().__init__()
        self.jpeg, self.visible = jpeg, visible
        self.width, self.height = width, width * size[1] / size[0]

    def wrap(self, *_: Any) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        if self.visible:
            self.canv.drawImage(ImageReader(io.BytesIO(self.jpeg)), 0, 0, self.width, self.height)


def _jpeg(png: bytes) -> tuple[bytes, tuple[int, int]]:
    """PNG -> JPEG bytes and pixel size: reportlab embeds JPEG as it is, where it would recompress a PNG."""
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as img:
        out = io.BytesIO()
        img.convert("RGB").save(out, format="JPEG", quality=80)
        return out.getvalue(), img.size


def _chart_rows(pictures: Sequence[tuple[bytes, tuple[int, int]]], width: float, visible: bool) -> list[Any]:
    """Charts two to a row, each scaled to half the page width."""
    cell = (width - 0.4 * cm) / 2
    flow = []
    for i in range(0, len(pictures), 2):
        pair: list[Any] = [_Picture(jpeg, size, cell, visible) for jpeg, size in pictures[i : i + 2]]
        row = RLTable([pair + [""] * (2 - len(pair))], colWidths=[cell + 0.2 * cm] * 2)
        row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        row.is_chart_row = True  # type: ignore[attr-defined]
        flow.append(row)
    return flow


def _header(doc: Document, styles: dict[str, ParagraphStyle]) -> list[Any]:
    flow: list[Any] = [_p(doc.title, styles["title"]), _p(doc.subtitle, styles["lead"])]
    flow.append(_p(stamp_text(doc), styles["small"]))
    if doc.demo:
        flow.append(
            _p(
                "Demo data: these figures are synthetic, made for demonstration; not partners' returns.",
                styles["warning"],
            )
        )
    return [*flow, Spacer(0, 8)]


Pictures = Sequence[tuple[bytes, tuple[int, int]]]


def _cover(doc: Document, styles: dict[str, ParagraphStyle], contents: list[Any] | None) -> list[Any]:
    flow: list[Any] = [Spacer(0, 3 * cm), _p(doc.title, styles["cover"]), _p(doc.subtitle, styles["lead"])]
    flow += [_p(f"{label}: {value}", styles["body"]) for label, value in doc.stamp]
    if doc.demo:
        flow.append(Spacer(0, 12))
        flow.append(_p("DEMO DATA — synthetic figures for demonstration, not real returns.", styles["warning"]))
    toc = TableOfContents()
    toc.levelStyles = [styles["toc1"], styles["toc2"]]
    if contents is not None:
        toc._lastEntries = contents  # settled by the earlier passes
    return [*flow, PageBreak(), _p("Contents", styles["h1"]), toc, PageBreak()]


def _sections(
    doc: Document, pictures: Pictures, styles: dict[str, ParagraphStyle], width: float, visible: bool
) -> list[Any]:
    flow: list[Any] = []
    remaining = iter(pictures)
    top = min((s.level for s in doc.sections), default=1)  # outline levels must start at 0 and not skip
    for n, section in enumerate(doc.sections):
        if doc.kind == "pack" and section.level == 1 and n > 0:
            flow.append(PageBreak())
        style = styles["h1" if section.level == 1 else "h2"]
        part: list[Any] = [_heading(section.heading, style, section.level - top, f"h{n}")]
        pending: list[tuple[bytes, tuple[int, int]]] = []
        for block in section.blocks:
            if isinstance(block, Chart):
                pending.append(next(remaining))
                continue
            part += _chart_rows(pending, width, visible)
            pending = []
            if isinstance(block, Text):
                part.append(_p(block.text, styles.get(block.style, styles["body"])))
            elif isinstance(block, Table):
                part += _table(block, styles, width)
        part += _chart_rows(pending, width, visible)
        flow += _keep_heading_with_first_chart(part)
    return flow


def _keep_heading_with_first_chart(part: list[Any]) -> list[Any]:
    """A heading and its sentence never sit alone at the foot of a page, away from their first chart."""
    first = next((i for i, f in enumerate(part) if getattr(f, "is_chart_row", False)), None)
    if first is None or first > 3:
        return [KeepTogether(part[:2]), *part[2:]]
    return [KeepTogether(part[: first + 1]), *part[first + 1 :]]


def _notes(doc: Document, styles: dict[str, ParagraphStyle]) -> list[Any]:
    if not doc.notes:
        return []
    heading = _heading("Data notes: sources, definitions and caveats", styles["h2"], 0, "notes")
    first = KeepTogether([heading, _p(doc.notes[0], styles["small"])])
    return [first, *[_p(n, styles["small"]) for n in doc.notes[1:]]]


def _build(doc: Document, pictures: Pictures, *, visible: bool, contents: list[Any] | None = None) -> tuple[bytes, Any]:
    """One layout of the document; returns the PDF and the contents entries it produced."""
    styles = _styles()
    buffer = io.BytesIO()
    template = _Template(buffer, doc, styles)
    story = _cover(doc, styles, contents) if doc.kind == "pack" else _header(doc, styles)
    toc = next((f for f in story if isinstance(f, TableOfContents)), None)
    story += _sections(doc, pictures, styles, template.width, visible)
    story += _notes(doc, styles)
    if contents is None and toc is not None:
        template.multiBuild(story)  # passes until the contents' page numbers settle
    else:
        template.build(story)
    return buffer.getvalue(), (toc._lastEntries if toc is not None else None)


def render_pdf(doc: Document, *, progress: Progress | None = None, images: Sequence[bytes] | None = None) -> bytes:
    """The document as an A4-landscape PDF; charts drawn by kaleido in one browser session.

    A pack (with contents) is laid out first without drawing its pictures, until its page numbers settle, then
    once more for real: embedding dozens of images in every pass would double the time."""
    pngs = list(images) if images is not None else render_pngs([c.figure for c in doc.charts()], progress=progress)
    pictures = [_jpeg(png) for png in pngs]
    if doc.kind != "pack":
        return _build(doc, pictures, visible=True)[0]
    _, contents = _build(doc, pictures, visible=False)
    return _build(doc, pictures, visible=True, contents=contents)[0]


def pdf_to_png(pdf: bytes, *, dpi: int = 110, max_pages: int = 12) -> bytes:
    """The PDF's pages drawn one under another as a single PNG (the view as one picture)."""
    import pypdfium2 as pdfium
    from PIL import Image as PILImage

    document = pdfium.PdfDocument(pdf)
    try:
        pages = [document[i].render(scale=dpi / 72).to_pil() for i in range(min(len(document), max_pages))]
    finally:
        document.close()
    width = max(p.width for p in pages)
    sheet = PILImage.new("RGB", (width, sum(p.height for p in pages)), "white")
    top = 0
    for page in pages:
        sheet.paste(page, (0, top))
        top += page.height
    out = io.BytesIO()
    sheet.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render(doc: Document, fmt: str, *, progress: Progress | None = None) -> bytes:
    """'pdf' or 'png' bytes of a document."""
    pdf = render_pdf(doc, progress=progress)
    return pdf if fmt == "pdf" else pdf_to_png(pdf)


def file_name(doc: Document, fmt: str) -> str:
    """'pathways-adult-proven-reoffending-rate-2024-01-31.pdf'"""
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", doc.title.lower()).strip("-")[:60] or "view"
    date = next((value for label, value in doc.stamp if label == "Generated"), "")[:10]
    return f"pathways-{slug}{'-' + date if date else ''}.{fmt}"
