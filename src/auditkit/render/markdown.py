"""The full report in Markdown: the same content as the HTML and PDF, from the same view.

Text from the deployment file is escaped so that it shows literally: table
cells lose their pipes and newlines, and Markdown or HTML markup in a field
is backslash-escaped rather than interpreted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from auditkit.escape import markdown, markdown_code
from auditkit.model.result import AuditResult
from auditkit.model.scoring import Method
from auditkit.render import RenderOptions
from auditkit.render.html import brief_view, report_view


def text(value: object) -> str:
    """Inline text with Markdown/HTML specials escaped, on one line (auditkit.escape.markdown)."""
    return markdown(value)


def cell(value: object) -> str:
    """A table cell: escaped, no newlines, and '|' escaped so it cannot split the row."""
    return text(value)


def _url(url: str) -> str:
    """A web address in angle brackets, unless it holds characters that would end them early."""
    return f"<{url}>" if not re.search(r"[<>\s]", url) else text(url)


def _refs(numbers: list[int | str]) -> str:
    return "".join(f" \\[{n}\\]" if isinstance(n, int) else f" {text(n)}" for n in numbers)


def _cover(view: dict[str, Any]) -> list[str]:
    c = view["cover"]
    out = [f"# Human-rights audit: {text(c['name'])}", ""]
    if c["hypothetical"]:
        out += [
            ("> **HYPOTHETICAL PROGRAMME**: invented for teaching or comparison; it describes no real deployment."),
            "",
        ]
    score = f"score {c['score']} of 100" if c["score"] != "no score" else "no score"
    notes = [f"undetermined: {c['undecided']}"] if c["grade_open"] else []
    notes += [c["cap"]] if c["cap"] else []
    notes += [f"{c['decided']} of {c['total']} rules decided"] if not c["grade_open"] else []
    out += [f"**Overall grade {text(c['grade'])}**, {score} ({text('; '.join(notes))})", "", "| | |", "|---|---|"]
    rows = [
        ("Jurisdiction", c["jurisdiction"] or "not given"),
        ("Operator", c["operator"] or "not given"),
        ("Technology", c["technology"]),
        ("Period", c["period"]),
        ("Audit date", c["audit_date"]),
        ("Framework", c["frameworks"]),
        ("Auditor", c["auditor"]),
        ("Input", f"{c['input_file']} (SHA-256 {c['sha256']})"),
    ]
    out += [f"| {k} | {cell(v)} |" for k, v in rows if v]
    if c["description"]:
        out += ["", text(c["description"])]
    return out + [""]


def _summary(view: dict[str, Any]) -> list[str]:
    c, s = view["cover"], view["summary"]
    score = f", with an overall score of **{c['score']}** out of 100" if c["score"] != "no score" else ""
    undetermined = f" (undetermined: {c['undecided']})" if c["grade_open"] else ""
    cap = f"; {c['cap']}" if c["cap"] else ""
    ranged = (
        ("; a range shows what the missing facts leave open, and no answer to them can take the score outside it")
        if c["grade_open"]
        else ""
    )
    out = [
        "## Executive summary",
        "",
        (
            f"{text(c['name'])} receives grade **{text(c['grade'])}**{undetermined}{score}{text(cap)}. "
            f"{s['decided']} of {s['total']} rules could be decided from the facts{ranged}."
        ),
        "",
        "| Principle | Score | Verdict | Decided |",
        "|---|---:|---|---:|",
    ]
    out += [
        f"| {cell(p['id'] + ' ' + p['title'])} | {p['score']} | {p['verdict_label']} | {p['coverage']} |"
        for p in view["principles"]
    ]
    out += ["", f"### {s['red_lines_title']}", ""]
    out += [f"- **{g['rule']}** ({g['tags']}) {text(g['sentence'])}{_refs(g['refs'])}" for g in s["red_lines"]] or [
        s["no_red_line"]
    ]
    out += ["", f"### {s['gaps_title']}", ""]
    out += [
        f"{i}. **{g['rule']}** ({g['tags']}) {text(g['sentence'])}{_refs(g['refs'])}"
        for i, g in enumerate(s["gaps"], start=1)
    ] or [s["no_gap"]]
    if s["attributed"]:
        out += ["", f"### {s['attributed_title']}", "", s["attributed_note"], ""]
        out += [
            f"{i}. **{g['rule']}** ({g['tags']}) {text(g['sentence'])}{_refs(g['refs'])}"
            for i, g in enumerate(s["attributed"], start=1)
        ]
    return out + [""]


def _finding(f: dict[str, Any]) -> list[str]:
    red = ", **red line**" if f["red_line"] else ", **decisive**" if f["decisive"] else ""
    out = [
        f"#### {f['rule']} {text(f['title'])}",
        "",
        f"**{f['status_label']}**, severity {f['severity']}, weight {f['weight']}{red}",
        "",
        text(f["explanation"]) + _refs(f["refs"]),
        "",
    ]
    if f["facts"]:
        out += [f"{f['facts_label']}:", ""]
        out += [
            f"- {text(u['label_cap'])}: **{text(u['display'])}**{_refs(u['refs'])}"
            + (f" ({text(u['pins'])})" if u["pins"] else "")
            + (f" ({text(u['note'])})" if u["note"] else "")
            for u in f["facts"]
        ]
        out.append("")
    if f["missing"]:
        out += ["Missing facts:", ""]
        out += [
            f"- {text(m['question'])} ({markdown_code(m['path'])})"
            + (" **Kept secret by the operator.**" if m["undisclosed"] else "")
            for m in f["missing"]
        ]
        out.append("")
    out += ["Requirement:", ""]
    out += ["  " * line["depth"] + f"- {text(line['text'])}" for line in f["requirement"]]
    out.append("")
    if f["remedy"]:
        label = (
            "Proposed amendment"
            if f["status"] != "unknown"
            else "Proposed amendment, should the facts show the rule is not met"
        )
        out += [f"> **{label}**", ">", f"> {text(f['remedy'])}", ""]
    if f["references"]:
        refs = "; ".join(
            f"[{text(r['text'])}]({_url(r['url'])})" if r["url"] else text(r["text"]) for r in f["references"]
        )
        out += [f"References: {refs}", ""]
    return out


def _settle(p: dict[str, Any]) -> str:
    if not p["settle"]:
        return ""
    more = len(p["settle"]) - 3
    tail = f" (and {more} more, listed among the information gaps)" if more > 0 else ""
    return f" To settle it, establish: {text('; '.join(f['phrase'] for f in p['settle'][:3]))}{tail}."


def _principles(view: dict[str, Any]) -> list[str]:
    out = ["## Findings by principle", ""]
    for p in view["principles"]:
        out += [
            f"### {p['id']} {text(p['title'])}",
            "",
            f"> {text(p['demand'])}",
            ">",
            f"> — {text(p['citation'])}",
            "",
            f"**{p['verdict_label']}**: "
            + ("no score" if p["score"] == "no score" else f"score {p['score']}")
            + (f", {p['decided']}" if p["decided"] else "")
            + f" ({p['counts']}).",
            "",
            text(p["reason"]) + _settle(p),
            "",
        ]
        for f in p["findings"]:
            out += _finding(f)
        if p["not_applicable"]:
            count = len(p["not_applicable"])
            out += [f"**Not applicable to this programme ({count} rule{'s' if count != 1 else ''})**", ""]
            out += [
                f"- **{f['rule']}** {text(f['title'])}: {text(f['explanation'])}{_refs(f['refs'])}"
                for f in p["not_applicable"]
            ]
            out.append("")
    return out


def _gaps(view: dict[str, Any]) -> list[str]:
    out = ["## Information gaps: questions for the operator", ""]
    if not view["gaps"]:
        return out + ["Every fact the rules need was established.", ""]
    out += [
        (
            "These facts could not be established, so the rules that need them stay undecided. Each is "
            "worded as a question to put to the operator, for example in a freedom-of-information request. They "
            "are listed in the order that settles the most: first the answers that can narrow the overall score "
            "range furthest. Questions marked **undisclosed** concern facts the operator is known to keep "
            "secret."
        ),
        "",
    ]
    if view["summary"]["settle"]:
        out += [
            "### What would settle the open verdicts",
            "",
            (
                "For each principle the facts leave open, the unknown facts whose answers narrow its score range "
                "most. The questions below follow the same order."
            ),
            "",
        ]
        out += [
            f"- To settle **{p['id']}** ({p['verdict_label'].lower()}), establish: {text('; '.join(p['facts']))}"
            + (f" (and {p['more']} more)" if p["more"] else "")
            + "."
            for p in view["summary"]["settle"]
        ]
        out += ["", "### Questions", ""]
    for q in view["gaps"]:
        mark = " **(undisclosed)**" if q["undisclosed"] else ""
        settles = f"; an answer could settle the verdict of {', '.join(q['settles'])}" if q["settles"] else ""
        narrows = f"; can narrow the overall score range by up to {q['narrows']} points" if q["narrows"] != "0" else ""
        out.append(
            f"- **Q{q['number']}.** {text(q['question'])}{mark} (fact {markdown_code(q['fact'])}; needed by "
            f"{', '.join(q['rules'])} ({', '.join(q['principles'])}){settles}{narrows})"
        )
    return out + [""]


def method_lines(method: Method, rows: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The scoring method as Markdown: its introduction, its steps as a list, and its thresholds (then ``rows``)
    as a table. The report's Methodology section and docs/scoring.md both print it."""
    out = [text(method.intro), ""] + [f"- {text(step)}" for step in method.steps] + [""]
    return out + ["| | |", "|---|---|", *(f"| {k} | {cell(v)} |" for k, v in (*method.thresholds, *rows)), ""]


