"""The full report in Markdown: the same content as the HTML and PDF, from the same view (render/view.py).

Text from the deployment file is escaped so that it shows literally: table
cells lose their pipes and newlines, and Markdown or HTML markup in a field
is backslash-escaped rather than interpreted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from auditkit.escape import markdown, markdown_code, markdown_run
from auditkit.model.result import AuditResult
from auditkit.model.scoring import Method
from auditkit.render import RenderOptions
from auditkit.render.view import (
    KEPT_SECRET,
    BriefView,
    FindingView,
    GapView,
    Ref,
    ReportView,
    Row,
    Sentence,
    SourceView,
    Summary,
    Titles,
    brief_view,
    report_view,
)


def text(value: object) -> str:
    """Inline text with Markdown/HTML specials escaped, on one line (auditkit.escape.markdown)."""
    return markdown(value)


def cell(value: object) -> str:
    """A table cell: escaped, no newlines, and '|' escaped so it cannot split the row."""
    return text(value)


def sentence(spans: Sentence, *, starts_line: bool = False) -> str:
    """A sentence of the view with its markup: bold for strong spans and badges, code spans for code."""
    out = []
    for i, span in enumerate(spans):
        if span.code:
            out.append(markdown_code(span.text))
        elif span.strong or span.badge:
            out.append(f"**{markdown_run(span.text)}**")
        else:
            out.append(markdown_run(span.text, starts_line=starts_line and i == 0))
    return "".join(out)


def _url(url: str) -> str:
    """A web address in angle brackets, unless it holds characters that would end them early."""
    return f"<{url}>" if not re.search(r"[<>\s]", url) else text(url)


def _refs(numbers: Sequence[Ref]) -> str:
    return "".join(f" \\[{n}\\]" if isinstance(n, int) else f" {text(n)}" for n in numbers)


def _title(view: ReportView | BriefView) -> list[str]:
    """The report's title, the hypothetical banner and the grade line."""
    c = view.cover
    out = [f"# {view.titles.report}: {text(c.name)}", ""]
    if c.hypothetical:
        out += [f"> **{view.hypothetical}**: {view.hypothetical_note}", ""]
    notes = [f"{view.titles.undetermined}: {c.undecided}"] if c.grade_open else []
    notes += [c.cap] if c.cap else []
    notes += [c.decided_line] if not c.grade_open else []
    grade = f"{view.titles.overall_grade} {text(c.grade)}"
    return out + [f"**{grade}**, {c.score_phrase} ({text('; '.join(notes))})", ""]


def _facts_table(rows: Sequence[Row]) -> list[str]:
    """The cover's table of facts (a SHA-256 line goes in brackets after its value)."""
    values = ((r, r.value + (f" ({r.hash_line})" if r.hash_line else "")) for r in rows)
    return [
        "| | |",
        "|---|---|",
        *(f"| {r.label} | {cell(v)}{_refs(r.refs)}{f' ({cell(r.pins)})' if r.pins else ''} |" for r, v in values),
    ]


def _cover(view: ReportView) -> list[str]:
    out = _title(view) + _facts_table(view.cover_rows)
    if view.cover.description:
        out += ["", text(view.cover.description)]
    return out + [""]


def _sourced(refs: Sequence[Ref], pins: str) -> str:
    """A table cell's source numbers, with where in each source."""
    return _refs(refs).strip() + (f" ({text(pins)})" if pins else "")


def _noted(name: str, note: str | None) -> str:
    return cell(name) + (f" ({cell(note)})" if note else "")


