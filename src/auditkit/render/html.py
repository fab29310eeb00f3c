"""The full report as one HTML page; the same template feeds the PDF.

``report_view`` turns an AuditResult into plain dictionaries (the view the
template, the Markdown renderer and the PDF renderer share), so the three
formats cannot drift apart in what they say. The page produced by
``render`` is standalone: its CSS is inlined, it needs no font files and it
refers to nothing outside itself except the sources' own web addresses.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from auditkit.model.catalog import catalogue
from auditkit.model.result import AuditResult, Finding, PrincipleResult, ScoreRange, Status, Verdict
from auditkit.render import RenderOptions
from auditkit.render.headline import ATTRIBUTED_NOTE, NO_GAP, NO_RED_LINE, RED_LINES_TITLE, Gap, headline
from auditkit.render.labels import (
    cap_text,
    fact_phrase,
    grade_text,
    score_text,
    status_label,
    undecided_text,
    verdict_colour,
    verdict_label,
)
from auditkit.render.labels import number as number_text

SETTLE_SHOWN = 3  # facts named per open principle in "to settle ..., establish: ..."

# What one report prints at most of what a file can hold in bulk (docs/limits.md): past these a 2 MiB file
# took minutes and gigabytes to set as PDF. The JSON result always holds everything.
REPORT_SOURCES = 300  # sources listed at the end
REPORT_REFS = 12  # source numbers printed after one fact or finding
REPORT_NOTE = 1_000  # characters of a note or a description
REPORT_TEXT = 300  # characters of a name, title, publisher, locator or web address
REPORT_RULE_TEXT = 800  # characters of a rule's explanation or remedy (bundled rules: at most 350)
REPORT_REFERENCES = 10  # references printed under one finding
SHORTENED = " … (shortened; the full text is in the audit's JSON result)"


def clip(text: str | None, limit: int = REPORT_TEXT) -> str | None:
    """``text`` cut at ``limit`` characters, saying so and where the rest is."""
    if text is None or len(text) <= limit:
        return text
    return text[:limit].rstrip() + SHORTENED


NO_DATE = "date not given"
# Statuses whose remedy is worth printing: a met rule needs no amendment.
REMEDY_STATUSES = (Status.NOT_MET, Status.PARTIAL, Status.UNKNOWN)


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


DASH = "\u2013"  # an en dash between the two ends of a range


def _cover(result: AuditResult) -> dict[str, Any]:
    d = result.deployment
    frameworks = "; ".join(f"{f.title} ({f.id}, version {f.version})" for f in result.frameworks)
    return {
        "name": d.name,
        "jurisdiction": clip(d.jurisdiction),
        "operator": clip(d.operator),
        "technology": clip(d.technology),
        "period": clip(d.period),
        "description": clip(d.description, REPORT_NOTE),
        "hypothetical": d.hypothetical,
        "auditor": clip(d.auditor) or "not named",
        "audit_date": d.audit_date or NO_DATE,
        "frameworks": frameworks,
        "grade": grade_text(result, DASH),
        "score": score_text(result.score, DASH),
        "grade_open": result.grade.low != result.grade.high,
        "grade_worst": result.grade.low,
        "undecided": undecided_text(result),
        "cap": cap_text(result),
        "open_red_lines": result.red_lines_open if result.grade.low != result.grade.high else [],
        "decided": sum(n for s, n in result.counts.items() if s != Status.UNKNOWN.value),
        "total": sum(result.counts.values()),
        "range_bar": _range_bar(result.score),
        "grade_capped": result.grade_capped,
        "version": result.auditkit_version,
        "input_file": result.input_file,
        "sha256": result.input_sha256,
        "header": d.name if len(d.name) <= 80 else d.name[:79] + "…",
    }


def _range_bar(score: ScoreRange | None) -> dict[str, Any] | None:
    """The small 0-100 bar on the cover, in percent: solid up to the low end, open from low to high.

    Drawn with CSS as a decoration (the score is written out beside it), so screen readers skip it.
    """
    if score is None:
        return None
    return {"low": score.low, "open": round(max(score.high - score.low, 0.0 if score.low == score.high else 1.5), 1)}


def _anchor(p: PrincipleResult) -> str:
    return f"principle-{p.framework}-{p.id}"


def _citation(result: AuditResult, p: PrincipleResult) -> str:
    """Where the principle's demand comes from: the framework's source and the principle's place in it."""
    framework = next((f for f in result.frameworks if f.id == p.framework), None)
    source = framework.source if framework else {}
    title = source.get("title")
    locator = p.source_locator or f"principle {p.id}"
    work = f"{source.get('publisher')}, {title}" if title and source.get("publisher") else title
    return f"{work or (framework.title if framework else p.framework)}, {locator}"


