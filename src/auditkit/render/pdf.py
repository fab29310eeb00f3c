"""The PDF report: the HTML template laid out by WeasyPrint, with the input and JSON attached.

Every WeasyPrint call lives here, and weasyprint is imported only inside the
functions below, so the text and JSON paths never pay for it. The PDF is
reproducible: the same result and options give the same bytes (fixed
document dates, a file identifier derived from the input hash, font subsets
stamped through SOURCE_DATE_EPOCH, attachment dates fixed).
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from auditkit.model.result import AuditResult
from auditkit.render import RenderOptions, jsonout
from auditkit.render.html import render_document
from auditkit.render.libraries import import_weasyprint

# Tagged for accessibility (PDF/UA-1): headings, lists, tables and the reading order are marked up for
# screen readers. Checked to work together with the attachments and with reproducible bytes.
PDF_VARIANT = "pdf/ua-1"
# Used for every date in the file when the deployment gives no audit date: the clock is never read.
FALLBACK_DATE = datetime(2020, 1, 1, tzinfo=UTC)
SERVED_SUFFIXES = {".ttf": "font/ttf", ".css": "text/css"}


def templates_folder() -> Path:
    """The folder of the package's templates and assets (the only place the fetcher reads)."""
    return Path(str(resources.files("auditkit"))).joinpath("templates").resolve()


def fixed_date(result: AuditResult) -> datetime:
    """The date stamped into the PDF: the audit date at midnight UTC, or a fixed fallback."""
    date = result.deployment.audit_date
    if date:
        return datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=UTC)
    return FALLBACK_DATE


def asset_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves the package's own fonts and CSS, and refuses everything else."""
    import_weasyprint()
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    root = templates_folder()

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        """Serves files inside the templates folder; any other URL stops the render."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = _asset_path(url, root)
            if path is None:
                raise FatalURLFetchingError(f"auditkit reports load nothing from outside the package: {url[:200]}")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": SERVED_SUFFIXES[path.suffix]})

    return AssetFetcher()


def _asset_path(url: str, root: Path) -> Path | None:
    """The file a file:// URL names when it is an asset inside ``root``; None for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
        return None
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(root) or path.suffix not in SERVED_SUFFIXES or not path.is_file():
        return None
    return path


@contextmanager
def source_date_epoch(when: datetime) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH while fontTools stamps font subsets, then restore the environment."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def json_attachment_name(result: AuditResult) -> str:
    """The file name of the attached JSON result: the input's stem plus '.audit.json'."""
    stem = result.input_file.rsplit(".", 1)[0] if "." in result.input_file else result.input_file
    return f"{stem or 'deployment'}.audit.json"


def _attachments(result: AuditResult, options: RenderOptions, when: datetime, fetcher: Any) -> list[Any]:
    import_weasyprint()
    from weasyprint import Attachment  # type: ignore[import-untyped]

    files = [
        (result.input_file, options.input_bytes, "The deployment description that was audited", "Source"),
        (
            json_attachment_name(result),
            jsonout.render(result, options),
            "The audit result as JSON (auditkit audit --format json)",
            "Data",
        ),
    ]
    return [
        Attachment(
            file_obj=io.BytesIO(data),
            name=name,
            description=text,
            created=when,
            modified=when,
            relationship=relation,
            url_fetcher=fetcher,
        )
        for name, data, text, relation in files
        if data
    ]


def _fast_subsetting() -> bool:
    """True when HarfBuzz's subsetter is there.

    Without it WeasyPrint falls back to slow fontTools subsetting with a warning, so the fonts are then
    embedded whole instead (a larger file, the same pages).
    """
    import_weasyprint()
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset  # type: ignore[import-untyped]

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def scope_table_headers(document: Any, pdf: Any) -> None:
    """A write_pdf finisher: give every table header cell (/TH) a /Scope, Column or Row.

    WeasyPrint (70) tags header cells with an /ID and lists it in the data cells' /Headers, but writes no
    /Scope, so PDF/UA checkers cannot tell which cells a header labels. Here a header in a row of headers
    labels its column, and a header in a row that also holds data cells labels its row (the template's
    <th scope="row">), which is how every table of the report is built.
    """
    import pydyf  # type: ignore[import-untyped]

    elements = {obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)}
    for row in list(elements.values()):
        if row.get("Type") != "/StructElem" or row.get("S") != "/TR":
            continue
        cells = [elements[kid] for kid in row["K"] if isinstance(kid, bytes) and kid in elements]
        scope = "/Column" if all(cell.get("S") == "/TH" for cell in cells) else "/Row"
        for cell in cells:
            if cell.get("S") == "/TH":
                attributes = cell.get("A") or pydyf.Dictionary({"O": "/Table"})
                attributes["Scope"] = scope
                cell["A"] = attributes


def render(result: AuditResult, options: RenderOptions) -> bytes:
    """The PDF report, byte-for-byte the same for the same result and options."""
    weasyprint = import_weasyprint()

    fetcher = asset_fetcher()
    when = fixed_date(result)
    text = render_document(result, options, pdf=True)
    base = templates_folder().as_uri() + "/"
    identifier = hashlib.sha256(f"auditkit:{result.input_sha256}:{options.page_size}".encode()).hexdigest()[:32]
    with source_date_epoch(when):
        document = weasyprint.HTML(string=text, base_url=base, url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
        data: bytes = document.write_pdf(
            pdf_identifier=identifier.encode("ascii"),
            pdf_variant=PDF_VARIANT,
            full_fonts=not _fast_subsetting(),
            attachments=_attachments(result, options, when, fetcher),
            finisher=scope_table_headers,
        )
    return data
