"""A small document model (headings, paragraphs, lists, tables, clauses) and its renderers.

compare, plan and annex each build one ``Document`` and render it as text,
Markdown, HTML, PDF or DOCX from here, so that every format says the same
thing and escapes text from the input once, in the way its target needs.
Every renderer is deterministic: no clock is read, PDF and DOCX dates are
fixed and their identifiers come from the content.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any

WIDTH = 88
FORMATS = ("text", "md", "html", "pdf", "docx")
FIXED_DATE = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Heading:
    """A section heading; level 2 is a section of the document, 3 a subsection (the title is level 1)."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Para:
    """A paragraph, with an optional bold lead-in."""

    text: str
    strong: str = ""  # a bold lead-in, such as a clause number


@dataclass(frozen=True)
class Bullets:
    """A bulleted list, or a numbered one."""

    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table of plain-text cells; every row has as many cells as the header."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Para | Bullets | Table


@dataclass(frozen=True)
class Document:
    """A titled sequence of blocks, with what PDF and DOCX need for reproducible metadata."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    date: str | None = None  # YYYY-MM-DD: stamped into PDF and DOCX instead of the clock
    subject: str = ""


def render(doc: Document, fmt: str) -> bytes:
    """``doc`` in the format named by ``fmt`` (one of FORMATS), as the bytes of a file."""
    if fmt == "text":
        return to_text(doc)
    if fmt == "md":
        return to_markdown(doc)
    if fmt == "html":
        return to_html(doc).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(doc)
    if fmt == "docx":
        return to_docx(doc)
    raise ValueError(f"unknown document format {fmt!r}")


# --- text ----------------------------------------------------------------------------------------------


def _table_text(table: Table) -> list[str]:
    """A table as aligned plain-text columns, each at most 40 characters wide (longer cells end in an ellipsis)."""
    cells = [table.header, *table.rows]
    widths = [min(max(len(row[i]) for row in cells), 40) for i in range(len(table.header))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(
            (c if len(c) <= w else c[: w - 1] + "…").ljust(w) for c, w in zip(row, widths, strict=True)
        ).rstrip()

    return [line(table.header), "  ".join("-" * w for w in widths), *map(line, table.rows)]


def to_text(doc: Document) -> bytes:
    """Plain text wrapped at WIDTH columns, headings underlined."""
    out = [doc.title, "=" * min(len(doc.title), WIDTH)]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += ["", block.text, ("=" if block.level <= 1 else "-") * min(len(block.text), WIDTH)]
        elif isinstance(block, Para):
            lead = f"{block.strong} " if block.strong else ""
            out += ["", *textwrap.wrap(lead + block.text, WIDTH, break_on_hyphens=False)]
        elif isinstance(block, Bullets):
            out.append("")
            for i, item in enumerate(block.items, start=1):
                mark = f"{i}. " if block.numbered else "- "
                out += textwrap.wrap(mark + item, WIDTH, subsequent_indent=" " * len(mark), break_on_hyphens=False)
        else:
            out += ["", *_table_text(block)]
    return ("\n".join(out) + "\n").encode("utf-8")


# --- Markdown ------------------------------------------------------------------------------------------


def _md(value: str) -> str:
    from auditkit.render.markdown import text

    return text(value)


def to_markdown(doc: Document) -> bytes:
    """GitHub-flavoured Markdown, every text escaped (a '|' in a cell cannot break its table)."""
    out = [f"# {_md(doc.title)}"]
    for block in doc.blocks:
        out.append("")
        if isinstance(block, Heading):
            out.append("#" * min(block.level + 1, 6) + " " + _md(block.text))
        elif isinstance(block, Para):
            out.append((f"**{_md(block.strong)}** " if block.strong else "") + _md(block.text))
        elif isinstance(block, Bullets):
            out += [(f"{i}. " if block.numbered else "- ") + _md(item) for i, item in enumerate(block.items, start=1)]
        else:
            out.append("| " + " | ".join(map(_md, block.header)) + " |")
            out.append("|" + "---|" * len(block.header))
            out += ["| " + " | ".join(map(_md, row)) + " |" for row in block.rows]
    return ("\n".join(out) + "\n").encode("utf-8")


# --- HTML and PDF --------------------------------------------------------------------------------------

_CSS = """body{font-family:"auditkit Sans",system-ui,sans-serif;line-height:1.45;margin:2rem auto;max-width:50rem;
color:#1a1a1a;padding:0 1rem}table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #bbb;
padding:.25rem .5rem;text-align:left;vertical-align:top}h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:1.6rem}
h3{font-size:1.05rem}@page{size:A4;margin:20mm 18mm}@media print{body{margin:0;max-width:none;padding:0}}"""


def _body(doc: Document) -> str:
    out = [f"<h1>{escape(doc.title)}</h1>"]
    for block in doc.blocks:
        if isinstance(block, Heading):
            level = min(block.level, 5) + (1 if block.level < 2 else 0)
            out.append(f"<h{level}>{escape(block.text)}</h{level}>")
        elif isinstance(block, Para):
            lead = f"<strong>{escape(block.strong)}</strong> " if block.strong else ""
            out.append(f"<p>{lead}{escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            tag = "ol" if block.numbered else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + f"</{tag}>")
        else:
            head = "".join(f'<th scope="col">{escape(c)}</th>' for c in block.header)
            rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return "\n".join(out)


def to_html(doc: Document, *, pdf: bool = False) -> str:
    """A standalone HTML page; with ``pdf``, with the bundled fonts and the fixed dates WeasyPrint reads."""
    fonts = ""
    meta = f'<meta name="description" content="{escape(doc.subject)}">\n' if doc.subject else ""
    if pdf:
        from auditkit.render.html import asset_text

        fonts = asset_text("fonts.css")
        meta += '<meta name="generator" content="auditkit">\n'
        if doc.date:
            meta += f'<meta name="dcterms.created" content="{doc.date}T00:00:00Z">\n'
            meta += f'<meta name="dcterms.modified" content="{doc.date}T00:00:00Z">\n'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(doc.title)}</title>
{meta}<style>{fonts}{_CSS}</style>
</head>
<body>
{_body(doc)}
</body>
</html>
"""


