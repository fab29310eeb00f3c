"""A readable terminal summary: the principles table, then the headline gaps (render/headline.py).

Its sentences shared with the other formats come from the report view (render/view.py).
"""

from __future__ import annotations

import textwrap

from auditkit.escape import terminal
from auditkit.model.result import AuditResult, Verdict
from auditkit.render import RenderOptions
from auditkit.render.headline import NO_GAP, NO_RED_LINE, RED_LINES_TITLE, headline
from auditkit.render.labels import grade_sentence, score_text, verdict_label
from auditkit.render.view import HYPOTHETICAL, HYPOTHETICAL_NOTE, plain, settle_lines

WIDTH = 88


def lines(result: AuditResult) -> list[str]:
    """The terminal summary's lines, not yet escaped for the terminal."""
    return [*_heading(result), *_principles(result), *_settle(result), *_gaps(result), *_unknown(result)]


def _heading(result: AuditResult) -> list[str]:
    """Who and what was audited, against which rule sets, and the overall grade and score."""
    d = result.deployment
    out = [f"auditkit {result.auditkit_version} audit of {d.name}"]
    if d.hypothetical:
        out.append(f"{HYPOTHETICAL}: {HYPOTHETICAL_NOTE}")
    where = ", ".join(x for x in (d.jurisdiction, d.operator) if x)
    if where:
        out.append(where)
    kind = "; ".join(row.display for row in result.programme_kind)
    if kind:
        out.extend(textwrap.wrap(f"Kind: {kind}", WIDTH, subsequent_indent="    "))
    listed = [
        f"{n} {what}{'s' if n != 1 else ''}"
        for n, what in ((len(result.instruments), "legal instrument"), (len(result.contractors), "contractor"))
        if n
    ]
    if listed:
        out.append(f"Listed in the full report (--format md): {' and '.join(listed)}")
    frameworks = ", ".join(f"{f.id} {f.version}" for f in result.frameworks)
    out.append(f"Framework: {frameworks}    Input: {result.input_file} (sha256 {result.input_sha256[:12]})")
    out.append("")
    score = "-" if result.score is None else f"{score_text(result.score)}/100"
    out.extend(
        textwrap.wrap(f"Overall: grade {grade_sentence(result)}; score {score}", WIDTH, subsequent_indent="    ")
    )
    return out


def _principles(result: AuditResult) -> list[str]:
    """The principles table, with the note on what its columns mean."""
    out = ["", f"{'Principle':<44} {'Score':>9} {'Decided':>7}  Verdict"]
    for p in result.principles:
        name = f"{result.principle_key(p)} {p.title}"
        decided = "-" if p.verdict is Verdict.NOT_APPLICABLE else f"{p.coverage:.0%}"
        shown = "-" if p.score is None else score_text(p.score)
        out.append(f"{name[:44]:<44} {shown:>9} {decided:>7}  {verdict_label(p.verdict)}")
    out.extend(
        textwrap.wrap(
            "(Score: low-high, the range the unknown facts leave open. Decided: the share of the "
            "principle's rule weight the known facts decide.)",
            WIDTH,
        )
    )
    return out


def _settle(result: AuditResult) -> list[str]:
    """What would settle each principle the facts leave open (nothing when none is open)."""
    settle = settle_lines(result)
    if not settle:
        return []
    out = [""]
    for line in settle:
        out.extend(textwrap.wrap(plain(line), WIDTH, subsequent_indent="    "))
    return out


def _gaps(result: AuditResult) -> list[str]:
    """The headline gaps under their titles, each with its remedy; an empty list says so, when it must."""
    head = headline(result)
    out: list[str] = []
    for title, gaps, empty in (
        (RED_LINES_TITLE, head.red_lines, NO_RED_LINE),
        (head.others_title, head.others, NO_GAP),
        (head.attributed_title, head.attributed, ""),
    ):
        if not gaps and not empty:
            continue
        out += ["", f"{title}:"]
        if not gaps:
            out.append(empty)
        for gap in gaps:
            f = gap.finding
            out.extend(textwrap.wrap(f"- {f.rule} [{gap.tags}] {f.explanation}", WIDTH, subsequent_indent="    "))
            out.extend(textwrap.wrap("Remedy: " + f.remedy, WIDTH, initial_indent="    ", subsequent_indent="    "))
    return out


def _unknown(result: AuditResult) -> list[str]:
    """How many facts are unknown, and where the questions for the operator are listed."""
    unknown = len(result.information_gaps)
    if not unknown:
        return []
    note = (
        f"{unknown} facts could not be established; 'auditkit audit FILE --format md' lists them "
        "as questions for the operator."
    )
    return ["", note]


def render(result: AuditResult, options: RenderOptions) -> bytes:
    """The terminal summary: every line escaped, so a file's text cannot move the cursor."""
    return ("\n".join(map(terminal, lines(result))) + "\n").encode("utf-8")