def _refs(ids: list[str], numbers: dict[str, int]) -> list[int | str]:
    """The sources' numbers, at most REPORT_REFS of them, then how many more there are."""
    found: list[int | str] = sorted(numbers[i] for i in ids if i in numbers)
    if len(found) > REPORT_REFS:
        found = [*found[:REPORT_REFS], f"and {len(found) - REPORT_REFS} more"]
    return found


def _pins(pinpoints: dict[str, str], numbers: dict[str, int]) -> str:
    """Where in each source a fact is found: '[3] para 94; [5] p. 12'."""
    return "; ".join(
        f"[{numbers[i]}] {at}"
        for i, at in sorted(pinpoints.items(), key=lambda kv: numbers.get(kv[0], 0))
        if i in numbers
    )


def _safe_url(url: str | None) -> str | None:
    """Only web addresses become links; anything else is shown as text, never followed."""
    return url if url and url.startswith(("https://", "http://")) else None


def _requirement(lines: list[str]) -> list[dict[str, Any]]:
    """Requirement lines with their nesting depth (the engine indents sub-conditions by two spaces)."""
    return [{"text": clip(line.strip()), "depth": min((len(line) - len(line.lstrip(" "))) // 2, 4)} for line in lines]


def _finding(f: Finding, numbers: dict[str, int], secret: set[str]) -> dict[str, Any]:
    facts = catalogue()
    return {
        "rule": f.rule,
        "anchor": f"rule-{f.rule}",
        "title": clip(f.title),
        "status": f.status.value,
        "status_label": status_label(f.status),
        "severity": f.severity,
        "red_line": f.red_line,
        "decisive": f.decisive and not f.red_line,
        "weight": f.weight,
        "explanation": clip(f.explanation, REPORT_RULE_TEXT),
        "rationale": clip(f.rationale, REPORT_RULE_TEXT),
        "requirement": _requirement(f.requirement),
        # An undecided finding lists what is already known beside what is missing, so that the reader sees
        # how far the rule can still go; a decided one lists the facts that decided it.
        "facts_label": "Already on the record" if f.status is Status.UNKNOWN else "Decided by",
        "facts": [
            {
                "label": u.label,
                "label_cap": u.label[:1].upper() + u.label[1:],
                "path": u.path,
                "display": u.display,
                "note": clip(u.note, REPORT_NOTE),
                "refs": _refs(u.sources, numbers),
                "pins": _pins(u.pinpoints, numbers),
            }
            for u in f.facts
        ],
        "missing": [
            {
                "path": m,
                "label": facts[m].label if m in facts else m,
                "question": facts[m].question if m in facts else m,
                "undisclosed": m in secret,
            }
            for m in f.missing
        ],
        "refs": _refs(f.sources, numbers),
        "remedy": clip(f.remedy, REPORT_RULE_TEXT) if f.status in REMEDY_STATUSES else None,
        "references": [
            {
                "text": clip(", ".join(x for x in (r.get("instrument"), r.get("locator")) if x)),
                "url": _safe_url(r.get("url")),
                "quote": r.get("quote"),
            }
            for r in f.references[:REPORT_REFERENCES]
        ]
        + (
            [
                {
                    "text": f"and {len(f.references) - REPORT_REFERENCES} more, listed in the audit's JSON result",
                    "url": None,
                    "quote": None,
                }
            ]
            if len(f.references) > REPORT_REFERENCES
            else []
        ),
    }


def _principles(result: AuditResult, numbers: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    secret = {g.fact for g in result.information_gaps if g.undisclosed}
    for p in result.principles:
        counts = ", ".join(f"{n} {status_label(Status(s)).lower()}" for s, n in p.counts.items() if n)
        findings = [
            _finding(f, numbers, secret) for f in result.findings if f.principle == p.id and f.framework == p.framework
        ]
        out.append(
            {
                "id": p.id,
                "title": p.title,
                "anchor": _anchor(p),
                "demand": p.demand,
                "citation": _citation(result, p),
                "score": score_text(p.score, DASH),
                "verdict": p.verdict.value,
                "verdict_label": verdict_label(p.verdict),
                "colour": verdict_colour(p.verdict),
                "reason": p.verdict_reason,
                "settle": [
                    {
                        "phrase": fact_phrase(f.fact),
                        "fact": f.fact,
                        "narrows": number_text(f.narrows),
                        "changes": f.changes_verdict,
                    }
                    for f in p.to_settle
                ],
                "coverage": "–" if p.verdict is Verdict.NOT_APPLICABLE else f"{p.coverage * 100:.0f}%",
                "decided": ""
                if p.verdict is Verdict.NOT_APPLICABLE
                else f"{p.coverage * 100:.0f}% of the rule weight decided",
                "counts": counts or "no rules",
                # Rules that do not concern this programme: one compact list per principle, not a page of findings.
                "findings": [f for f in findings if f["status"] != Status.NOT_APPLICABLE.value],
                "not_applicable": [f for f in findings if f["status"] == Status.NOT_APPLICABLE.value],
            }
        )
    return out


def _gap(gap: Gap, numbers: dict[str, int]) -> dict[str, Any]:
    f = gap.finding
    return {
        "rule": f.rule,
        "anchor": f"rule-{f.rule}",
        "title": f.title,
        "status_label": status_label(f.status),
        "status": f.status.value,
        "red_line": f.red_line,
        "severity": f.severity,
        "tags": gap.tags,
        "sentence": f.explanation,
        "refs": _refs(f.sources, numbers),
    }


def _summary(result: AuditResult, numbers: dict[str, int]) -> dict[str, Any]:
    """The executive summary's lists: the headline gaps (render/headline.py), as every format shows them."""
    head = headline(result)
    return {
        "red_lines_title": RED_LINES_TITLE,
        "no_red_line": NO_RED_LINE,
        "no_gap": NO_GAP,
        "red_lines": [_gap(g, numbers) for g in head.red_lines],
        "gaps_title": head.others_title,
        "gaps": [_gap(g, numbers) for g in head.others],
        "gaps_total": head.others_total,
        "attributed_title": head.attributed_title,
        "attributed_note": ATTRIBUTED_NOTE,
        "attributed": [_gap(g, numbers) for g in head.attributed],
        "decided": sum(1 for f in result.findings if f.status is not Status.UNKNOWN),
        "total": len(result.findings),
        "settle": [
            {
                "id": p.id,
                "title": p.title,
                "anchor": _anchor(p),
                "verdict_label": verdict_label(p.verdict),
                "facts": [fact_phrase(f.fact) for f in p.to_settle[:SETTLE_SHOWN]],
                "more": max(len(p.to_settle) - SETTLE_SHOWN, 0),
            }
            for p in result.principles
            if p.to_settle
        ],
    }


def _information_gaps(result: AuditResult) -> list[dict[str, Any]]:
    """Questions for the operator, in the engine's order: the answer that settles the most first."""
    return [
        {
            "number": number,
            "question": gap.question,
            "fact": gap.fact,
            "undisclosed": gap.undisclosed,
            "rules": gap.rules,
            "principles": gap.principles,
            "settles": gap.settles,
            "narrows": number_text(gap.narrows),
        }
        for number, gap in enumerate(result.information_gaps, start=1)
    ]


def _methodology(result: AuditResult) -> dict[str, Any]:
    """The scoring method in plain sentences, with the thresholds this audit used."""
    scoring = result.scoring
    grades = scoring.get("grades") or {}
    grade_text = ", ".join(f"{g} from {t}" for g, t in grades.items())
    met_at, partial_at, cap = scoring.get("met_at"), scoring.get("partially_met_at"), scoring.get("red_line_grade")
    bullets = [
        (
            "A rule that is met earns its full weight, a partly met rule half of it, and a rule not met nothing; a "
            "rule that does not apply is left out. A principle's score (0-100) is the weight earned over the "
            "weight of its applicable rules."
        ),
        (
            "A rule the facts leave undecided could still take several statuses: auditkit tries every answer the "
            "missing facts could have. Every score is therefore a range, low-high: low when each undecided rule "
            "takes its worst possible status, high when each takes its best. Whatever the missing facts turn out "
            "to be, the score lies in the range, so publishing less can never raise the low end. The share of "
            "the rule weight the facts decide is shown beside each score."
        ),
        (
            f"A principle is met when even the low end reaches {met_at}, partially met when both ends lie between "
            f"{partial_at} and {met_at}, and not met when even the high end stays below {partial_at} or when a "
            "red-line or decisive rule of the principle is not met. It falls short when it cannot be met whatever "
            "the missing facts are, but whether it is partly met is still open; it has insufficient information "
            "only when it could still be met, or could turn out not to apply."
        ),
        (
            f"The overall score is the plain mean of the principle scores, so every principle counts the same, "
            f"and it is a range too. Grades: {grade_text}, F below; each end of the range gets its grade, so the "
            f"grade is a range (such as B\u2013F) when the facts do not settle it. A crossed red line caps both "
            f"ends at {cap}, whatever the score; a red line that could still be crossed caps the low end."
        ),
    ]
    intro = (
        "The deployment was described in a structured file: each fact is an answer to one audit question, "
        "with the sources it rests on, or is marked unknown or undisclosed. Each rule of the framework is a "
        "condition over those facts, evaluated in three-valued logic: a rule is decided only when the facts "
        "it needs are known, and an unknown or undisclosed fact is never counted as a breach, nor as "
        "compliance."
    )
    return {
        "intro": intro,
        "bullets": bullets,
        "met_at": met_at,
        "partially_met_at": partial_at,
        "grades": grade_text,
        "red_line_grade": cap,
    }


def _sources(result: AuditResult) -> list[dict[str, Any]]:
    return [
        {
            "number": s.number,
            "publisher": clip(s.publisher),
            "title": clip(s.title),
            "date": s.date,
            "url": _safe_url(s.url),
            "url_text": clip(s.url),
            "locator": clip(s.locator),
            "note": clip(s.note, REPORT_NOTE),
        }
        for s in result.sources[:REPORT_SOURCES]
    ]


CHART_WIDTH, CHART_LABEL, CHART_BAR, CHART_ROW, CHART_TOP = 640, 262, 310, 18, 18


def score_chart(principles: list[PrincipleResult], scoring: dict[str, Any]) -> dict[str, Any]:
    """Geometry of the horizontal bar chart of principle scores (drawn as inline SVG by the template).

    Each score is drawn as a range: a solid bar from 0 to the low end (what the facts establish), then an
    open, outlined bar from the low end to the high end (what the missing facts leave open).
    """
    rows = []
    for i, p in enumerate(principles):
        y = CHART_TOP + i * CHART_ROW
        label = f"{p.id} {p.title}"
        row: dict[str, Any] = {
            "y": y,
            "text_y": y + 12,
            "colour": verdict_colour(p.verdict),
            "label": label if len(label) <= 44 else label[:43] + "…",
            "full": label,
            "score": score_text(p.score, DASH),
            "solid": 0.0,
            "open_x": 0.0,
            "open": 0.0,
        }
        if p.score is not None:
            # A score of 0 still gets a sliver, so its verdict colour shows.
            solid = round(CHART_BAR * p.score.low / 100, 1)
            open_width = round(CHART_BAR * (p.score.high - p.score.low) / 100, 1)
            row.update(solid=max(2.0, solid) if open_width == 0 else solid, open_x=CHART_LABEL + solid, open=open_width)
        row["value_x"] = CHART_LABEL + max(row["solid"], row["solid"] + row["open"]) + 6
        rows.append(row)
    height = CHART_TOP + len(principles) * CHART_ROW + 16
    lines = []
    for key, name in (("partially_met_at", "partly met"), ("met_at", "met")):
        value = scoring.get(key)
        if isinstance(value, int | float):
            lines.append({"x": round(CHART_LABEL + CHART_BAR * value / 100, 1), "label": f"{name} {value:g}"})
    ticks = [{"x": CHART_LABEL + CHART_BAR * t / 100, "label": str(t)} for t in (0, 50, 100)]
    return {
        "width": CHART_WIDTH,
        "height": height,
        "label_x": CHART_LABEL - 8,
        "bar_x": CHART_LABEL,
        "bar_height": CHART_ROW - 6,
        "rows": rows,
        "thresholds": lines,
        "ticks": ticks,
        "bottom": height - 14,
        "threshold_y": height - 3,
    }


def report_view(result: AuditResult) -> dict[str, Any]:
    """Everything the report says, as plain data shared by the HTML, PDF and Markdown renderers."""
    numbers = {s.id: s.number for s in result.sources}
    principles = _principles(result, numbers)
    return {
        "cover": _cover(result),
        "summary": _summary(result, numbers),
        "principles": principles,
        "chart": score_chart(result.principles, result.scoring),
        "gaps": _information_gaps(result),
        "gaps_count": len(result.information_gaps),
        "undisclosed_count": sum(1 for g in result.information_gaps if g.undisclosed),
        "methodology": _methodology(result),
        "sources": _sources(result),
        "sources_more": max(0, len(result.sources) - REPORT_SOURCES),
        "frameworks": [{"id": f.id, "title": f.title, "version": f.version} for f in result.frameworks],
        "statuses": [{"value": s.value, "label": status_label(s)} for s in Status],
        "verdicts": [{"label": verdict_label(v), "colour": verdict_colour(v)} for v in Verdict],
    }


BRIEF_QUESTIONS = 5


def _top_questions(result: AuditResult) -> list[dict[str, Any]]:
    """The first questions for the operator in the engine's order (the answer that settles the most first),
    numbered as in the full report."""
    return _information_gaps(result)[:BRIEF_QUESTIONS]


def brief_view(result: AuditResult) -> dict[str, Any]:
    """What the two-page brief says: the report's view, cut to the cover, the principle table, the headline
    gaps with the sources they cite, the top questions, and how to get the full report."""
    view = report_view(result)
    summary = view["summary"]
    cited = {n for g in (*summary["red_lines"], *summary["gaps"]) for n in g["refs"] if isinstance(n, int)}
    stem = result.input_file.rsplit(".", 1)[0] if "." in result.input_file else result.input_file
    return {
        **view,
        "sources": [s for s in view["sources"] if s["number"] in cited],
        "questions": _top_questions(result),
        "questions_total": len(result.information_gaps),
        "full_command": f"auditkit audit {result.input_file} --format pdf -o {stem or 'report'}.pdf",
        "rules_total": len(result.findings),
        "sources_total": len(result.sources),
    }


def css_string(value: str) -> Markup:
    """A CSS string literal that shows ``value`` as text: every character but letters, digits and a few
    punctuation marks is written as a hex escape (its trailing space is part of the escape, so that a space
    after it stays), so no input can end the string, the rule or the style."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_()")
    return Markup('"' + "".join(ch if ch in safe else f"\\{ord(ch):06x} " for ch in value) + '"')


def _running(result: AuditResult) -> dict[str, Markup]:
    """The PDF's running header (the programme's name) and footer, as CSS strings for the page margins."""
    d = result.deployment
    name = d.name if len(d.name) <= 80 else d.name[:79] + "…"
    frameworks = ", ".join(f"{f.id} {f.version}" for f in result.frameworks)
    footer = f"auditkit {result.auditkit_version} · {frameworks} · audit date {d.audit_date or NO_DATE}"
    return {"header": css_string(" ".join(name.split())), "footer": css_string(footer)}


def keywords(result: AuditResult) -> str:
    """The PDF's and page's keywords: fixed subject words, the rule sets, and each part of the place and the
    technology ('Moscow, Russia' gives 'Moscow' and 'Russia'), comma-separated, each once."""
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
    name, view = ("brief.html.j2", brief_view(result)) if options.brief else ("report.html.j2", report_view(result))
    return (
        environment()
        .get_template(name)
        .render(
            view=view,
            css=Markup(css),
            pdf=pdf,
            page_size=page,
            created=created,
            running=_running(result),
            title=f"Human-rights audit{' (brief)' if options.brief else ''}: {d.name}",
            author=d.auditor or "",
            subject=subject(result),
            keywords=keywords(result),
            generator=f"auditkit {result.auditkit_version}",
        )
    )


def render(result: AuditResult, options: RenderOptions) -> bytes:
    """The standalone HTML report."""
    return render_document(result, options, pdf=False).encode("utf-8")