def _methodology(view: dict[str, Any]) -> list[str]:
    c = view["cover"]
    rows = [
        *(("Rule set", f"{f['title']} ({f['id']}), version {f['version']}") for f in view["frameworks"]),
        ("auditkit version", c["version"]),
        ("Input file", c["input_file"]),
        ("Input SHA-256", c["sha256"]),
    ]
    out = ["## Methodology", "", *method_lines(view["methodology"], rows)]
    command = markdown_code(f"auditkit audit {c['input_file']} --format json")
    out += [
        (
            f"The full audit result as JSON is produced by {command}; "
            "the SHA-256 above identifies the exact input file audited."
        ),
        "",
    ]
    return out


def _sources(view: dict[str, Any]) -> list[str]:
    out = ["## Sources", ""]
    for s in view["sources"]:
        parts = [f"\\[{s['number']}\\] {text(s['publisher'])}. *{text(s['title'])}*. {s['date']}."]
        if s["locator"]:
            parts.append(f"{text(s['locator'])}.")
        if s["url"]:
            parts.append(_url(s["url"]))
        if s["note"]:
            parts.append(text(s["note"]))
        out += [" ".join(parts), ""]
    if view["sources_more"]:
        out += [
            (
                f"… and {view['sources_more']} more sources, not listed here; the full list is in the audit's "
                "JSON result."
            ),
            "",
        ]
    return out if view["sources"] else out + ["The deployment file declares no sources.", ""]


