"""Plain-language listings and explanations of frameworks and rules."""

from __future__ import annotations

import textwrap

from auditkit.errors import single
from auditkit.model.catalog import catalogue
from auditkit.rules.loader import Framework
from auditkit.rules.logic import words

WIDTH = 88


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def listing(frameworks: list[Framework]) -> str:
    """Every framework, its principles and their rules, one line each."""
    out = []
    for fw in frameworks:
        out.append(f"{fw.id} {fw.version}: {fw.title} ({len(fw.rules)} rules)")
        for principle in fw.principles:
            out.append(f"  {principle.id} {principle.title}")
            for rule in principle.rules:
                mark = " [red line]" if rule.red_line else ""
                out.append(f"    {rule.id:<8} {rule.title}{mark}")
        out.append("")
    out.append("Explain a rule with: auditkit principles RULE_ID")
    return "\n".join(out) + "\n"


def explain_rule(frameworks: list[Framework], rule_id: str) -> str:
    """A rule explained for a reader who never read its source."""
    for fw in frameworks:
        for principle in fw.principles:
            for rule in principle.rules:
                if rule_id.upper() in (rule.id, *rule.aliases):
                    break
            else:
                continue
            facts = catalogue()
            out = [f"{rule.id}: {rule.title}", ""]
            out.append(f"Principle {principle.id}, {principle.title} ({fw.title}):")
            out += _wrap(principle.demand)
            out += ["", "Why it matters:"] + _wrap(rule.rationale)
            if rule.applies_when is not None:
                out += ["", "Applies only when:"] + ["  " + w for w in words(rule.applies_when)]
            out += ["", "What it checks (the rule is met when):"] + ["  " + w for w in words(rule.met_when)]
            if rule.partial_when is not None:
                out += ["", "Partly met when:"] + ["  " + w for w in words(rule.partial_when)]
            out += ["", "Questions the auditor answers:"]
            out += [line for path in rule.facts for line in _wrap(f"{path}: {facts[path].question}")]
            severity = f"{rule.severity}, weight {rule.weight}" + (", a red line: not meeting it caps the "
                                                                    "overall grade" if rule.red_line else "")
            out += ["", f"Severity: {severity}.", "", "Remedy (amendment-ready):"] + _wrap(rule.remedy)
            out += ["", "References:"]
            for ref in rule.references:
                out += _wrap(f"- {ref}" + (f" <{ref.url}>" if ref.url else ""))
            return "\n".join(out) + "\n"
    raise single(rule_id, "no rule with this id; 'auditkit principles' lists them all")