def _date(doc: Document) -> datetime:
    """The date stamped into PDF and DOCX: the document's own, else a fixed one (never the clock)."""
    if doc.date:
        return datetime.strptime(doc.date, "%Y-%m-%d").replace(tzinfo=UTC)
    return FIXED_DATE


def to_pdf(doc: Document) -> bytes:
    """A PDF of the HTML page, byte for byte the same for the same content (fixed dates, content-derived id)."""
    import weasyprint  # type: ignore[import-untyped]

    from auditkit.render.pdf import _fast_subsetting, asset_fetcher, source_date_epoch, templates_folder

    text = to_html(doc, pdf=True)
    identifier = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    with source_date_epoch(_date(doc)):
        data: bytes = weasyprint.HTML(
            string=text, base_url=templates_folder().as_uri() + "/", url_fetcher=asset_fetcher()
        ).write_pdf(pdf_identifier=identifier.encode("ascii"), full_fonts=not _fast_subsetting())
    return data


# --- DOCX ----------------------------------------------------------------------------------------------


def to_docx(doc: Document) -> bytes:
    """A Word document, byte for byte the same for the same content.

    Its core-property dates and zip timestamps are fixed (python-docx would stamp the clock into both).
    """
    import docx  # python-docx

    word: Any = docx.Document()
    props = word.core_properties
    when = _date(doc).replace(tzinfo=None)
    props.created = props.modified = props.last_printed = when
    props.author = props.last_modified_by = "auditkit"
    props.title, props.subject, props.revision = doc.title, doc.subject, 1
    word.add_heading(doc.title, level=0)
    for block in doc.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=min(max(block.level, 1), 9))
        elif isinstance(block, Para):
            paragraph = word.add_paragraph()
            if block.strong:
                paragraph.add_run(block.strong + " ").bold = True
            paragraph.add_run(block.text)
        elif isinstance(block, Bullets):
            style = "List Number" if block.numbered else "List Bullet"
            for item in block.items:
                word.add_paragraph(item, style=style)
        else:
            table = word.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = text
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
    buffer = io.BytesIO()
    word.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp and attributes fixed, in the same order."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