def _table(title: str, intro: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A titled table of cells already escaped; nothing when there are no rows."""
    if not rows:
        return []
    head = ["| " + " | ".join(headers) + " |", "|---" * len(headers) + "|"]
    return [f"### {title}", "", intro, "", *head, *("| " + " | ".join(row) + " |" for row in rows), ""]


def _programme(view: ReportView) -> list[str]:
    """The legal instruments and the contractors, as tables (nothing when the description lists neither)."""
    g = view.programme
    if not g.shown:
        return []
    instruments = [
        (
            _noted(i.title, i.note),
            cell(i.type),
            cell(i.adopted_by),
            i.date,
            cell(i.publication),
            _sourced(i.refs, i.pins),
        )
        for i in g.instruments
    ]
    contractors = [
        (
            _noted(k.name, k.note),
            cell(k.role),
            cell(k.hired_by),
            cell(k.contract),
            cell(k.standing),
            _sourced(k.refs, k.pins),
        )
        for k in g.contractors
    ]
    return [
        f"## {g.title}",
        "",
        *_table(g.instruments_title, g.instruments_intro, g.instrument_headers, instruments),
        *_table(g.contractors_title, g.contractors_intro, g.contractor_headers, contractors),
    ]


def _gap_line(mark: str, g: GapView) -> str:
    return f"{mark} **{g.rule}** ({g.tags}) {text(g.sentence)}{_refs(g.refs)}"


def _principle_table(view: ReportView | BriefView) -> list[str]:
    t = view.titles
    rows = [f"| {cell(p.id + ' ' + p.title)} | {p.score} | {p.verdict_label} | {p.coverage} |" for p in view.principles]
    return [f"| {t.principle} | {t.score} | {t.verdict} | {t.decided} |", "|---|---:|---|---:|", *rows, ""]


def _headline(s: Summary) -> list[str]:
    """The red lines crossed, then the other serious gaps, then those resting on reported facts."""
    out = [f"### {s.red_lines_title}", ""]
    out += [_gap_line("-", g) for g in s.red_lines] or [s.no_red_line]
    out += ["", f"### {s.gaps_title}", ""]
    out += [_gap_line(f"{i}.", g) for i, g in enumerate(s.gaps, start=1)] or [s.no_gap]
    if s.attributed:
        out += ["", f"### {s.attributed_title}", "", s.attributed_note, ""]
        out += [_gap_line(f"{i}.", g) for i, g in enumerate(s.attributed, start=1)]
    return out + [""]


def _summary(view: ReportView) -> list[str]:
    lead = sentence(view.summary.lead, starts_line=True)
    return [f"## {view.titles.summary}", "", lead, "", *_principle_table(view), *_headline(view.summary)]


def _finding(f: FindingView, t: Titles) -> list[str]:
    red = f", **{f.flag}**" if f.flag else ""
    out = [
        f"#### {f.rule} {text(f.title)}",
        "",
        f"**{f.status_label}**, {f.meta}{red}",
        "",
        text(f.explanation) + _refs(f.refs),
        "",
    ]
    if f.facts:
        out += [f"{f.facts_label}:", ""]
        out += [
            f"- {text(u.label_cap)}: **{text(u.display)}**{_refs(u.refs)}"
            + (f" ({text(u.pins)})" if u.pins else "")
            + (f" ({text(u.note)})" if u.note else "")
            for u in f.facts
        ]
        out.append("")
    if f.missing:
        out += [f"{t.missing}:", ""]
        out += [
            f"- {text(m.question)} ({markdown_code(m.path)})" + (f" **{KEPT_SECRET}**" if m.undisclosed else "")
            for m in f.missing
        ]
        out.append("")
    out += [f"{t.requirement}:", ""]
    out += ["  " * line.depth + f"- {text(line.text)}" for line in f.requirement]
    out.append("")
    if f.remedy:
        out += [f"> **{f.remedy_label}**", ">", f"> {text(f.remedy)}", ""]
    if f.references:
        refs = "; ".join(f"[{text(r.text)}]({_url(r.url)})" if r.url else text(r.text) for r in f.references)
        out += [f"{t.references}: {refs}", ""]
    return out


def _principles(view: ReportView) -> list[str]:
    out = [f"## {view.titles.findings}", ""]
    for p in view.principles:
        out += [
            f"### {p.id} {text(p.title)}",
            "",
            f"> {text(p.demand)}",
            ">",
            f"> — {text(p.citation)}",
            "",
            f"**{p.verdict_label}**: "
            + (f"score {p.score}" if p.scored else p.score)
            + (f", {p.decided}" if p.decided else "")
            + f" ({p.counts}).",
            "",
            text(p.reason),
            "",
        ]
        for f in p.findings:
            out += _finding(f, view.titles)
        if p.not_applicable:
            out += [f"**{p.not_applicable_title}**", ""]
            out += [f"- **{f.rule}** {text(f.title)}: {text(f.explanation)}{_refs(f.refs)}" for f in p.not_applicable]
            out.append("")
    return out


def _gaps(view: ReportView) -> list[str]:
    out = [f"## {view.titles.gaps}", ""]
    if not view.gaps:
        return out + [view.no_questions, ""]
    out += [sentence(view.questions_intro, starts_line=True), ""]
    if view.summary.settle:
        out += [f"### {view.settle_title}", "", view.settle_intro, ""]
        out += [f"- {sentence(line)}" for line in view.summary.settle]
        out += ["", f"### {view.titles.questions}", ""]
    for q in view.gaps:
        mark = " **(undisclosed)**" if q.undisclosed else ""
        out.append(f"- **Q{q.number}.** {text(q.question)}{mark} (fact {markdown_code(q.fact)}; {q.needed_by})")
    return out + [""]


def method_lines(method: Method, rows: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The scoring method as Markdown, for the report's Methodology section and docs/scoring.md.

    Its introduction, its steps as a list, and its thresholds (then ``rows``) as a table.
    """
    out = [text(method.intro), ""] + [f"- {text(step)}" for step in method.steps] + [""]
    return out + ["| | |", "|---|---|", *(f"| {k} | {cell(v)} |" for k, v in (*method.thresholds, *rows)), ""]


def _methodology(view: ReportView) -> list[str]:
    rows = [(r.label, r.value) for r in view.method_rows]
    return [f"## {view.titles.methodology}", "", *method_lines(view.methodology, rows), sentence(view.json_command), ""]


def _source_lines(sources: Sequence[SourceView]) -> list[str]:
    out = []
    for s in sources:
        parts = [f"\\[{s.number}\\] {text(s.publisher)}. *{text(s.title)}*. {s.date}."]
        if s.locator:
            parts.append(f"{text(s.locator)}.")
        if s.url:
            parts.append(_url(s.url))
        if s.note:
            parts.append(text(s.note))
        out += [" ".join(parts), ""]
    return out


def _sources(view: ReportView) -> list[str]:
    out = [f"## {view.titles.sources}", "", *_source_lines(view.sources)]
    if view.sources_more:
        out += [text(view.sources_more_text), ""]
    return out if view.sources else out + [view.no_sources, ""]


def _brief(view: BriefView) -> list[str]:
    """The two-page brief as Markdown.

    The cover, the principle table, the headline gaps with their sources, the top questions for the
    operator, and how to get the full report.
    """
    out = _title(view) + _facts_table(view.cover_rows) + [""]
    t = view.titles
    out += [sentence(view.summary.lead, starts_line=True), "", f"## {t.by_principle}", ""]
    out += _principle_table(view)
    out += [f"## {t.falls_short}", "", *_headline(view.summary)]
    out += [f"## {t.operator_questions}", ""]
    if view.questions:
        out += [text(view.questions_lead), ""]
        out += [
            f"- **Q{q.number}.** {text(q.question)}"
            + (" **(undisclosed)**" if q.undisclosed else "")
            + f" {q.needed_by_rules}"
            for q in view.questions
        ]
    else:
        out.append(view.no_questions)
    out += ["", f"## {t.cited_sources}", ""]
    out += _source_lines(view.sources) if view.sources else [view.no_sources, ""]
    return out + [f"## {t.full_report}", "", sentence(view.full_report, starts_line=True), ""]


def render(result: AuditResult, options: RenderOptions) -> bytes:
    """The Markdown report (or, with options.brief, the two-page brief)."""
    if options.brief:
        lines = _brief(brief_view(result))
        return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
    view = report_view(result)
    parts = [
        _cover(view),
        _programme(view),
        _summary(view),
        _principles(view),
        _gaps(view),
        _methodology(view),
        _sources(view),
    ]
    return ("\n".join(line for part in parts for line in part).rstrip("\n") + "\n").encode("utf-8")
