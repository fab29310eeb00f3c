"""A readable terminal summary: the principles table, then the worst gaps."""

from __future__ import annotations

import textwrap

from auditkit.escape import terminal
from auditkit.model.result import AuditResult, Verdict
from auditkit.render import RenderOptions
from auditkit.render.labels import (
    grade_sentence,
    grade_text,
    score_text,
    settle_text,
    status_label,
    verdict_label,
    worst_gaps,
)

WIDTH = 88


def lines(result: AuditResult, gaps: int = 8) -> list[str]:
    d = result.deployment
    out = [f"auditkit {result.auditkit_version} audit of {d.name}"]
    if d.hypothetical:
        out.append("HYPOTHETICAL programme, invented for comparison: not a real deployment.")
    where = ", ".join(x for x in (d.jurisdiction, d.operator) if x)
    if where:
        out.append(where)
    frameworks = ", ".join(f"{f.id} {f.version}" for f in result.frameworks)
    out.append(f"Framework: {frameworks}    Input: {result.input_file} (sha256 {result.input_sha256[:12]})")
    out.append("")
    score = "-" if result.score is None else f"{score_text(result.score)}/100"
    out.extend(textwrap.wrap(f"Overall: grade {grade_sentence(result)}; score {score}", WIDTH,
                             subsequent_indent="    "))
    if result.red_lines_crossed:
        out.append("Red lines crossed: " + ", ".join(result.red_lines_crossed))
    out.append("")
    out.append(f"{'Principle':<44} {'Score':>9} {'Decided':>7}  Verdict")
    for p in result.principles:
        name = f"{p.id} {p.title}"
        decided = "-" if p.verdict is Verdict.NOT_APPLICABLE else f"{p.coverage:.0%}"
        shown = "-" if p.score is None else score_text(p.score)
        out.append(f"{name[:44]:<44} {shown:>9} {decided:>7}  {verdict_label(p.verdict)}")
    out.extend(textwrap.wrap("(Score: low-high, the range the unknown facts leave open. Decided: the share of the "
                             "principle's rule weight the known facts decide.)", WIDTH))
    settle = settle_text(result)
    if settle:
        out.append("")
        for line in settle:
            out.extend(textwrap.wrap(line, WIDTH, subsequent_indent="    "))
    worst = worst_gaps(result.findings)
    if worst:
        out.append("")
        out.append(f"Most serious gaps ({min(gaps, len(worst))} of {len(worst)}):")
        for f in worst[:gaps]:
            head = f"- {f.rule} [{status_label(f.status)}, {f.severity}{', red line' if f.red_line else ''}] "
            out.extend(textwrap.wrap(head + f.explanation, WIDTH, subsequent_indent="    "))
            out.extend(textwrap.wrap("Remedy: " + f.remedy, WIDTH, initial_indent="    ",
                                     subsequent_indent="    "))
    unknown = len(result.information_gaps)
    if unknown:
        out.append("")
        out.append(f"{unknown} facts could not be established; 'auditkit audit FILE --format md' lists them "
                   "as questions for the operator.")
    return out


def render(result: AuditResult, options: RenderOptions) -> bytes:
    return ("\n".join(map(terminal, lines(result))) + "\n").encode("utf-8")


def render_batch(results: list[AuditResult]) -> bytes:
    out: list[str] = []
    for result in results:
        out.extend(lines(result, gaps=3))
        out.append("")
        out.append("=" * WIDTH)
        out.append("")
    out.append(f"Summary of {len(results)} audits")
    out.append(f"{'File':<36} {'Grade':<10} {'Score':>9}  Red lines")
    for r in results:
        score = "-" if r.score is None else score_text(r.score)
        out.append(f"{r.input_file[:36]:<36} {grade_text(r):<10} {score:>9}  {', '.join(r.red_lines_crossed) or '-'}")
    out.append("(A grade or score shown as a range, such as B-F or 31-96, is not settled by the known facts.)")
    return ("\n".join(map(terminal, out)) + "\n").encode("utf-8")
