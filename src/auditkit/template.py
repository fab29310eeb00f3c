"""The commented template that ``auditkit init`` writes, derived from the models."""

from __future__ import annotations

import textwrap

from auditkit.model.catalog import catalogue
from auditkit.model.deployment import FORMAT_VERSION, SECTIONS, Deployment

HEADER = f"""\
# yaml-language-server: $schema=deployment.schema.json
# (For completion and checks as you type in an editor with the YAML
# extension, run once:  auditkit schema deployment > deployment.schema.json)
#
# An auditkit deployment description. Fill in what you can establish and
# leave the rest 'unknown'. Write each known fact with the sources behind it:
#
#   published: {{value: yes, sources: [decree-2019]}}
#
# and declare each source once in the 'sources' list. If the operator refuses
# to say, write 'undisclosed' (that is itself evidence about transparency).
# Check the file with:  auditkit validate THIS-FILE
# Audit it with:        auditkit audit THIS-FILE
format_version: {FORMAT_VERSION}

deployment:
  name: "Name of the programme"
  jurisdiction: "City, region or country"
  operator: "The body that runs it"
  technology: "for example: facial-recognition cameras"
  # audit_date: "2026-01-31"    # printed on the report instead of leaving it out
  # auditor: "Your organisation"
  hypothetical: false

sources: []
  # - id: example-2020
  #   publisher: "Who published it"
  #   title: "Its title"
  #   date: "2020-05-01"
  #   url: "https://example.org/article"
"""


def template() -> str:
    """The template text: every question, grouped by principle, all unknown."""
    parts = [HEADER]
    facts = catalogue()
    for section in SECTIONS:
        title = Deployment.model_fields[section].description or section
        parts.append(f"\n# {title}\n{section}:\n")
        for info in facts.values():
            if info.section != section:
                continue
            answers = {"yesno": "yes / no", "count": "a whole number"}.get(
                info.kind, " / ".join(k for k, _ in info.choices))
            hint = textwrap.shorten(info.question, 110, placeholder="...")
            parts.append(f"  # {hint}  [{answers}]\n  {info.path.split('.', 1)[1]}: unknown\n")
    return "".join(parts)