def _brief(view: dict[str, Any]) -> list[str]:
    """The two-page brief: the cover, the principle table, the headline gaps with their sources, the top
    questions for the operator, and how to get the full report."""
    c = view["cover"]
    cover = _cover(view)
    out = cover[: cover.index("| | |")]
    out += ["| | |", "|---|---|"]
    rows = [
        ("Jurisdiction", c["jurisdiction"] or "not given"),
        ("Operator", c["operator"] or "not given"),
        ("Technology", c["technology"]),
        ("Period", c["period"]),
        ("Audit date", c["audit_date"]),
        ("Framework", c["frameworks"]),
    ]
    out += [f"| {k} | {cell(v)} |" for k, v in rows if v] + [""]
    summary = _summary(view)
    table = summary.index("| Principle | Score | Verdict | Decided |")
    gaps = summary.index(f"### {view['summary']['red_lines_title']}")
    out += [
        summary[2],
        "",
        "## Principle by principle",
        "",
        *summary[table:gaps],
        "## What falls short",
        "",
        *summary[gaps:],
    ]
    out += ["## Questions for the operator", ""]
    questions, total = view["questions"], view["questions_total"]
    if questions:
        out += [
            f"{total} fact{'s' if total != 1 else ''} could not be established. The {len(questions)} that "
            "matter most" + (" (numbered as in the full report):" if total > len(questions) else ":"),
            "",
        ]
        out += [
            f"- **Q{q['number']}.** {text(q['question'])}"
            + (" **(undisclosed)**" if q["undisclosed"] else "")
            + f" Needed by {', '.join(q['rules'])}."
            for q in questions
        ]
    else:
        out.append("Every fact the rules need was established.")
    out += ["", "## Sources cited above", ""]
    out += _sources(view)[2:] if view["sources"] else ["The gaps above cite no source.", ""]
    out += [
        "## The full report",
        "",
        (
            f"This brief is cut from a full report that gives, for each of the {view['rules_total']} rules, the "
            "facts that decided it, their sources and an amendment ready to propose; all "
            f"{view['questions_total']} questions for the operator; the method; and all {view['sources_total']} "
            f"sources. To produce it: `{view['full_command']}` (auditkit {c['version']}; input "
            f"{text(c['input_file'])}, SHA-256 {c['sha256']})."
        ),
        "",
    ]
    return out


def render(result: AuditResult, options: RenderOptions) -> bytes:
    """The Markdown report (or, with options.brief, the two-page brief)."""
    if options.brief:
        lines = _brief(brief_view(result))
        return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
    view = report_view(result)
    parts = [_cover(view), _summary(view), _principles(view), _gaps(view), _methodology(view), _sources(view)]
    return ("\n".join(line for part in parts for line in part).rstrip("\n") + "\n").encode("utf-8")
