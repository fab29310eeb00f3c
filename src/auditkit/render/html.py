"""The full report as one HTML page; the same template feeds the PDF.

The template reads the typed report view (render/view.py), which the
Markdown and text renderers read too, so the formats cannot drift apart in
what they say. The page produced by ``render`` is standalone: its CSS is
inlined, it needs no font files and it refers to nothing outside itself
except the sources' own web addresses.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import jinja2
from markupsafe import Markup

from auditkit.model.result import AuditResult
from auditkit.render import RenderOptions
from auditkit.render.view import HYPOTHETICAL, BriefView, Cover, ReportView, brief_view, report_view


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment over the package's templates (autoescaped, strict)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("auditkit", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def asset_text(name: str) -> str:
    """A text file from the templates folder (CSS)."""
    return resources.files("auditkit").joinpath("templates", name).read_text(encoding="utf-8")


def css_string(value: str) -> Markup:
    """A CSS string literal that shows ``value`` as text, which no input can end.

    Every character but letters, digits and a few punctuation marks is written as a hex escape (its
    trailing space is part of the escape, so that a space after it stays), so no input can end the string,
    the rule or the style.
    """
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_()")
    return Markup('"' + "".join(ch if ch in safe else f"\\{ord(ch):06x} " for ch in value) + '"')


def _running(result: AuditResult, cover: Cover) -> dict[str, Markup]:
    """The PDF's running header (the programme's name) and footer, as CSS strings for the page margins."""
    frameworks = ", ".join(f"{f.id} {f.version}" for f in result.frameworks)
    footer = f"auditkit {result.auditkit_version} · {frameworks} · audit date {cover.audit_date}"
    header = css_string(" ".join(cover.header.split()))
    return {"header": header, "footer": css_string(footer), "hypothetical": css_string(HYPOTHETICAL)}


def keywords(result: AuditResult) -> str:
    """The PDF's and page's keywords, comma-separated, each once.

    Fixed subject words, the rule sets, and each part of the place and the technology ('Moscow, Russia'
    gives 'Moscow' and 'Russia').
    """
    d = result.deployment
    parts = ["surveillance", "human rights", "audit", *(f.id for f in result.frameworks)]
    for field in (d.jurisdiction, d.technology):
        parts += [" ".join(piece.split()) for piece in (field or "").replace(";", ",").split(",")]
    return ", ".join(dict.fromkeys(p for p in parts if p))


def subject(result: AuditResult) -> str:
    """The PDF's subject line: what was audited against which rule set, in one sentence."""
    sets = "; ".join(f"the {f.id} rule set, version {f.version} ({f.title})" for f in result.frameworks)
    return f"Human-rights audit of {result.deployment.name} against {sets}"


def render_document(result: AuditResult, options: RenderOptions, *, pdf: bool) -> str:
    """The report's HTML text: standalone for the browser, or with print assets for WeasyPrint."""
    css = asset_text("report.css") + (asset_text("brief.css") if options.brief else "")
    if pdf:
        css = asset_text("fonts.css") + css
    page = "letter" if options.page_size.lower() == "letter" else "A4"
    d = result.deployment
    created = f"{d.audit_date}T00:00:00Z" if d.audit_date else None
    view: BriefView | ReportView = brief_view(result) if options.brief else report_view(result)
    return (
        environment()
        .get_template("brief.html.j2" if options.brief else "report.html.j2")
        .render(
            view=view,
            css=Markup(css),
            pdf=pdf,
            page_size=page,
            created=created,
            running=_running(result, view.cover),
            title=f"{view.titles.report}{' (brief)' if options.brief else ''}: {d.name}",
            author=d.auditor or "",
            subject=subject(result),
            keywords=keywords(result),
            generator=f"auditkit {result.auditkit_version}",
        )
    )


def render(result: AuditResult, options: RenderOptions) -> bytes:
    """The standalone HTML report."""
    return render_document(result, options, pdf=False).encode("utf-8")
